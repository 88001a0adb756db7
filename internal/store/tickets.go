package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

const ticketCols = `id, subject, description, status, priority, type, requester_id, submitter_id,
	COALESCE(assignee_id, 0), COALESCE(group_id, 0), tags, external_id, custom_fields,
	COALESCE(ticket_form_id, 0), via, created_at, updated_at, COALESCE(organization_id, 0), email_cc_ids, follower_ids`

type fieldJSON struct {
	ID    int64  `json:"id"`
	Value string `json:"value"`
}

func encodeFields(fs []model.FieldValue) string {
	if len(fs) == 0 {
		return ""
	}
	out := make([]fieldJSON, len(fs))
	for i, f := range fs {
		out[i] = fieldJSON(f)
	}
	b, _ := json.Marshal(out) // a slice of plain structs always marshals
	return string(b)
}

func decodeFields(s string) ([]model.FieldValue, error) {
	if s == "" {
		return nil, nil
	}
	var in []fieldJSON
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, err
	}
	out := make([]model.FieldValue, len(in))
	for i, f := range in {
		out[i] = model.FieldValue(f)
	}
	return out, nil
}

func scanTicket(row interface{ Scan(...any) error }) (model.Ticket, error) {
	var t model.Ticket
	var tags, fields, ccs, followers string
	var created, updated int64
	err := row.Scan(&t.ID, &t.Subject, &t.Description, &t.Status, &t.Priority, &t.Type, &t.RequesterID, &t.SubmitterID,
		&t.AssigneeID, &t.GroupID, &tags, &t.ExternalID, &fields, &t.TicketFormID, &t.Via, &created, &updated,
		&t.OrganizationID, &ccs, &followers)
	if err != nil {
		return t, err
	}
	t.Tags = strings.Fields(tags)
	if t.EmailCCIDs, err = decodeIDs(ccs); err != nil {
		return t, err
	}
	if t.FollowerIDs, err = decodeIDs(followers); err != nil {
		return t, err
	}
	t.CreatedAt, t.UpdatedAt = fromTS(created), fromTS(updated)
	t.CustomFields, err = decodeFields(fields)
	return t, err
}

func (q *Queries) tickets(ctx context.Context, query string, args ...any) ([]model.Ticket, error) {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, q.wrap("list tickets", err)
	}
	defer rows.Close()
	var out []model.Ticket
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return nil, q.wrap("scan ticket", err)
		}
		out = append(out, t)
	}
	return out, q.wrapIf("list tickets", rows.Err())
}

// CreateTicket inserts t and returns its id.
func (q *Queries) CreateTicket(ctx context.Context, t *model.Ticket) (int64, error) {
	id, err := q.insertID(ctx, "create ticket", `INSERT INTO tickets (subject, description, status, priority, type,
		requester_id, submitter_id, assignee_id, group_id, tags, external_id, custom_fields, ticket_form_id, via,
		created_at, updated_at, generated_at, organization_id, email_cc_ids, follower_ids) VALUES ($1, $2, $3, $4, $5, $6,
		$7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17, $18, $19) RETURNING id`,
		t.Subject, t.Description, t.Status, t.Priority, t.Type, t.RequesterID, t.SubmitterID, nullID(t.AssigneeID),
		nullID(t.GroupID), strings.Join(t.Tags, " "), t.ExternalID, encodeFields(t.CustomFields), nullID(t.TicketFormID),
		t.Via, ts(t.CreatedAt), ts(t.UpdatedAt), nullID(t.OrganizationID), encodeIDs(t.EmailCCIDs), encodeIDs(t.FollowerIDs))
	if err != nil {
		return 0, err
	}
	q.addFacets(id, nil, t)
	return id, q.syncTags(ctx, id, nil, t.Tags)
}

