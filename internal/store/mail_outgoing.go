package store

import (
	"context"

	"github.com/twindesk/twindesk/internal/model"
)

const mailCols = `id, ticket_id, trigger_id, recipient_id, recipient, subject, message_id, message, state,
	attempts, last_error, job_id, created_at, updated_at`

func scanMail(row interface{ Scan(...any) error }) (model.OutgoingMail, error) {
	var m model.OutgoingMail
	var c, u int64
	err := row.Scan(&m.ID, &m.TicketID, &m.TriggerID, &m.RecipientID, &m.Recipient, &m.Subject, &m.MessageID,
		&m.Message, &m.State, &m.Attempts, &m.LastError, &m.JobID, &c, &u)
	m.CreatedAt, m.UpdatedAt = fromTS(c), fromTS(u)
	return m, err
}

// AddMail records a message to send (or one withheld).
func (q *Queries) AddMail(ctx context.Context, m *model.OutgoingMail) error {
	return q.exec(ctx, "add mail", false, `INSERT INTO mail_outgoing (`+mailCols+`) VALUES ($1, $2, $3, $4, $5, $6,
		$7, $8, $9, $10, $11, $12, $13, $14)`,
		m.ID, m.TicketID, m.TriggerID, m.RecipientID, m.Recipient, m.Subject, m.MessageID, m.Message, m.State,
		m.Attempts, m.LastError, m.JobID, ts(m.CreatedAt), ts(m.UpdatedAt))
}

// Mail loads one outgoing message.
func (q *Queries) Mail(ctx context.Context, id string) (model.OutgoingMail, error) {
	m, err := scanMail(q.q.QueryRowContext(ctx, `SELECT `+mailCols+` FROM mail_outgoing WHERE id = $1`, id))
	if err != nil {
		return m, q.wrap("get mail", err)
	}
	return m, nil
}

// RecordMailAttempt saves the outcome of one attempt. Once sent, the message
// text is dropped. The text is never written back from m: a worker that loaded
// m before its ticket was purged must not restore it (the purge deleted the row,
// so the update then finds nothing, which is not an error).
func (q *Queries) RecordMailAttempt(ctx context.Context, m *model.OutgoingMail) error {
	sent := m.State == model.MailSent
	return q.exec(ctx, "record mail attempt", false, `UPDATE mail_outgoing SET state = $1, attempts = $2, last_error = $3,
		message = CASE WHEN $4 THEN '' ELSE message END, updated_at = $5 WHERE id = $6`,
		m.State, m.Attempts, m.LastError, sent, ts(m.UpdatedAt), m.ID)
}

// ListMail returns outgoing mail, newest first, for the log: up to limit rows
// created before the cursor (id ""), without message text.
func (q *Queries) ListMail(ctx context.Context, beforeID string, limit int) ([]model.OutgoingMail, error) {
	query := `SELECT ` + mailColsNoText + ` FROM mail_outgoing ORDER BY created_at DESC, id DESC LIMIT $1`
	args := []any{limit}
	if beforeID != "" {
		query = `SELECT ` + mailColsNoText + ` FROM mail_outgoing WHERE id < $2 ORDER BY created_at DESC, id DESC LIMIT $1`
		args = append(args, beforeID)
	}
	return q.mails(ctx, "list mail", query, args...)
}

// TicketMail returns a ticket's outgoing mail, oldest first, without text.
func (q *Queries) TicketMail(ctx context.Context, ticketID int64) ([]model.OutgoingMail, error) {
	return q.mails(ctx, "ticket mail", `SELECT `+mailColsNoText+` FROM mail_outgoing WHERE ticket_id = $1
		ORDER BY created_at, id LIMIT 1000`, ticketID)
}

// mailColsNoText selects mailCols with an empty message: logs never need it.
const mailColsNoText = `id, ticket_id, trigger_id, recipient_id, recipient, subject, message_id, '', state,
	attempts, last_error, job_id, created_at, updated_at`

func (q *Queries) mails(ctx context.Context, what, query string, args ...any) ([]model.OutgoingMail, error) {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, q.wrap(what, err)
	}
	defer rows.Close()
	var out []model.OutgoingMail
	for rows.Next() {
		m, err := scanMail(rows)
		if err != nil {
			return nil, q.wrap("scan mail", err)
		}
		out = append(out, m)
	}
	return out, q.wrapIf(what, rows.Err())
}

// PurgeMail deletes a ticket's outgoing mail, with the River jobs that would send
// it and their recorded errors (a relay's refusal may quote the message). Part
// of PurgeTicket.
func (q *Queries) PurgeMail(ctx context.Context, ticketID int64) error {
	n, err := q.count(ctx, "find river_job", riverJobExists(q.d.Name))
	if err != nil {
		return err
	}
	if n > 0 {
		if err := q.exec(ctx, "purge mail jobs", false, `DELETE FROM river_job WHERE state <> 'running'
			AND id IN (SELECT job_id FROM mail_outgoing WHERE ticket_id = $1 AND job_id > 0)`, ticketID); err != nil {
			return err
		}
	}
	return q.exec(ctx, "purge mail", false, `DELETE FROM mail_outgoing WHERE ticket_id = $1`, ticketID)
}

func riverJobExists(dialect string) string {
	if dialect == "postgres" {
		return `SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE tablename = 'river_job' AND schemaname = current_schema()`
	}
	return `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'river_job'`
}

// MailSetupDone reports whether a once-only mail set-up step has run.
func (q *Queries) MailSetupDone(ctx context.Context, step string) (bool, error) {
	n, err := q.count(ctx, "mail setup", `SELECT COUNT(*) FROM mail_setup WHERE step = $1`, step)
	return n > 0, err
}

// MarkMailSetup records that a once-only mail set-up step has run.
func (q *Queries) MarkMailSetup(ctx context.Context, step string, at int64) error {
	return q.exec(ctx, "mark mail setup", false, `INSERT INTO mail_setup (step, done_at) VALUES ($1, $2)`, step, at)
}
