package api

import (
	"fmt"
	"net/http"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// jobStatusJSON is a Zendesk job_status. Jobs run to completion inside the request
// that starts them, so clients polling it find it completed at once.
type jobStatusJSON struct {
	ID       string            `json:"id"`
	URL      string            `json:"url"`
	JobType  string            `json:"job_type"`
	Total    int               `json:"total"`
	Progress int               `json:"progress"`
	Status   string            `json:"status"`
	Message  string            `json:"message"`
	Results  []model.JobResult `json:"results"`
}

func (s *Server) jobOut(j *model.JobStatus) jobStatusJSON {
	results := j.Results
	if results == nil {
		results = []model.JobResult{}
	}
	return jobStatusJSON{ID: j.ID, URL: fmt.Sprintf("%s/api/v2/job_statuses/%s.json", s.cfg.BaseURL, j.ID),
		JobType: j.JobType, Total: j.Total, Progress: j.Progress, Status: j.Status, Message: j.Message, Results: results}
}

func (s *Server) writeJob(w http.ResponseWriter, j *model.JobStatus) {
	writeJSON(w, http.StatusOK, map[string]any{"job_status": s.jobOut(j)})
}

// bulkTicketIn is one entry of a batch update: a ticket object with its id.
type bulkTicketIn struct {
	ticketIn
	ID optID `json:"id"`
}

// updateMany is PUT /tickets/update_many: ?ids=1,2,3 with {"ticket": {...}} applies
// one change to every ticket (bulk); {"tickets": [{"id": 1, ...}]} applies one
// change each (batch).
func (s *Server) updateMany(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Ticket  *ticketIn      `json:"ticket"`
		Tickets []bulkTicketIn `json:"tickets"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	items, err := bulkItems(r, body.Ticket, body.Tickets)
	if err != nil {
		return err
	}
	j, err := s.desk.UpdateMany(r.Context(), currentUser(r.Context()), items)
	if err != nil {
		return err
	}
	if desk.AllFailed(j) {
		writeJSON(w, http.StatusUnprocessableEntity, s.jobFailedOut(&j))
		return nil
	}
	s.writeJob(w, &j)
	return nil
}

// jobFailedJSON answers a job in which every record failed: a Zendesk error body
// with the job status beside it. Zendesk answers 200 and lets the client read the
// results, but a webhook (the escalation's chain steps) only sees the status code
// and would count a change that never happened as delivered.
type jobFailedJSON struct {
	errorBody
	JobStatus jobStatusJSON `json:"job_status"`
}

func (s *Server) jobFailedOut(j *model.JobStatus) jobFailedJSON {
	details := map[string][]errDetail{}
	for _, r := range j.Results {
		details["tickets"] = append(details["tickets"], errDetail{Description: fmt.Sprintf("ticket %d: %s", r.ID, r.Details), Error: r.Error})
	}
	return jobFailedJSON{errorBody: errorBody{Error: "RecordInvalid",
		Description: fmt.Sprintf("All %d tickets failed to update", len(j.Results)), Details: details}, JobStatus: s.jobOut(j)}
}

func bulkItems(r *http.Request, one *ticketIn, batch []bulkTicketIn) ([]desk.BulkUpdate, error) {
	if r.URL.Query().Has("ids") {
		ids, err := idsParam(r)
		if err != nil {
			return nil, err
		}
		if one == nil {
			return nil, badRequest(`with ?ids= the body must be {"ticket": {...}}, the change to make to each ticket`)
		}
		in, err := one.toInput("api")
		if err != nil {
			return nil, err
		}
		items := make([]desk.BulkUpdate, len(ids))
		for i, id := range ids {
			items[i] = desk.BulkUpdate{ID: id, Input: in}
		}
		return items, nil
	}
	if len(batch) == 0 {
		return nil, badRequest(`give ?ids=1,2,3 with {"ticket": {...}}, or {"tickets": [{"id": 1, ...}]}`)
	}
	if len(batch) > desk.MaxBulk {
		return nil, badRequest("at most 100 tickets per request")
	}
	items := make([]desk.BulkUpdate, len(batch))
	for i := range batch {
		if batch[i].ID.Val == 0 {
			return nil, recordInvalid(model.Invalid("tickets", "BlankValue", "tickets[%d]: id is required", i))
		}
		in, err := batch[i].toInput("api")
		if err != nil {
			return nil, err
		}
		items[i] = desk.BulkUpdate{ID: batch[i].ID.Val, Input: in}
	}
	return items, nil
}

// destroyMany is DELETE /tickets/destroy_many?ids=: a soft delete of each ticket.
func (s *Server) destroyMany(w http.ResponseWriter, r *http.Request) error {
	ids, err := idsParam(r)
	if err != nil {
		return err
	}
	j, err := s.desk.DestroyMany(r.Context(), currentUser(r.Context()), ids)
	if err != nil {
		return err
	}
	s.writeJob(w, &j)
	return nil
}

func (s *Server) showJobStatus(w http.ResponseWriter, r *http.Request) error {
	j, err := s.desk.JobStatus(r.Context(), currentUser(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	s.writeJob(w, &j)
	return nil
}
