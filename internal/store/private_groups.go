package store

import "context"

// HiddenGroupsFor returns the ids of the private groups user is not a member
// of: the groups whose tickets an agent may not see.
func (q *Queries) HiddenGroupsFor(ctx context.Context, userID int64) ([]int64, error) {
	return q.ids(ctx, "hidden groups", `SELECT id FROM groups WHERE is_public = FALSE
		AND id NOT IN (SELECT group_id FROM group_memberships WHERE user_id = $1) ORDER BY id`, userID)
}

// TicketGroup returns the group of ticket id (0 for none), live or
// soft-deleted, for the checks of writes that reach deleted tickets too.
func (q *Queries) TicketGroup(ctx context.Context, id int64) (int64, error) {
	ids, err := q.ids(ctx, "ticket group", `SELECT COALESCE(group_id, 0) FROM tickets WHERE id = $1`, id)
	if err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, q.wrap("ticket group", errNoRows)
	}
	return ids[0], nil
}

// notInGroups renders " AND (col IS NULL OR col NOT IN (...))" for the hidden
// groups, appending their ids to args; "" when none are hidden.
func notInGroups(col string, hidden []int64, args []any) (string, []any) {
	if len(hidden) == 0 {
		return "", args
	}
	in, args := inList(hidden, args)
	return " AND (" + col + " IS NULL OR " + col + " NOT IN (" + in + "))", args
}
