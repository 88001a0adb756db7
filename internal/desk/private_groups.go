package desk

import (
	"context"
	"fmt"
	"slices"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// Private groups (issue 19 point 8): the tickets of a group that is not public
// are seen only by its members and by admins. Every read and write of a ticket
// asks hiddenGroups, and the store's lists, views and searches take the result
// as a filter, so an agent outside the group meets those tickets nowhere: not by
// id (404), not in a list, a view, a search or any count.

// hiddenGroups returns the private groups whose tickets actor may not see. Only
// agents are limited: admins see every ticket, end users only their own
// requests (whatever their group), and the peer instance's calls are checked by
// the escalation links. q reads inside a transaction when given one.
func (s *Service) hiddenGroups(ctx context.Context, q *store.Queries, actor model.User) ([]int64, error) {
	if actor.Role != model.RoleAgent {
		return nil, nil
	}
	if q == nil {
		q = s.db.Read()
	}
	ids, err := q.HiddenGroupsFor(ctx, actor.ID)
	if err != nil {
		return nil, fmt.Errorf("desk: hidden groups of user %d: %w", actor.ID, err)
	}
	return ids, nil
}

// groupHidden returns model.ErrNotFound when a ticket of group (0 for none) is
// hidden from actor: a private group's ticket does not exist for an outsider.
func (s *Service) groupHidden(ctx context.Context, q *store.Queries, actor model.User, ticketID, group int64) error {
	if group == 0 || actor.Role != model.RoleAgent {
		return nil
	}
	hidden, err := s.hiddenGroups(ctx, q, actor)
	if err != nil {
		return err
	}
	if slices.Contains(hidden, group) {
		return fmt.Errorf("desk: ticket %d: %w", ticketID, model.ErrNotFound)
	}
	return nil
}

// mayTouchAnyState checks that actor may act on ticket id, live or
// soft-deleted (restore and purge reach deleted tickets).
func (s *Service) mayTouchAnyState(ctx context.Context, q *store.Queries, actor model.User, id int64) error {
	if actor.Role != model.RoleAgent {
		return nil
	}
	group, err := q.TicketGroup(ctx, id)
	if err != nil {
		return err
	}
	return s.groupHidden(ctx, q, actor, id, group)
}

// visibleTickets drops from rows the tickets of groups hidden from actor.
func (s *Service) visibleTickets(ctx context.Context, actor model.User, rows []model.Ticket) ([]model.Ticket, error) {
	hidden, err := s.hiddenGroups(ctx, nil, actor)
	if err != nil || len(hidden) == 0 {
		return rows, err
	}
	return slices.DeleteFunc(rows, func(t model.Ticket) bool { return slices.Contains(hidden, t.GroupID) }), nil
}
