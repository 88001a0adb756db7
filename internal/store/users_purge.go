package store

import (
	"context"
	"strings"
)

// PurgeUser removes a soft-deleted user's identity for good: the row keeps its id
// (tickets still name it as requester, submitter, author or assignee) but takes
// name and email, and loses its external id, password, tags, profile and field values; tokens, sessions and
// memberships go, and the logs that hold the user's address (outgoing mail sent to
// them, the sender of their incoming mail, job results, webhook bodies not yet
// sent) lose it. model.ErrNotFound unless id is a soft-deleted user. Ticket text
// people wrote is left as it is, as Zendesk leaves it (redaction is its tool).
// Run DB.Scrub after the commit so the freed pages are wiped.
func (q *Queries) PurgeUser(ctx context.Context, id int64, name, email, newName, newEmail string) error {
	if err := q.exec(ctx, "purge user", true, `UPDATE users SET name = $1, email = $2, external_id = '', password_hash = '', tags = '',
		details = '', notes = '', phone = '', alias = '', signature = '' WHERE id = $3 AND deleted_at IS NOT NULL`, newName, newEmail, id); err != nil {
		return err
	}
	for _, st := range []struct{ what, sql string }{
		{"purge user tokens", `DELETE FROM api_tokens WHERE user_id = $1`},
		{"purge user sessions", `DELETE FROM web_sessions WHERE user_id = $1`},
		{"purge user groups", `DELETE FROM group_memberships WHERE user_id = $1`},
		{"purge user organizations", `DELETE FROM organization_memberships WHERE user_id = $1`},
		{"purge user idempotency keys", `DELETE FROM idempotency_keys WHERE user_id = $1`},
		{"purge user tags", `DELETE FROM user_tags WHERE user_id = $1`},
		{"purge user field values", `DELETE FROM entity_field_values WHERE entity_id = $1
			AND field_id IN (SELECT id FROM entity_fields WHERE entity = 'user')`},
	} {
		if err := q.exec(ctx, st.what, false, st.sql, id); err != nil {
			return err
		}
	}
	email = strings.ToLower(email)
	if err := q.exec(ctx, "purge user mail log", false, `DELETE FROM mail_outgoing
		WHERE recipient_id = $1 OR LOWER(recipient) LIKE $2 ESCAPE '\'`, id, "%"+escapeLike(email)+"%"); err != nil {
		return err
	}
	if err := q.exec(ctx, "purge user mail senders", false, `UPDATE mail_messages SET from_address = ''
		WHERE LOWER(from_address) = $1`, email); err != nil {
		return err
	}
	// Free-text logs may quote the address or the name (a failed job's details, a
	// webhook body rendered with the requester): both are replaced where found.
	for _, old := range []string{email, name} {
		if len(old) < 3 {
			continue // a one- or two-letter name would rewrite unrelated text
		}
		like := "%" + escapeLike(old) + "%"
		if err := q.exec(ctx, "purge user job results", false, `UPDATE job_statuses SET results = REPLACE(results, $1, $2)
			WHERE results LIKE $3 ESCAPE '\'`, old, newName, like); err != nil {
			return err
		}
		if err := q.exec(ctx, "purge user webhook bodies", false, `UPDATE deliveries SET body = REPLACE(body, $1, $2)
			WHERE body LIKE $3 ESCAPE '\'`, old, newName, like); err != nil {
			return err
		}
	}
	return nil
}
