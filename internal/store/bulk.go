package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/search/index"
)

// BulkTicket is one ticket with its history, for BulkInsertTickets.
type BulkTicket struct {
	Ticket model.Ticket
	// Entries are the ticket's audits, oldest first, each with the comment it
	// carried (nil for an audit without one). The first entry is the creation.
	Entries []BulkEntry
}

// BulkEntry is one audit and its optional comment.
type BulkEntry struct {
	Audit   model.Audit
	Comment *model.Comment
}

// bulkParams is the most placeholders one multi-row INSERT carries. SQLite looks
// "$n" parameters up in a list, linearly, so a statement's cost grows with the
// square of its placeholders: a few hundred per statement is the sweet spot.
var bulkParams = 256

// rowsPer is how many rows of cols columns fit in one statement.
func rowsPer(cols int) int { return max(1, bulkParams/cols) }

// BulkInsertTickets inserts tickets with their audits and comments, and writes
// each ticket's full-text parts exactly as IndexSubject and IndexComment write them, so search
// finds bulk-loaded tickets. Call it inside WriteTx: the rows of one call then
// commit together. Ids are assigned by the database and written back into bts
// (tickets, audits, comments' ticket and audit ids).
//
// Rows go in as multi-row INSERTs. A multi-row INSERT numbers its rows in VALUES
// order on both backends (SQLite takes max(rowid)+1 per row under its single
// writer; PostgreSQL calls nextval per row, and a sequence only grows), so the
// sorted RETURNING ids map back onto the input in order.
func (q *Queries) BulkInsertTickets(ctx context.Context, bts []BulkTicket) error {
	if err := q.bulkTickets(ctx, bts); err != nil {
		return err
	}
	if err := q.bulkAudits(ctx, bts); err != nil {
		return err
	}
	if err := q.bulkComments(ctx, bts); err != nil {
		return err
	}
	if err := q.bulkTags(ctx, bts); err != nil {
		return err
	}
	// The documents go straight into the index, past the queue: cached match
	// sets can't follow, so they are dropped once this commits.
	q.index.add(index.Change{Kind: index.ResetAll}, "", "")
	return q.bulkDocs(ctx, bts)
}

// BulkInsertUsers inserts users (emails lower-cased) and writes their ids back.
// A duplicate email fails the whole call with model.ErrConflict.
func (q *Queries) BulkInsertUsers(ctx context.Context, us []model.User) error {
	const cols = 7
	for start := 0; start < len(us); start += rowsPer(cols) {
		chunk := us[start:min(start+rowsPer(cols), len(us))]
		args := make([]any, 0, len(chunk)*cols)
		for _, u := range chunk {
			args = append(args, u.Name, strings.ToLower(u.Email), u.Role, u.ExternalID, u.Active, ts(u.CreatedAt), ts(u.UpdatedAt))
		}
		ids, err := q.insertRows(ctx, "bulk insert users", `INSERT INTO users (name, email, role, external_id, active,
			created_at, updated_at) VALUES `, len(chunk), cols, args)
		if err != nil {
			return err
		}
		for i := range chunk {
			chunk[i].ID = ids[i]
		}
	}
	return nil
}

func (q *Queries) bulkTickets(ctx context.Context, bts []BulkTicket) error {
	const cols = 18
	for start := 0; start < len(bts); start += rowsPer(cols) {
		chunk := bts[start:min(start+rowsPer(cols), len(bts))]
		args := make([]any, 0, len(chunk)*cols)
		for i := range chunk {
			t := &chunk[i].Ticket
			args = append(args, t.Subject, t.Description, t.Status, t.Priority, t.Type, t.RequesterID, t.SubmitterID,
				nullID(t.AssigneeID), nullID(t.GroupID), strings.Join(t.Tags, " "), t.ExternalID,
				encodeFields(t.CustomFields), nullID(t.TicketFormID), t.Via, ts(t.CreatedAt), ts(t.UpdatedAt), ts(t.UpdatedAt),
				nullID(t.OrganizationID))
		}
		ids, err := q.insertRows(ctx, "bulk insert tickets", `INSERT INTO tickets (subject, description, status, priority,
			type, requester_id, submitter_id, assignee_id, group_id, tags, external_id, custom_fields, ticket_form_id, via,
			created_at, updated_at, generated_at, organization_id) VALUES `, len(chunk), cols, args)
		if err != nil {
			return err
		}
		for i := range chunk {
			chunk[i].Ticket.ID = ids[i]
		}
	}
	return nil
}

