package desk

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// TicketMetric is Zendesk's ticket metric set, computed from a ticket's audits
// when asked for, so writing a ticket costs nothing more. Times are zero and
// durations nil when the event has not happened (Zendesk's nulls).
type TicketMetric struct {
	TicketID                              int64
	CreatedAt, UpdatedAt                  time.Time
	Replies, Reopens                      int
	AssigneeStations, GroupStations       int
	InitiallyAssignedAt, AssignedAt       time.Time
	SolvedAt, StatusUpdatedAt             time.Time
	LatestCommentAddedAt                  time.Time
	AssigneeUpdatedAt, RequesterUpdatedAt time.Time
	// The durations in calendar time, and in Business the same counted in
	// the open hours of the account's schedule (calendar time without one).
	MetricTimes
	Business MetricTimes
}

// MetricTimes are a ticket metric's durations, counted one way.
type MetricTimes struct {
	ReplyTime, FirstResolution, FullResolution *time.Duration
	AgentWait, RequesterWait, OnHold           time.Duration
}

// TicketMetrics returns the metrics of the tickets with these ids that actor
// may see, in the order given. Staff only, as in Zendesk.
func (s *Service) TicketMetrics(ctx context.Context, actor model.User, tickets []model.Ticket) ([]TicketMetric, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	q := s.db.Read()
	ids := make([]int64, len(tickets))
	for i := range tickets {
		ids[i] = tickets[i].ID
	}
	audits, staff, business, err := s.ticketHistories(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	out := make([]TicketMetric, len(tickets))
	for i := range tickets {
		out[i] = computeMetric(&tickets[i], audits[tickets[i].ID], staff, business)
	}
	return out, nil
}

// TicketMetric returns ticket id's metrics; model.ErrNotFound when actor may
// not see it.
func (s *Service) TicketMetric(ctx context.Context, actor model.User, id int64) (TicketMetric, error) {
	if err := requireStaff(actor); err != nil {
		return TicketMetric{}, err
	}
	t, err := s.Ticket(ctx, actor, id)
	if err != nil {
		return TicketMetric{}, err
	}
	ms, err := s.TicketMetrics(ctx, actor, []model.Ticket{t})
	if err != nil {
		return TicketMetric{}, err
	}
	return ms[0], nil
}

// ticketHistories reads what replaying tickets' audits needs: their audits
// (one query), which authors are staff, and the account schedule's business
// time between two instants.
func (s *Service) ticketHistories(ctx context.Context, q *store.Queries, ids []int64) (map[int64][]model.Audit, map[int64]bool, func(a, b time.Time) time.Duration, error) {
	audits, err := q.AuditsOfTickets(ctx, ids)
	if err != nil {
		return nil, nil, nil, err
	}
	staff, err := s.staffAuthors(ctx, q, audits)
	if err != nil {
		return nil, nil, nil, err
	}
	sla, err := s.slaFor(ctx, q)
	if err != nil {
		return nil, nil, nil, err
	}
	return audits, staff, func(a, b time.Time) time.Duration { return sla.between(a, b, true) }, nil
}

// staffAuthors tells which audit authors are agents or admins: only their
// public comments are replies.
func (s *Service) staffAuthors(ctx context.Context, q *store.Queries, audits map[int64][]model.Audit) (map[int64]bool, error) {
	seen := map[int64]bool{}
	var ids []int64
	for _, as := range audits {
		for _, a := range as {
			if !seen[a.AuthorID] {
				seen[a.AuthorID] = true
				ids = append(ids, a.AuthorID)
			}
		}
	}
	users, err := q.UsersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	staff := make(map[int64]bool, len(users))
	for _, u := range users {
		staff[u.ID] = u.Role.IsStaff()
	}
	return staff, nil
}

// computeMetric replays a ticket's audits, oldest first. Wait times add up the
// spans between status changes: the requester waits while the ticket is new,
// open or on hold, the agent while it is pending. The span of the current
// status is counted once it ends (as Zendesk updates metrics on status
// changes), so a solved ticket's figures are final. business counts the
// business time between two instants.
func computeMetric(t *model.Ticket, audits []model.Audit, staff map[int64]bool, business func(a, b time.Time) time.Duration) TicketMetric {
	m := TicketMetric{TicketID: t.ID, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
	status, since := "", t.CreatedAt
	requester, assignee := t.RequesterID, int64(0)
	assignees, groups := map[string]bool{}, map[string]bool{}
	for i, a := range audits {
		for _, e := range a.Events {
			v := fmt.Sprint(orEmpty(e.Value))
			switch {
			case e.Type == "Comment":
				m.LatestCommentAddedAt = a.CreatedAt
				if i > 0 && e.Public != nil && *e.Public && staff[e.AuthorID] {
					m.Replies++
					if m.ReplyTime == nil {
						m.ReplyTime, m.Business.ReplyTime = durPtr(a.CreatedAt.Sub(t.CreatedAt)), durPtr(business(t.CreatedAt, a.CreatedAt))
					}
				}
			case e.FieldName == "status" && v != status:
				m.MetricTimes.addWait(status, a.CreatedAt.Sub(since))
				m.Business.addWait(status, business(since, a.CreatedAt))
				if status == string(model.StatusSolved) && v != string(model.StatusClosed) {
					m.Reopens++
				}
				status, since, m.StatusUpdatedAt = v, a.CreatedAt, a.CreatedAt
				if v == string(model.StatusSolved) {
					m.SolvedAt = a.CreatedAt
					if m.FirstResolution == nil {
						m.FirstResolution, m.Business.FirstResolution = durPtr(a.CreatedAt.Sub(t.CreatedAt)), durPtr(business(t.CreatedAt, a.CreatedAt))
					}
				}
			case e.FieldName == "assignee_id" && v != "":
				if m.InitiallyAssignedAt.IsZero() {
					m.InitiallyAssignedAt = a.CreatedAt
				}
				m.AssignedAt, assignees[v] = a.CreatedAt, true
				assignee, _ = strconv.ParseInt(v, 10, 64) // ids are written by fieldEvents
			case e.FieldName == "requester_id" && v != "":
				requester, _ = strconv.ParseInt(v, 10, 64)
			case e.FieldName == "group_id" && v != "":
				groups[v] = true
			}
		}
		switch a.AuthorID {
		case requester:
			m.RequesterUpdatedAt = a.CreatedAt
		case assignee:
			m.AssigneeUpdatedAt = a.CreatedAt
		}
	}
	m.AssigneeStations, m.GroupStations = len(assignees), len(groups)
	if status == string(model.StatusSolved) || status == string(model.StatusClosed) {
		m.FullResolution, m.Business.FullResolution = durPtr(m.SolvedAt.Sub(t.CreatedAt)), durPtr(business(t.CreatedAt, m.SolvedAt))
	}
	return m
}

func (m *MetricTimes) addWait(status string, d time.Duration) {
	switch model.Status(status) {
	case model.StatusNew, model.StatusOpen:
		m.RequesterWait += d
	case model.StatusHold:
		m.RequesterWait += d
		m.OnHold += d
	case model.StatusPending:
		m.AgentWait += d
	}
}

func orEmpty(v any) any {
	if v == nil {
		return ""
	}
	return v
}

func durPtr(d time.Duration) *time.Duration { return &d }
