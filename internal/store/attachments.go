package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

const attachmentCols = `a.id, a.upload_token, a.content_token, a.blob_id, a.uploader_id, a.ticket_id, a.comment_id,
	COALESCE(c.public, FALSE), a.file_name, a.content_type, a.size, a.sha256, a.width, a.height, a.created_at,
	a.thumbnail_of`

const attachmentFrom = ` FROM attachments a LEFT JOIN comments c ON c.id = a.comment_id `

func scanAttachment(row interface{ Scan(...any) error }) (model.Attachment, error) {
	var a model.Attachment
	var ticket, comment, w, h, thumbOf sql.NullInt64
	var at int64
	err := row.Scan(&a.ID, &a.UploadToken, &a.ContentToken, &a.BlobID, &a.UploaderID, &ticket, &comment,
		&a.CommentPublic, &a.FileName, &a.ContentType, &a.Size, &a.SHA256, &w, &h, &at, &thumbOf)
	a.TicketID, a.CommentID, a.Width, a.Height = ticket.Int64, comment.Int64, w.Int64, h.Int64
	a.ThumbnailOf = thumbOf.Int64
	a.CreatedAt = fromTS(at)
	return a, err
}

// AddAttachment records an upload (not yet attached) and returns its id.
func (q *Queries) AddAttachment(ctx context.Context, a *model.Attachment) (int64, error) {
	return q.insertID(ctx, "add attachment", `INSERT INTO attachments (upload_token, content_token, blob_id,
		uploader_id, file_name, content_type, size, sha256, width, height, created_at, thumbnail_of)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		a.UploadToken, a.ContentToken, a.BlobID, a.UploaderID, a.FileName, a.ContentType, a.Size, a.SHA256,
		nullID(a.Width), nullID(a.Height), ts(a.CreatedAt), nullID(a.ThumbnailOf))
}

// attachments lists the rows matching where, by id, at most limit (0: all).
func (q *Queries) attachments(ctx context.Context, what, where string, limit int, args ...any) ([]model.Attachment, error) {
	tail := ` ORDER BY a.id`
	if limit > 0 {
		tail += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+attachmentCols+attachmentFrom+where+tail, args...)
	if err != nil {
		return nil, q.wrap(what, err)
	}
	defer rows.Close()
	var out []model.Attachment
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, q.wrap(what, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, q.wrap(what, err)
	}
	return out, nil
}

// Attachment loads one attachment by id.
func (q *Queries) Attachment(ctx context.Context, id int64) (model.Attachment, error) {
	a, err := scanAttachment(q.q.QueryRowContext(ctx, `SELECT `+attachmentCols+attachmentFrom+`WHERE a.id = $1`, id))
	if err != nil {
		return a, q.wrap("attachment", err)
	}
	return a, nil
}

// ThumbnailsOf lists an image's thumbnails.
func (q *Queries) ThumbnailsOf(ctx context.Context, id int64) ([]model.Attachment, error) {
	return q.attachments(ctx, "thumbnails", `WHERE a.thumbnail_of = $1`, 0, id)
}

// AttachmentByContentToken loads the attachment a download URL names.
func (q *Queries) AttachmentByContentToken(ctx context.Context, token string) (model.Attachment, error) {
	a, err := scanAttachment(q.q.QueryRowContext(ctx, `SELECT `+attachmentCols+attachmentFrom+`WHERE a.content_token = $1`, token))
	if err != nil {
		return a, q.wrap("attachment by content token", err)
	}
	return a, nil
}

// UploadAttachments lists the files of an upload token, attached or not.
func (q *Queries) UploadAttachments(ctx context.Context, token string) ([]model.Attachment, error) {
	return q.attachments(ctx, "upload attachments", `WHERE a.upload_token = $1`, 0, token)
}

// CommentAttachments lists the attachments of the given comments.
func (q *Queries) CommentAttachments(ctx context.Context, commentIDs []int64) ([]model.Attachment, error) {
	if len(commentIDs) == 0 {
		return nil, nil
	}
	where, args := `WHERE a.comment_id IN (`, make([]any, len(commentIDs))
	for i, id := range commentIDs {
		if i > 0 {
			where += ", "
		}
		where += fmt.Sprintf("$%d", i+1)
		args[i] = id
	}
	return q.attachments(ctx, "comment attachments", where+`)`, 0, args...)
}

// AuditAttachments lists the attachments of the comment written by an audit.
func (q *Queries) AuditAttachments(ctx context.Context, auditID int64) ([]model.Attachment, error) {
	return q.attachments(ctx, "audit attachments", `WHERE c.audit_id = $1`, 0, auditID)
}

// AuditsAttachments returns the attachments of the comments the given audits
// wrote, by audit id, in one query.
func (q *Queries) AuditsAttachments(ctx context.Context, auditIDs []int64) (map[int64][]model.Attachment, error) {
	out := map[int64][]model.Attachment{}
	if len(auditIDs) == 0 {
		return out, nil
	}
	in, args := "", make([]any, len(auditIDs))
	for i, id := range auditIDs {
		if i > 0 {
			in += ", "
		}
		in += fmt.Sprintf("$%d", i+1)
		args[i] = id
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+attachmentCols+`, c.audit_id`+attachmentFrom+
		`WHERE c.audit_id IN (`+in+`) ORDER BY a.id`, args...)
	if err != nil {
		return nil, q.wrap("audits attachments", err)
	}
	defer rows.Close()
	for rows.Next() {
		var auditID int64
		a, err := scanAttachment(extraCol{rows, &auditID})
		if err != nil {
			return nil, q.wrap("audits attachments", err)
		}
		out[auditID] = append(out[auditID], a)
	}
	if err := rows.Err(); err != nil {
		return nil, q.wrap("audits attachments", err)
	}
	return out, nil
}

// extraCol scans one more column after scanAttachment's.
type extraCol struct {
	rows  *sql.Rows
	extra any
}

func (e extraCol) Scan(dest ...any) error { return e.rows.Scan(append(dest, e.extra)...) }

// TicketAttachmentBytes is the sum of a ticket's attachments' sizes.
func (q *Queries) TicketAttachmentBytes(ctx context.Context, ticketID int64) (int64, error) {
	var n int64
	if err := q.q.QueryRowContext(ctx, `SELECT COALESCE(SUM(size), 0) FROM attachments WHERE ticket_id = $1`, ticketID).Scan(&n); err != nil {
		return 0, q.wrap("ticket attachment bytes", err)
	}
	return n, nil
}

// TicketAttachments lists every attachment of a ticket.
func (q *Queries) TicketAttachments(ctx context.Context, ticketID int64) ([]model.Attachment, error) {
	return q.attachments(ctx, "ticket attachments", `WHERE a.ticket_id = $1`, 0, ticketID)
}

// AttachUpload attaches the not yet attached files of an upload token owned by
// uploader since the given time to a comment, returning how many it attached.
func (q *Queries) AttachUpload(ctx context.Context, token string, uploader, ticketID, commentID int64, since time.Time) (int64, error) {
	res, err := q.q.ExecContext(ctx, `UPDATE attachments SET ticket_id = $1, comment_id = $2
		WHERE upload_token = $3 AND uploader_id = $4 AND comment_id IS NULL AND created_at >= $5`, ticketID, commentID, token, uploader, ts(since))
	if err != nil {
		return 0, q.wrap("attach upload", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, q.wrap("attach upload", err)
	}
	return n, nil
}

// DeleteAttachment removes an attachment's row.
func (q *Queries) DeleteAttachment(ctx context.Context, id int64) error {
	return q.exec(ctx, "delete attachment", true, `DELETE FROM attachments WHERE id = $1`, id)
}

// RedactAttachment replaces an attachment's file by an empty "redacted.txt", as
// Zendesk does; the caller deletes the old blob.
func (q *Queries) RedactAttachment(ctx context.Context, id int64) error {
	return q.exec(ctx, "redact attachment", true, `UPDATE attachments SET blob_id = '', file_name = 'redacted.txt',
		content_type = 'text/plain', size = 0, sha256 = '', width = NULL, height = NULL WHERE id = $1`, id)
}

// ExpiredUploads lists files uploaded before cutoff that no comment took.
func (q *Queries) ExpiredUploads(ctx context.Context, cutoff time.Time, limit int) ([]model.Attachment, error) {
	return q.attachments(ctx, "expired uploads", `WHERE a.comment_id IS NULL AND a.created_at < $1`, limit, ts(cutoff))
}

// OweBlobDelete records, in the caller's transaction, that a file store still
// has to remove a blob whose row is gone.
func (q *Queries) OweBlobDelete(ctx context.Context, blobID string, at time.Time) error {
	return q.exec(ctx, "owe blob delete", false, `INSERT INTO blob_deletes_owed (blob_id, owed_at) VALUES ($1, $2)
		ON CONFLICT (blob_id) DO NOTHING`, blobID, ts(at))
}

// BlobDeletesOwed lists up to limit blobs owed a delete, oldest first.
func (q *Queries) BlobDeletesOwed(ctx context.Context, limit int) ([]string, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT blob_id FROM blob_deletes_owed ORDER BY owed_at LIMIT $1`, limit)
	if err != nil {
		return nil, q.wrap("blob deletes owed", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, q.wrap("blob deletes owed", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, q.wrap("blob deletes owed", err)
	}
	return out, nil
}

// BlobDeleted settles a delete owed; BlobDeleteFailed counts a failed attempt.
func (q *Queries) BlobDeleted(ctx context.Context, blobID string) error {
	return q.exec(ctx, "blob deleted", false, `DELETE FROM blob_deletes_owed WHERE blob_id = $1`, blobID)
}

// BlobDeleteFailed counts one more failed attempt at a delete owed.
func (q *Queries) BlobDeleteFailed(ctx context.Context, blobID string) error {
	return q.exec(ctx, "blob delete failed", false, `UPDATE blob_deletes_owed SET attempts = attempts + 1 WHERE blob_id = $1`, blobID)
}
