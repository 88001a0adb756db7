package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// newTicketData is the "new ticket on behalf of a requester" form.
type newTicketData struct {
	RequesterEmail string
	RequesterName  string
	Subject        string
	Body           string
	Internal       bool
	Priority       string
	Type           string
	GroupID        int64
	AssigneeID     int64
	Tags           string
	// Idem is the form's idempotency key: a double submit creates one ticket.
	Idem string
	// Upload is the token of the files a refused submit carried; Kept lists them.
	Upload     string
	Kept       []attachmentView
	Priorities []string
	Types      []string
	Groups     []model.Group
	Agents     []model.User
	Errors     []string
	// SecureGroups are the pseudo groups: creating a ticket in one escalates it.
	SecureGroups map[int64]bool
	// ConfirmEscalation asks the agent to confirm the pseudo group chosen.
	ConfirmEscalation bool
}

func (s *Server) newTicketForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	d := &newTicketData{RequesterEmail: r.URL.Query().Get("requester"), Idem: newToken()}
	return s.renderNewTicket(w, r, rq, http.StatusOK, d)
}

func (s *Server) renderNewTicket(w http.ResponseWriter, r *http.Request, rq *request, status int, d *newTicketData) error {
	if err := s.loadPickers(r.Context(), rq.user, &d.Groups, &d.Agents); err != nil {
		return err
	}
	d.Priorities, d.Types = model.Priorities, model.TicketTypes
	var err error
	if d.SecureGroups, err = s.secureGroups(r.Context(), rq.user); err != nil {
		return err
	}
	s.render(w, r, rq, status, "ticket_new.html", "New ticket", d)
	return nil
}

// loadPickers fills the group and active-agent choices of a form.
func (s *Server) loadPickers(ctx context.Context, actor model.User, groups *[]model.Group, agents *[]model.User) error {
	var err error
	if *groups, err = s.desk.AllGroups(ctx, actor); err != nil {
		return err
	}
	staff, err := s.desk.Staff(ctx, actor)
	if err != nil {
		return err
	}
	for _, u := range staff {
		if u.Active {
			*agents = append(*agents, u)
		}
	}
	return nil
}

// createTicket creates a ticket for a requester given by email (created as an end
// user when unknown) through desk.CreateTicket.
func (s *Server) createTicket(w http.ResponseWriter, r *http.Request, rq *request) error {
	upload, err := s.receiveFiles(w, r, rq)
	if err != nil {
		return err
	}
	f := r.PostForm
	d := &newTicketData{RequesterEmail: strings.TrimSpace(f.Get("requester_email")), RequesterName: strings.TrimSpace(f.Get("requester_name")),
		Subject: f.Get("subject"), Body: f.Get("body"), Internal: f.Get("visibility") == "internal", Priority: f.Get("priority"),
		Type: f.Get("type"), Tags: f.Get("tags"), Idem: f.Get("idem"), Upload: upload}
	if d.GroupID, err = parseOptionalID(f.Get("group_id")); err != nil {
		s.dropUpload(r.Context(), rq, upload)
		return &httpError{http.StatusBadRequest, "The group is not a valid choice."}
	}
	if d.AssigneeID, err = parseOptionalID(f.Get("assignee_id")); err != nil {
		s.dropUpload(r.Context(), rq, upload)
		return &httpError{http.StatusBadRequest, "The assignee is not a valid choice."}
	}
	var res desk.TicketResult
	if strings.TrimSpace(d.Subject) == "" {
		err = model.Invalid("subject", "BlankValue", "Subject: cannot be blank")
	} else if err = s.confirmEscalation(r.Context(), rq.user, f, &model.Ticket{}); err != nil {
		var ce *escalationConfirm
		if !errors.As(err, &ce) {
			s.dropUpload(r.Context(), rq, upload)
			return err
		}
		d.Errors, d.Kept, d.ConfirmEscalation = []string{ce.Error()}, s.keptFiles(r.Context(), rq, upload), true
		return s.renderNewTicket(w, r, rq, http.StatusConflict, d)
	} else {
		res, err = s.desk.CreateTicket(r.Context(), rq.user, d.input(), d.Idem)
	}
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		d.Errors, d.Kept = validationMessages(ve), s.keptFiles(r.Context(), rq, upload)
		return s.renderNewTicket(w, r, rq, http.StatusUnprocessableEntity, d)
	}
	if err != nil || res.Replayed { // a double submit: the first one's files are on the ticket
		s.dropUpload(r.Context(), rq, upload)
	}
	if err != nil {
		return err
	}
	flash := "created"
	if inEscalation(&res.Ticket) {
		flash = "escalating"
	}
	http.Redirect(w, r, "/tickets/"+itoa(res.Ticket.ID)+"?flash="+flash, http.StatusSeeOther)
	return nil
}

// input turns the form into a desk create.
func (d *newTicketData) input() desk.TicketInput {
	public := !d.Internal
	in := desk.TicketInput{Subject: &d.Subject, Requester: &desk.RequesterInput{Email: d.RequesterEmail, Name: d.RequesterName},
		Comment: &desk.CommentInput{Body: d.Body, Public: &public}, Via: "web"}
	if d.Upload != "" {
		in.Comment.Uploads = []string{d.Upload}
	}
	if d.Priority != "" {
		in.Priority = &d.Priority
	}
	if d.Type != "" {
		in.Type = &d.Type
	}
	if d.GroupID != 0 {
		in.GroupID = &d.GroupID
	}
	if d.AssigneeID != 0 {
		in.AssigneeID = &d.AssigneeID
	}
	if tags := desk.NormalizeTags([]string{d.Tags}); len(tags) > 0 {
		in.Tags = &tags
	}
	return in
}
