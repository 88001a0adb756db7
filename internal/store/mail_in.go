package store

import (
	"context"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

const mailboxCols = `id, name, address, url, auth, secret, oauth_token_url, oauth_client_id, oauth_scope,
	oauth_refresh_token, group_id, active, created_at, updated_at`

func scanMailbox(row interface{ Scan(...any) error }) (model.Mailbox, error) {
	var m model.Mailbox
	var created, updated int64
	err := row.Scan(&m.ID, &m.Name, &m.Address, &m.URL, &m.Auth, &m.Secret, &m.OAuthTokenURL, &m.OAuthClientID,
		&m.OAuthScope, &m.OAuthRefresh, &m.GroupID, &m.Active, &created, &updated)
	m.CreatedAt, m.UpdatedAt = fromTS(created), fromTS(updated)
	return m, err
}

// Mailboxes lists every mailbox by id.
func (q *Queries) Mailboxes(ctx context.Context) ([]model.Mailbox, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+mailboxCols+` FROM mailboxes ORDER BY id`)
	if err != nil {
		return nil, q.wrap("mailboxes", err)
	}
	defer rows.Close()
	var out []model.Mailbox
	for rows.Next() {
		m, err := scanMailbox(rows)
		if err != nil {
			return nil, q.wrap("mailboxes", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, q.wrap("mailboxes", err)
	}
	return out, nil
}

// Mailbox returns mailbox id, or model.ErrNotFound.
func (q *Queries) Mailbox(ctx context.Context, id int64) (model.Mailbox, error) {
	m, err := scanMailbox(q.q.QueryRowContext(ctx, `SELECT `+mailboxCols+` FROM mailboxes WHERE id = $1`, id))
	if err != nil {
		return m, q.wrap("mailbox", err)
	}
	return m, nil
}

// SaveMailbox inserts m (ID 0) or updates it; a taken name is model.ErrConflict.
func (q *Queries) SaveMailbox(ctx context.Context, m *model.Mailbox) error {
	args := []any{m.Name, m.Address, m.URL, m.Auth, m.Secret, m.OAuthTokenURL, m.OAuthClientID, m.OAuthScope,
		m.OAuthRefresh, m.GroupID, m.Active, ts(m.UpdatedAt)}
	if m.ID == 0 {
		id, err := q.insertID(ctx, "add mailbox", `INSERT INTO mailboxes (name, address, url, auth, secret, oauth_token_url,
			oauth_client_id, oauth_scope, oauth_refresh_token, group_id, active, updated_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`, append(args, ts(m.CreatedAt))...)
		m.ID = id
		return err
	}
	return q.exec(ctx, "update mailbox", true, `UPDATE mailboxes SET name = $1, address = $2, url = $3, auth = $4,
		secret = $5, oauth_token_url = $6, oauth_client_id = $7, oauth_scope = $8, oauth_refresh_token = $9,
		group_id = $10, active = $11, updated_at = $12 WHERE id = $13`, append(args, m.ID)...)
}

// SetMailboxRefreshToken stores a rotated (sealed) refresh token of mailbox id.
func (q *Queries) SetMailboxRefreshToken(ctx context.Context, id int64, sealed string) error {
	return q.exec(ctx, "mailbox refresh token", true, `UPDATE mailboxes SET oauth_refresh_token = $1 WHERE id = $2`, sealed, id)
}

// DeleteMailbox removes mailbox id; its intake log stays, so nothing it fetched
// is imported again if the mailbox is added back.
func (q *Queries) DeleteMailbox(ctx context.Context, id int64) error {
	return q.exec(ctx, "delete mailbox", true, `DELETE FROM mailboxes WHERE id = $1`, id)
}

// MailSeen reports whether a mail with this IMAP identity (uid > 0) or this
// content hash was already taken in.
func (q *Queries) MailSeen(ctx context.Context, mailbox int64, uidValidity, uid uint32, hash string) (bool, error) {
	n, err := q.count(ctx, "mail seen", `SELECT COUNT(*) FROM mail_messages WHERE content_hash = $1
		OR (uid > 0 AND mailbox_id = $2 AND uid_validity = $3 AND uid = $4)`, hash, mailbox, int64(uidValidity), int64(uid))
	return n > 0, err
}

// MailsFrom counts the mails from address received since since: the per-sender rate limit.
func (q *Queries) MailsFrom(ctx context.Context, address string, since time.Time) (int64, error) {
	return q.count(ctx, "mails from", `SELECT COUNT(*) FROM mail_messages WHERE from_address = $1 AND received_at >= $2`,
		address, ts(since))
}

// AddMailMessage records m; a second record of the same mail (hash or IMAP
// identity) is model.ErrConflict.
func (q *Queries) AddMailMessage(ctx context.Context, m *model.MailMessage) error {
	id, err := q.insertID(ctx, "add mail message", `INSERT INTO mail_messages (mailbox_id, uid_validity, uid,
		content_hash, message_id, from_address, outcome, reason, ticket_id, comment_id, size, received_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		m.MailboxID, int64(m.UIDValidity), int64(m.UID), m.ContentHash, m.MessageID, m.From, m.Outcome, m.Reason,
		m.TicketID, m.CommentID, m.Size, ts(m.ReceivedAt))
	m.ID = id
	return err
}

const inMailCols = `m.id, m.mailbox_id, m.uid_validity, m.uid, m.content_hash, m.message_id, m.from_address, m.outcome,
	m.reason, m.ticket_id, m.comment_id, m.size, m.received_at`

func scanInMail(row interface{ Scan(...any) error }, extra ...any) (model.MailMessage, error) {
	var m model.MailMessage
	var uv, uid, at int64
	err := row.Scan(append([]any{&m.ID, &m.MailboxID, &uv, &uid, &m.ContentHash, &m.MessageID, &m.From, &m.Outcome,
		&m.Reason, &m.TicketID, &m.CommentID, &m.Size, &at}, extra...)...)
	m.UIDValidity, m.UID, m.ReceivedAt = uint32(uv), uint32(uid), fromTS(at)
	return m, err
}

// MailMessages lists the newest intake rows, of one ticket when ticketID > 0.
func (q *Queries) MailMessages(ctx context.Context, ticketID int64, limit int) ([]model.MailMessage, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+inMailCols+` FROM mail_messages m
		WHERE ($1 = 0 OR m.ticket_id = $1) ORDER BY m.id DESC LIMIT $2`, ticketID, limit)
	if err != nil {
		return nil, q.wrap("mail messages", err)
	}
	defer rows.Close()
	var out []model.MailMessage
	for rows.Next() {
		m, err := scanInMail(rows)
		if err != nil {
			return nil, q.wrap("mail messages", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, q.wrap("mail messages", err)
	}
	return out, nil
}

// Quarantine keeps what an admin needs to read mail m, which could not be filed.
func (q *Queries) Quarantine(ctx context.Context, m model.QuarantinedMail) error {
	return q.exec(ctx, "quarantine mail", false, `INSERT INTO mail_quarantine (mail_id, error, fallback, blob_id)
		VALUES ($1, $2, $3, $4)`, m.ID, m.Error, m.Fallback, m.BlobID)
}

// QuarantinedMails lists the quarantine, newest first.
func (q *Queries) QuarantinedMails(ctx context.Context, limit int) ([]model.QuarantinedMail, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+inMailCols+`, x.error, x.fallback, x.blob_id FROM mail_quarantine x
		JOIN mail_messages m ON m.id = x.mail_id ORDER BY m.id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, q.wrap("quarantine", err)
	}
	defer rows.Close()
	var out []model.QuarantinedMail
	for rows.Next() {
		var x model.QuarantinedMail
		if x.MailMessage, err = scanInMail(rows, &x.Error, &x.Fallback, &x.BlobID); err != nil {
			return nil, q.wrap("quarantine", err)
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, q.wrap("quarantine", err)
	}
	return out, nil
}

// QuarantinedMail returns the quarantine entry of mail id.
func (q *Queries) QuarantinedMail(ctx context.Context, id int64) (model.QuarantinedMail, error) {
	var x model.QuarantinedMail
	var err error
	x.MailMessage, err = scanInMail(q.q.QueryRowContext(ctx, `SELECT `+inMailCols+`, x.error, x.fallback, x.blob_id
		FROM mail_quarantine x JOIN mail_messages m ON m.id = x.mail_id WHERE x.mail_id = $1`, id), &x.Error, &x.Fallback, &x.BlobID)
	if err != nil {
		return x, q.wrap("quarantined mail", err)
	}
	return x, nil
}

// DismissQuarantined drops the quarantine entry of mail id; its intake row stays.
func (q *Queries) DismissQuarantined(ctx context.Context, id int64) error {
	return q.exec(ctx, "dismiss quarantined mail", true, `DELETE FROM mail_quarantine WHERE mail_id = $1`, id)
}