// UpdateTicket saves the columns of t that differ from before, which must be
// the ticket as stored (its tags also say which tag rows change), and the
// times. SQLite rewrites an index only when the UPDATE names one of its
// columns: an update that names every column rewrote all thirteen of
// tickets' indexes for a status change.
func (q *Queries) UpdateTicket(ctx context.Context, before, t *model.Ticket) error {
	set, args := ticketChanges(before, t)
	args = append(args, ts(t.UpdatedAt), t.ID)
	n := len(args)
	err := q.exec(ctx, "update ticket", true, `UPDATE tickets SET `+set+fmt.Sprintf(`updated_at = $%d, generated_at = $%d
		WHERE id = $%d AND deleted_at IS NULL`, n-1, n-1, n), args...)
	if err != nil {
		return err
	}
	q.addFacets(t.ID, before, t)
	return q.syncTags(ctx, t.ID, before.Tags, t.Tags)
}

// ticketChanges lists "col = $n, " for each mutable column whose stored value
// differs between before and t, with the values; the columns keep one order,
// so the statements are few and their prepared forms are reused.
func ticketChanges(before, t *model.Ticket) (string, []any) {
	cols := [...]struct {
		name     string
		was, now any
	}{
		{"subject", before.Subject, t.Subject},
		{"status", before.Status, t.Status},
		{"priority", before.Priority, t.Priority},
		{"type", before.Type, t.Type},
		{"requester_id", before.RequesterID, t.RequesterID},
		{"submitter_id", before.SubmitterID, t.SubmitterID},
		{"assignee_id", nullID(before.AssigneeID), nullID(t.AssigneeID)},
		{"group_id", nullID(before.GroupID), nullID(t.GroupID)},
		{"tags", strings.Join(before.Tags, " "), strings.Join(t.Tags, " ")},
		{"external_id", before.ExternalID, t.ExternalID},
		{"custom_fields", encodeFields(before.CustomFields), encodeFields(t.CustomFields)},
		{"ticket_form_id", nullID(before.TicketFormID), nullID(t.TicketFormID)},
		{"organization_id", nullID(before.OrganizationID), nullID(t.OrganizationID)},
		{"email_cc_ids", encodeIDs(before.EmailCCIDs), encodeIDs(t.EmailCCIDs)},
		{"follower_ids", encodeIDs(before.FollowerIDs), encodeIDs(t.FollowerIDs)},
	}
	var b strings.Builder
	var args []any
	for _, c := range cols {
		if c.was == c.now {
			continue
		}
		args = append(args, c.now)
		fmt.Fprintf(&b, "%s = $%d, ", c.name, len(args))
	}
	return b.String(), args
}

// Ticket loads a ticket that is not deleted.
func (q *Queries) Ticket(ctx context.Context, id int64) (model.Ticket, error) {
	return q.ticket(ctx, id, "")
}

func (q *Queries) ticket(ctx context.Context, id int64, lock string) (model.Ticket, error) {
	t, err := scanTicket(q.q.QueryRowContext(ctx, `SELECT `+ticketCols+` FROM tickets WHERE id = $1 AND deleted_at IS NULL`+lock, id))
	if err != nil {
		return t, q.wrap("get ticket", err)
	}
	return t, nil
}

// TicketForUpdate is Ticket for a read that the transaction will write back:
// on PostgreSQL it locks the row until the transaction ends, so two updates of
// one ticket run one after the other, each from the other's result, instead of
// the later one writing back a row it read before the earlier one committed
// (losing its tags, fields or status). SQLite has one writer, so the plain read
// already is that.
func (q *Queries) TicketForUpdate(ctx context.Context, id int64) (model.Ticket, error) {
	if !q.locksRows() {
		return q.ticket(ctx, id, "")
	}
	return q.ticket(ctx, id, " FOR UPDATE")
}

// TicketFilter narrows a ticket list. Zero values mean "any".
type TicketFilter struct {
	ExternalID  string
	RequesterID int64
	AssigneeID  int64
	GroupID     int64
	// OrganizationID lists an organization's tickets (issue 21).
	OrganizationID int64
	// CCUserID lists the tickets a user is an email CC of. No index serves it:
	// the ids sit in a text column (migration 028), so it reads every live ticket.
	CCUserID int64
	// HiddenGroups are private groups whose tickets the list leaves out.
	HiddenGroups []int64
}