// auditRef points at one entry of one ticket.
type auditRef struct{ t, e int }

func (q *Queries) bulkAudits(ctx context.Context, bts []BulkTicket) error {
	var refs []auditRef
	for ti := range bts {
		for ei := range bts[ti].Entries {
			refs = append(refs, auditRef{ti, ei})
		}
	}
	const cols = 5
	for start := 0; start < len(refs); start += rowsPer(cols) {
		chunk := refs[start:min(start+rowsPer(cols), len(refs))]
		args := make([]any, 0, len(chunk)*cols)
		for _, r := range chunk {
			a := &bts[r.t].Entries[r.e].Audit
			a.TicketID = bts[r.t].Ticket.ID
			events, err := json.Marshal(a.Events)
			if err != nil {
				return fmt.Errorf("store: encode audit events: %w", err)
			}
			args = append(args, a.TicketID, a.AuthorID, a.Via, string(events), ts(a.CreatedAt))
		}
		ids, err := q.insertRows(ctx, "bulk insert audits",
			`INSERT INTO audits (ticket_id, author_id, via, events, created_at) VALUES `, len(chunk), cols, args)
		if err != nil {
			return err
		}
		for i, r := range chunk {
			e := &bts[r.t].Entries[r.e]
			e.Audit.ID = ids[i]
			if e.Comment != nil {
				e.Comment.TicketID, e.Comment.AuditID = e.Audit.TicketID, e.Audit.ID
			}
		}
	}
	return nil
}

func (q *Queries) bulkComments(ctx context.Context, bts []BulkTicket) error {
	var cs []*model.Comment
	for ti := range bts {
		for _, e := range bts[ti].Entries {
			if e.Comment != nil {
				cs = append(cs, e.Comment)
			}
		}
	}
	const cols = 7
	for start := 0; start < len(cs); start += rowsPer(cols) {
		chunk := cs[start:min(start+rowsPer(cols), len(cs))]
		args := make([]any, 0, len(chunk)*cols)
		for _, c := range chunk {
			args = append(args, c.TicketID, c.AuthorID, c.AuditID, c.Body, c.Public, c.Via, ts(c.CreatedAt))
		}
		ids, err := q.insertRows(ctx, "bulk insert comments", `INSERT INTO comments (ticket_id, author_id, audit_id, body,
			public, via, created_at) VALUES `, len(chunk), cols, args)
		if err != nil {
			return err
		}
		for i, c := range chunk {
			c.ID = ids[i]
		}
	}
	return nil
}

// insertRows runs head followed by n tuples of cols placeholders, RETURNING id,
// and returns the ids in VALUES order (see BulkInsertTickets).
func (q *Queries) insertRows(ctx context.Context, what, head string, n, cols int, args []any) ([]int64, error) {
	var b strings.Builder
	b.Grow(len(head) + n*cols*6 + 16)
	b.WriteString(head)
	for r := range n {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := range cols {
			if c > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(r*cols + c + 1))
		}
		b.WriteByte(')')
	}
	b.WriteString(" RETURNING id")
	rows, err := q.q.QueryContext(ctx, b.String(), args...)
	if err != nil {
		return nil, q.wrap(what, err)
	}
	defer rows.Close()
	ids := make([]int64, 0, n)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, q.wrap(what, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, q.wrap(what, err)
	}
	if len(ids) != n {
		return nil, fmt.Errorf("store: %s: %d rows inserted, %d ids returned", what, n, len(ids))
	}
	slices.Sort(ids)
	return ids, nil
}

// Analyze refreshes the query planner's statistics, which a bulk load leaves
// stale. ANALYZE is the same statement on SQLite and PostgreSQL.
func (db *DB) Analyze(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `ANALYZE`); err != nil {
		return fmt.Errorf("store: analyze: %w", err)
	}
	return nil
}
