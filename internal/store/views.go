package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
)

// ViewFilter selects the tickets of an agent's view. Zero values mean "any".
type ViewFilter struct {
	// Unsolved keeps tickets whose status is below solved (new, open, pending, hold).
	Unsolved    bool
	AssigneeID  int64
	Unassigned  bool
	RequesterID int64
	// InGroups, when not nil, keeps tickets whose group is one of GroupIDs; an empty
	// list then matches nothing (an agent in no group has no group tickets).
	InGroups bool
	GroupIDs []int64
	// HiddenGroups are private groups whose tickets the list leaves out.
	HiddenGroups []int64
}

// ViewSort orders a view: By is one of the keys of viewSortCols.
type ViewSort struct {
	By   string
	Desc bool
}

// viewSortCols maps the sort keys the UI offers to SQL expressions. Priority and
// status sort by rank, not alphabetically.
var viewSortCols = map[string]string{
	"id":      "id",
	"subject": "LOWER(subject)",
	"created": "created_at",
	"updated": "updated_at",
	"status": `CASE status WHEN 'new' THEN 0 WHEN 'open' THEN 1 WHEN 'pending' THEN 2
		WHEN 'hold' THEN 3 WHEN 'solved' THEN 4 ELSE 5 END`,
	"priority": `CASE priority WHEN 'urgent' THEN 4 WHEN 'high' THEN 3 WHEN 'normal' THEN 2
		WHEN 'low' THEN 1 ELSE 0 END`,
}

// ValidViewSort reports whether by is a sort key ViewTickets accepts.
func ValidViewSort(by string) bool { _, ok := viewSortCols[by]; return ok }

func (f ViewFilter) where() (string, []any) {
	var b strings.Builder
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	b.WriteString(" WHERE deleted_at IS NULL")
	if f.Unsolved {
		b.WriteString(" AND status IN ('new', 'open', 'pending', 'hold')")
	}
	if f.AssigneeID != 0 {
		b.WriteString(" AND assignee_id = " + arg(f.AssigneeID))
	}
	if f.Unassigned {
		b.WriteString(" AND assignee_id IS NULL")
	}
	if f.RequesterID != 0 {
		b.WriteString(" AND requester_id = " + arg(f.RequesterID))
	}
	if f.InGroups {
		if len(f.GroupIDs) == 0 {
			b.WriteString(" AND 1 = 0")
		} else {
			in, a := inList(f.GroupIDs, args)
			args = a
			b.WriteString(" AND group_id IN (" + in + ")")
		}
	}
	hide, args := notInGroups("group_id", f.HiddenGroups, args)
	return b.String() + hide, args
}

// ViewTickets lists the tickets of a view, sorted, one page at a time (offset
// pagination; ties broken by id so pages never overlap).
func (q *Queries) ViewTickets(ctx context.Context, f ViewFilter, s ViewSort, limit, offset int) ([]model.Ticket, error) {
	col, ok := viewSortCols[s.By]
	if !ok {
		col = viewSortCols["updated"]
	}
	dir := " ASC"
	if s.Desc {
		dir = " DESC"
	}
	where, args := f.where()
	args = append(args, limit, offset)
	query := `SELECT ` + ticketCols + ` FROM tickets` + where + ` ORDER BY ` + col + dir + `, id` + dir +
		fmt.Sprintf(` LIMIT $%d OFFSET $%d`, len(args)-1, len(args))
	return q.tickets(ctx, query, args...)
}

// CountViewTickets counts the tickets of a view.
func (q *Queries) CountViewTickets(ctx context.Context, f ViewFilter) (int64, error) {
	where, args := f.where()
	return q.count(ctx, "count view", `SELECT COUNT(*) FROM tickets`+where, args...)
}

// ListAllGroups returns every group by name, for pickers.
func (q *Queries) ListAllGroups(ctx context.Context) ([]model.Group, error) {
	return q.groups(ctx, `SELECT `+groupCols+` FROM groups ORDER BY LOWER(name), id`)
}

// ListStaff returns every agent and admin (active or not) by name, for pickers
// and the admin agent list.
func (q *Queries) ListStaff(ctx context.Context) ([]model.User, error) {
	return q.users(ctx, `SELECT `+userCols+` FROM users WHERE role IN ('agent', 'admin') ORDER BY LOWER(name), id`)
}

// GroupIDsOf returns the ids of the groups user belongs to.
func (q *Queries) GroupIDsOf(ctx context.Context, userID int64) ([]int64, error) {
	return q.ids(ctx, "groups of user", `SELECT group_id FROM group_memberships WHERE user_id = $1 ORDER BY group_id`, userID)
}