func (f TicketFilter) where(args []any) (string, []any) {
	var b strings.Builder
	add := func(col string, v any) {
		args = append(args, v)
		fmt.Fprintf(&b, " AND %s = $%d", col, len(args))
	}
	if f.ExternalID != "" {
		add("external_id", f.ExternalID)
	}
	if f.RequesterID != 0 {
		add("requester_id", f.RequesterID)
	}
	if f.AssigneeID != 0 {
		add("assignee_id", f.AssigneeID)
	}
	if f.GroupID != 0 {
		add("group_id", f.GroupID)
	}
	if f.OrganizationID != 0 {
		add("organization_id", f.OrganizationID)
	}
	if f.CCUserID != 0 {
		args = append(args, fmt.Sprintf("%% %d %%", f.CCUserID))
		fmt.Fprintf(&b, " AND ' ' || email_cc_ids || ' ' LIKE $%d", len(args))
	}
	hide, args := notInGroups("group_id", f.HiddenGroups, args)
	return b.String() + hide, args
}

// ListTickets lists live tickets by id.
func (q *Queries) ListTickets(ctx context.Context, f TicketFilter, p Page) ([]model.Ticket, error) {
	filter, args := f.where(nil)
	where, tail, args := p.clause("id", args)
	return q.tickets(ctx, `SELECT `+ticketCols+` FROM tickets WHERE deleted_at IS NULL`+filter+where+tail, args...)
}

// CountTickets counts live tickets matching f.
func (q *Queries) CountTickets(ctx context.Context, f TicketFilter) (int64, error) {
	filter, args := f.where(nil)
	return q.count(ctx, "count tickets", `SELECT COUNT(*) FROM tickets WHERE deleted_at IS NULL`+filter, args...)
}

// TicketsByIDs loads the live tickets with these ids, ordered by id.
func (q *Queries) TicketsByIDs(ctx context.Context, ids []int64) ([]model.Ticket, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := inList(ids, nil)
	return q.tickets(ctx, `SELECT `+ticketCols+` FROM tickets WHERE deleted_at IS NULL AND id IN (`+in+`) ORDER BY id`, args...)
}

// SoftDeleteTicket marks a ticket deleted; it can be restored. It leaves the
// full-text and tag indexes, which hold live tickets only.
func (q *Queries) SoftDeleteTicket(ctx context.Context, id, actorID int64, at time.Time) error {
	if err := q.exec(ctx, "delete ticket", true, `UPDATE tickets SET deleted_at = $1, deleted_by = $2, generated_at = $1
		WHERE id = $3 AND deleted_at IS NULL`,
		ts(at), actorID, id); err != nil {
		return err
	}
	if err := q.exec(ctx, "untag deleted ticket", false, `DELETE FROM ticket_tags WHERE ticket_id = $1`, id); err != nil {
		return err
	}
	return q.UnindexTicket(ctx, id)
}

