package store

import (
	"context"
	"fmt"
)

// MakeCommentPrivate turns comment commentID of ticket ticketID into a private
// note: the comment row and the Comment event of the audit that added it, which
// holds a copy of the comment that audits and exports answer with.
func (q *Queries) MakeCommentPrivate(ctx context.Context, ticketID, commentID int64) error {
	var auditID int64
	err := q.q.QueryRowContext(ctx, `SELECT audit_id FROM comments WHERE id = $1 AND ticket_id = $2`,
		commentID, ticketID).Scan(&auditID)
	if err != nil {
		return q.wrap(fmt.Sprintf("comment %d of ticket %d", commentID, ticketID), err)
	}
	if err := q.exec(ctx, "make comment private", true, `UPDATE comments SET public = FALSE WHERE id = $1`, commentID); err != nil {
		return err
	}
	a, err := q.Audit(ctx, ticketID, auditID)
	if err != nil {
		return err
	}
	private := false
	for i := range a.Events {
		if a.Events[i].Type == "Comment" {
			a.Events[i].Public = &private
		}
	}
	return q.SetAuditEvents(ctx, auditID, a.Events)
}
