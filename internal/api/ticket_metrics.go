package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/store"
)

// Ticket metrics (issue 21), computed from each ticket's audits when read.

func (s *Server) metricRoutes(handle func(method, path string, h handlerFunc)) {
	handle("GET", "/ticket_metrics", s.listTicketMetrics)
	handle("GET", "/ticket_metrics/{id}", s.showTicketMetric)
	handle("GET", "/tickets/{id}/metrics", s.showTicketMetric)
}

// minutesJSON is Zendesk's {calendar, business} pair. Business time counts
// the open hours of the account's schedule; without one it is calendar time.
type minutesJSON struct {
	Calendar int64 `json:"calendar"`
	Business int64 `json:"business"`
}

func minutes(calendar, business time.Duration) minutesJSON {
	return minutesJSON{Calendar: int64(calendar / time.Minute), Business: int64(business / time.Minute)}
}

// minutesOrNull is the pair for a time that may not have happened yet, which
// Zendesk sends as {calendar: null, business: null}.
func minutesOrNull(calendar, business *time.Duration) any {
	if calendar == nil || business == nil {
		return map[string]any{"calendar": nil, "business": nil}
	}
	return minutes(*calendar, *business)
}

func timeOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return zt(t)
}

// metricOut renders m. Its id is the ticket's: a ticket has one metric set.
func (s *Server) metricOut(m *desk.TicketMetric) map[string]any {
	var replySeconds any = map[string]any{"calendar": nil}
	if m.ReplyTime != nil {
		replySeconds = map[string]any{"calendar": int64(*m.ReplyTime / time.Second)}
	}
	return map[string]any{
		"id": m.TicketID, "ticket_id": m.TicketID,
		"url":     fmt.Sprintf("%s/api/v2/ticket_metrics/%d.json", s.cfg.BaseURL, m.TicketID),
		"replies": m.Replies, "reopens": m.Reopens,
		"assignee_stations": m.AssigneeStations, "group_stations": m.GroupStations,
		"initially_assigned_at": timeOrNull(m.InitiallyAssignedAt), "assigned_at": timeOrNull(m.AssignedAt),
		"solved_at": timeOrNull(m.SolvedAt), "status_updated_at": timeOrNull(m.StatusUpdatedAt),
		"latest_comment_added_at": timeOrNull(m.LatestCommentAddedAt),
		"assignee_updated_at":     timeOrNull(m.AssigneeUpdatedAt), "requester_updated_at": timeOrNull(m.RequesterUpdatedAt),
		"reply_time_in_minutes": minutesOrNull(m.ReplyTime, m.Business.ReplyTime), "reply_time_in_seconds": replySeconds,
		"first_resolution_time_in_minutes": minutesOrNull(m.FirstResolution, m.Business.FirstResolution),
		"full_resolution_time_in_minutes":  minutesOrNull(m.FullResolution, m.Business.FullResolution),
		"agent_wait_time_in_minutes":       minutes(m.AgentWait, m.Business.AgentWait),
		"requester_wait_time_in_minutes":   minutes(m.RequesterWait, m.Business.RequesterWait),
		"on_hold_time_in_minutes":          minutes(m.OnHold, m.Business.OnHold),
		"created_at":                       zt(m.CreatedAt), "updated_at": zt(m.UpdatedAt),
	}
}

func (s *Server) showTicketMetric(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	m, err := s.desk.TicketMetric(r.Context(), currentUser(r.Context()), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"ticket_metric": s.metricOut(&m)})
	return nil
}

func (s *Server) listTicketMetrics(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaffAPI(r); err != nil {
		return err
	}
	p, err := parsePager(r)
	if err != nil {
		return err
	}
	actor := currentUser(r.Context())
	rows, count, err := s.desk.Tickets(r.Context(), actor, store.TicketFilter{}, p.storePage(), !p.cursor)
	if err != nil {
		return err
	}
	rows, more := trim(p, rows)
	ms, err := s.desk.TicketMetrics(r.Context(), actor, rows)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(ms))
	for i := range ms {
		out[i] = s.metricOut(&ms[i])
	}
	writeJSON(w, http.StatusOK, p.envelope(map[string]any{"ticket_metrics": out}, more, firstID(rows, tid), lastID(rows, tid), count))
	return nil
}