// AddComment appends a comment and returns its id.
func (q *Queries) AddComment(ctx context.Context, c *model.Comment) (int64, error) {
	return q.insertID(ctx, "add comment", `INSERT INTO comments (ticket_id, author_id, audit_id, body, public, via, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		c.TicketID, c.AuthorID, c.AuditID, c.Body, c.Public, c.Via, ts(c.CreatedAt))
}

// Comments lists a ticket's comments, oldest first.
func (q *Queries) Comments(ctx context.Context, ticketID int64, p Page) ([]model.Comment, error) {
	return q.comments(ctx, ticketID, false, p)
}

// PublicComments lists a ticket's public comments, oldest first: all an end user
// may read.
func (q *Queries) PublicComments(ctx context.Context, ticketID int64, p Page) ([]model.Comment, error) {
	return q.comments(ctx, ticketID, true, p)
}

func (q *Queries) comments(ctx context.Context, ticketID int64, publicOnly bool, p Page) ([]model.Comment, error) {
	where, tail, args := p.clause("id", []any{ticketID, publicOnly})
	rows, err := q.q.QueryContext(ctx, `SELECT id, ticket_id, author_id, audit_id, body, public, via, created_at
		FROM comments WHERE ticket_id = $1 AND (public OR NOT $2)`+where+tail, args...)
	if err != nil {
		return nil, q.wrap("list comments", err)
	}
	defer rows.Close()
	var out []model.Comment
	for rows.Next() {
		var c model.Comment
		var at int64
		if err := rows.Scan(&c.ID, &c.TicketID, &c.AuthorID, &c.AuditID, &c.Body, &c.Public, &c.Via, &at); err != nil {
			return nil, q.wrap("scan comment", err)
		}
		c.CreatedAt = fromTS(at)
		out = append(out, c)
	}
	return out, q.wrapIf("list comments", rows.Err())
}

// CountComments counts a ticket's comments.
func (q *Queries) CountComments(ctx context.Context, ticketID int64) (int64, error) {
	return q.count(ctx, "count comments", `SELECT COUNT(*) FROM comments WHERE ticket_id = $1`, ticketID)
}

// CountPublicComments counts a ticket's public comments.
func (q *Queries) CountPublicComments(ctx context.Context, ticketID int64) (int64, error) {
	return q.count(ctx, "count public comments", `SELECT COUNT(*) FROM comments WHERE ticket_id = $1 AND public`, ticketID)
}

// AddAudit appends an audit and returns its id. Event ids are assigned from the
// audit id so they are unique without a table of their own.
func (q *Queries) AddAudit(ctx context.Context, a *model.Audit) (int64, error) {
	events, err := json.Marshal(a.Events)
	if err != nil {
		return 0, fmt.Errorf("store: encode audit events: %w", err)
	}
	return q.insertID(ctx, "add audit", `INSERT INTO audits (ticket_id, author_id, via, events, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, a.TicketID, a.AuthorID, a.Via, string(events), ts(a.CreatedAt))
}

// SetAuditEvents rewrites an audit's events (used when triggers add events after the
// audit row exists).
func (q *Queries) SetAuditEvents(ctx context.Context, id int64, events []model.AuditEvent) error {
	b, err := json.Marshal(events)
	if err != nil {
		return fmt.Errorf("store: encode audit events: %w", err)
	}
	return q.exec(ctx, "set audit events", true, `UPDATE audits SET events = $1 WHERE id = $2`, string(b), id)
}

// Audits lists a ticket's audits, oldest first.
func (q *Queries) Audits(ctx context.Context, ticketID int64, p Page) ([]model.Audit, error) {
	where, tail, args := p.clause("id", []any{ticketID})
	rows, err := q.q.QueryContext(ctx, auditSelect+` WHERE ticket_id = $1`+where+tail, args...)
	if err != nil {
		return nil, q.wrap("list audits", err)
	}
	return q.scanAudits(rows, "list audits")
}

// IdempotentTicket returns the ticket id created earlier by user with key, if that
// happened after since; model.ErrNotFound otherwise.
func (q *Queries) IdempotentTicket(ctx context.Context, userID int64, key string, since time.Time) (int64, error) {
	var id int64
	err := q.q.QueryRowContext(ctx, `SELECT ticket_id FROM idempotency_keys WHERE key = $1 AND user_id = $2 AND created_at > $3`,
		key, userID, ts(since)).Scan(&id)
	if err != nil {
		return 0, q.wrap("idempotency key", err)
	}
	return id, nil
}

// SaveIdempotencyKey remembers which ticket a key created. An entry saved at or
// before since (expired) is replaced; a newer one means another request holds the
// key, and model.ErrConflict is returned. On PostgreSQL a concurrent insert of the
// same key waits for the first to commit, then sees it here, so two requests racing
// with one key can't both create a ticket.
func (q *Queries) SaveIdempotencyKey(ctx context.Context, userID int64, key string, ticketID int64, at, since time.Time) error {
	err := q.exec(ctx, "save idempotency key", true, `INSERT INTO idempotency_keys (key, user_id, ticket_id, created_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, key) DO UPDATE SET ticket_id = $3, created_at = $4
		WHERE idempotency_keys.created_at <= $5`,
		key, userID, ticketID, ts(at), ts(since))
	if errors.Is(err, model.ErrNotFound) {
		return fmt.Errorf("store: save idempotency key: %w", model.ErrConflict)
	}
	return err
}
