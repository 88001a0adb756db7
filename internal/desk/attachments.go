package desk

import (
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // registers GIF for image.DecodeConfig (width and height)
	_ "image/jpeg"
	_ "image/png"
	"io"
	"mime"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/twindesk/twindesk/internal/blob"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// DefaultMaxAttachmentBytes is the size limit per file when none is configured
// (Zendesk's is 50 MB too).
const DefaultMaxAttachmentBytes = 50 << 20

// UploadTTL is how long an upload waits for a comment to take it, as in Zendesk
// (3 days); then SweepAttachments deletes it.
const UploadTTL = 72 * time.Hour

// sweepBatch bounds one round of expiry and owed deletes.
const sweepBatch = 500

// ErrTooLarge is returned by Upload for a file over the size limit; nothing was
// stored. The limit is MaxAttachmentBytes.
var ErrTooLarge = errors.New("desk: attachment over the size limit")

// WithBlobs sets where attachment bytes are kept and the size limit per file
// (0 for DefaultMaxAttachmentBytes). Without it uploads fail.
func WithBlobs(b blob.Store, maxBytes int64) Option {
	return func(s *Service) {
		s.blobs = b
		s.maxAttachment = cmp.Or(max(maxBytes, 0), DefaultMaxAttachmentBytes)
		s.thumbSlots = make(chan struct{}, 1)
	}
}

// DefaultMaxTicketAttachmentBytes bounds the sum of a ticket's attachments
// when no limit is configured.
const DefaultMaxTicketAttachmentBytes = 1 << 30

// WithTicketAttachmentLimit sets the most bytes of attachments one ticket may
// carry (0 for DefaultMaxTicketAttachmentBytes): a comment whose uploads would
// go over it is a 422.
func WithTicketAttachmentLimit(n int64) Option {
	return func(s *Service) { s.maxTicketAttachments = max(n, 0) }
}

// MaxAttachmentBytes is the size limit per file.
func (s *Service) MaxAttachmentBytes() int64 {
	return cmp.Or(s.maxAttachment, DefaultMaxAttachmentBytes)
}

// txDeleter is a blob store whose bytes live in the database, deleted in the
// caller's transaction (blob.Postgres).
type txDeleter interface {
	DeleteTx(ctx context.Context, tx *sql.Tx, id string) error
}

// UploadInput is one file of POST /api/v2/uploads.
type UploadInput struct {
	// Token adds the file to an earlier upload of the same user; "" starts one.
	Token       string
	FileName    string
	ContentType string
	Body        io.Reader
}

// Upload stores a file for actor and returns it with every file of its upload
// token. The bytes are streamed to the blob store, never held whole.
func (s *Service) Upload(ctx context.Context, actor model.User, in UploadInput) (model.Attachment, []model.Attachment, error) {
	if s.blobs == nil {
		return model.Attachment{}, nil, errors.New("desk: no attachment store configured")
	}
	if isPeer(actor) && !s.confidential {
		// Only standard's peer uploads, to carry an escalated ticket's files here.
		return model.Attachment{}, nil, fmt.Errorf("desk: upload as the secure instance's peer: %w", model.ErrForbidden)
	}
	name := cleanFileName(in.FileName)
	if name == "" {
		return model.Attachment{}, nil, model.Invalid("filename", "BlankValue", "Filename: cannot be blank")
	}
	if in.Token != "" {
		if err := s.ownsOpenUpload(ctx, actor, in.Token); err != nil {
			return model.Attachment{}, nil, err
		}
	}
	info, err := s.blobs.Put(ctx, in.Body, s.MaxAttachmentBytes())
	if errors.Is(err, blob.ErrTooLarge) {
		return model.Attachment{}, nil, fmt.Errorf("desk: upload %d bytes at most: %w", s.MaxAttachmentBytes(), ErrTooLarge)
	}
	if err != nil {
		return model.Attachment{}, nil, err
	}
	a := model.Attachment{UploadToken: cmp.Or(in.Token, rand.Text()), ContentToken: rand.Text(), BlobID: info.ID,
		UploaderID: actor.ID, FileName: name, ContentType: contentType(in.ContentType, name), Size: info.Size,
		SHA256: info.SHA256, CreatedAt: s.clock()}
	a.Width, a.Height = s.imageSize(ctx, info.ID)
	thumb, hasThumb := s.makeThumbnail(ctx, a)
	var out []model.Attachment
	err = s.db.WriteTx(ctx, func(tx *store.Tx) error {
		var err error
		if a.ID, err = tx.AddAttachment(ctx, &a); err != nil {
			return err
		}
		if hasThumb {
			thumb.ThumbnailOf = a.ID
			if thumb.ID, err = tx.AddAttachment(ctx, &thumb); err != nil {
				return err
			}
		}
		out, err = tx.UploadAttachments(ctx, a.UploadToken)
		return err
	})
	if err != nil {
		_ = s.blobs.Delete(context.WithoutCancel(ctx), info.ID)
		if hasThumb {
			_ = s.blobs.Delete(context.WithoutCancel(ctx), thumb.BlobID)
		}
		return model.Attachment{}, nil, err
	}
	if hasThumb {
		a.Thumbnails = []model.Attachment{thumb}
	}
	return a, model.NestThumbnails(out), nil
}

// ownsOpenUpload checks that token is an unexpired upload of actor's that no
// comment took yet; anything else is a 422 naming the token field.
func (s *Service) ownsOpenUpload(ctx context.Context, actor model.User, token string) error {
	files, err := s.db.Read().UploadAttachments(ctx, token)
	if err != nil {
		return err
	}
	cutoff := s.clock().Add(-UploadTTL)
	for _, f := range files {
		if f.UploaderID != actor.ID || f.CommentID != 0 || f.CreatedAt.Before(cutoff) {
			return invalidToken()
		}
	}
	if len(files) == 0 {
		return invalidToken()
	}
	return nil
}

func invalidToken() error {
	return model.Invalid("uploads", "InvalidValue", "Uploads: the upload token is invalid or has expired")
}

// imageSize reads a PNG, JPEG or GIF header for its dimensions; 0, 0 otherwise.
func (s *Service) imageSize(ctx context.Context, id string) (int64, int64) {
	r, err := s.blobs.Open(ctx, id)
	if err != nil {
		return 0, 0
	}
	defer r.Close()
	cfg, _, err := image.DecodeConfig(io.LimitReader(r, 1<<20))
	if err != nil {
		return 0, 0
	}
	return int64(cfg.Width), int64(cfg.Height)
}

// cleanFileName keeps a file name's last path element without control
// characters, at most 255 bytes.
func cleanFileName(name string) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(filepath.Base(strings.ReplaceAll(name, "\\", "/")))
	if name == "." || name == "/" {
		return ""
	}
	for len(name) > 255 {
		_, size := lastRune(name)
		name = name[:len(name)-size]
	}
	return name
}

func lastRune(s string) (rune, int) {
	r := []rune(s)
	return r[len(r)-1], len(string(r[len(r)-1]))
}

// contentType keeps a specific type the client sent, else guesses from the
// name, as Zendesk does for go-zendesk's "application/binary".
func contentType(sent, name string) string {
	t, _, err := mime.ParseMediaType(sent)
	// node-zendesk sends a file given by path as "application/json".
	if err == nil && t != "application/binary" && t != "application/octet-stream" && t != "application/json" {
		return t
	}
	if byExt := mime.TypeByExtension(strings.ToLower(filepath.Ext(name))); byExt != "" {
		t, _, _ := mime.ParseMediaType(byExt)
		return t
	}
	return "application/octet-stream"
}

// DeleteUpload deletes the files of actor's upload token that no comment took.
func (s *Service) DeleteUpload(ctx context.Context, actor model.User, token string) error {
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		files, err := tx.UploadAttachments(ctx, token)
		if err != nil {
			return err
		}
		n := 0
		for _, f := range files {
			if f.UploaderID != actor.ID || f.CommentID != 0 {
				continue
			}
			if err := s.deleteAttachmentTx(ctx, tx, f); err != nil {
				return err
			}
			n++
		}
		if n == 0 {
			return fmt.Errorf("desk: upload: %w", model.ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.PayBlobDeletes(ctx)
	return nil
}

// commitComment is commitChange with the comment built from in, and the files
// of in's upload tokens attached to it in the same transaction, before its
// notifications (a mail carries them).
func (s *Service) commitComment(ctx context.Context, tx *store.Tx, snap *ruleSnapshot, actor model.User, before, t *model.Ticket, in *CommentInput, via string, now time.Time) (TicketResult, error) {
	c := s.newComment(actor, in, via, now)
	if c == nil && in != nil && len(in.Uploads) > 0 {
		return TicketResult{}, model.Invalid("comment", "BlankValue", "Comment: a comment with uploads needs a body")
	}
	return s.commitChangeWith(ctx, tx, snap, actor, before, t, c, via, func(c *model.Comment) error {
		return s.attachUploads(ctx, tx, actor, in, c)
	})
}

// attachUploads gives the files of the comment input's upload tokens to comment
// c, inside the transaction that saves it. A token that is unknown, expired,
// already used or another user's fails the whole change with a 422.
func (s *Service) attachUploads(ctx context.Context, tx *store.Tx, actor model.User, in *CommentInput, c *model.Comment) error {
	if in == nil || len(in.Uploads) == 0 {
		return nil
	}
	if c == nil || c.ID == 0 {
		return model.Invalid("comment", "BlankValue", "Comment: a comment with uploads needs a body")
	}
	since := s.clock().Add(-UploadTTL)
	for _, token := range in.Uploads {
		n, err := tx.AttachUpload(ctx, token, actor.ID, c.TicketID, c.ID, since)
		if err != nil {
			return err
		}
		if n == 0 {
			return invalidToken()
		}
	}
	total, err := tx.TicketAttachmentBytes(ctx, c.TicketID)
	if err != nil {
		return err
	}
	if limit := cmp.Or(s.maxTicketAttachments, DefaultMaxTicketAttachmentBytes); total > limit {
		return model.Invalid("uploads", "TooLarge", "Uploads: the ticket's attachments would total %d bytes, over the limit of %d bytes per ticket", total, limit)
	}
	return nil
}

// Attachment loads an attachment actor may see (see mayRead), with its
// thumbnails.
func (s *Service) Attachment(ctx context.Context, actor model.User, id int64) (model.Attachment, error) {
	a, err := s.db.Read().Attachment(ctx, id)
	if err != nil {
		return a, err
	}
	if err := s.mayRead(ctx, actor, a); err != nil {
		return a, err
	}
	a.Thumbnails, err = s.db.Read().ThumbnailsOf(ctx, id)
	return a, err
}

// AttachmentByContentToken loads the attachment of a download URL for actor.
func (s *Service) AttachmentByContentToken(ctx context.Context, actor model.User, token string) (model.Attachment, error) {
	a, err := s.db.Read().AttachmentByContentToken(ctx, token)
	if err != nil {
		return a, err
	}
	return a, s.mayRead(ctx, actor, a)
}

// mayRead allows an upload to its uploader only, and an attached file to those
// who see its ticket: for end users, their own tickets' public comments only. The
// peer instance reads nothing. Any refusal is a not-found, so ids and tokens
// can't be probed.
func (s *Service) mayRead(ctx context.Context, actor model.User, a model.Attachment) error {
	notFound := fmt.Errorf("desk: attachment %d: %w", a.ID, model.ErrNotFound)
	switch {
	case isPeer(actor):
		return notFound
	case a.CommentID == 0:
		if a.UploaderID != actor.ID {
			return notFound
		}
		return nil
	case !actor.Role.IsStaff() && !a.CommentPublic:
		return notFound
	}
	if _, err := s.Ticket(ctx, actor, a.TicketID); err != nil {
		return notFound
	}
	return nil
}

// OpenAttachment streams an attachment's bytes; check access first (Attachment).
func (s *Service) OpenAttachment(ctx context.Context, a model.Attachment) (io.ReadCloser, error) {
	if s.blobs == nil || a.BlobID == "" {
		return io.NopCloser(strings.NewReader("")), nil // redacted: an empty file
	}
	return s.blobs.Open(ctx, a.BlobID)
}

// RedactAttachment replaces a comment's attachment by an empty "redacted.txt"
// and deletes its bytes. Agents and admins only.
func (s *Service) RedactAttachment(ctx context.Context, actor model.User, ticketID, commentID, id int64) (model.Attachment, error) {
	if err := requireStaff(actor); err != nil {
		return model.Attachment{}, err
	}
	var out model.Attachment
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		a, err := tx.Attachment(ctx, id)
		if err != nil {
			return err
		}
		if a.TicketID != ticketID || a.CommentID != commentID || a.CommentID == 0 {
			return fmt.Errorf("desk: attachment %d of comment %d: %w", id, commentID, model.ErrNotFound)
		}
		if err := s.mayTouchAnyState(ctx, &tx.Queries, actor, ticketID); err != nil {
			return err
		}
		if a.BlobID != "" {
			if err := s.deleteBlobTx(ctx, tx, a.BlobID); err != nil {
				return err
			}
		}
		thumbs, err := tx.ThumbnailsOf(ctx, id)
		if err != nil {
			return err
		}
		for _, th := range thumbs {
			if err := s.deleteAttachmentTx(ctx, tx, th); err != nil {
				return err
			}
		}
		if err := tx.RedactAttachment(ctx, id); err != nil {
			return err
		}
		out, err = tx.Attachment(ctx, id)
		return err
	})
	if err != nil {
		return out, err
	}
	s.PayBlobDeletes(ctx)
	return out, nil
}

// purgeAttachments deletes a purged ticket's attachments: rows, and bytes in
// the same transaction (PostgreSQL store) or owed until the file store removed
// them (PayBlobDeletes, right after the commit and then until it succeeds).
func (s *Service) purgeAttachments(ctx context.Context, tx *store.Tx, ticketID int64) error {
	files, err := tx.TicketAttachments(ctx, ticketID)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := s.deleteAttachmentTx(ctx, tx, f); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) deleteAttachmentTx(ctx context.Context, tx *store.Tx, a model.Attachment) error {
	if err := tx.DeleteAttachment(ctx, a.ID); err != nil {
		return err
	}
	if a.BlobID == "" {
		return nil
	}
	return s.deleteBlobTx(ctx, tx, a.BlobID)
}

// deleteBlobTx deletes a blob within tx when the store can, else records the
// delete as owed in tx, so a crash after the commit can't forget it.
func (s *Service) deleteBlobTx(ctx context.Context, tx *store.Tx, id string) error {
	if d, ok := s.blobs.(txDeleter); ok {
		return d.DeleteTx(ctx, tx.SQL, id)
	}
	return tx.OweBlobDelete(ctx, id, s.clock())
}

// PayBlobDeletes removes the blobs owed a delete, batch after batch until none
// is left or one fails, and returns how many failed (-1 when the debt can't be
// read). Failures are logged without ticket data and retried by
// SweepAttachments.
func (s *Service) PayBlobDeletes(ctx context.Context) int {
	if s.blobs == nil {
		return 0
	}
	for {
		ids, err := s.db.Read().BlobDeletesOwed(ctx, sweepBatch)
		if err != nil {
			s.log.WarnContext(ctx, "blob deletes owed: can't read them", "err", err)
			return -1
		}
		failed := 0
		for _, id := range ids {
			if !s.payBlobDelete(ctx, id) {
				failed++
			}
		}
		if failed > 0 || len(ids) < sweepBatch || ctx.Err() != nil {
			return failed
		}
	}
}

// payBlobDelete deletes one blob owed and settles the debt; false when the
// delete failed (it stays owed, with one more attempt counted).
func (s *Service) payBlobDelete(ctx context.Context, id string) bool {
	ok := true
	settle := func(tx *store.Tx) error { return tx.BlobDeleted(ctx, id) }
	if err := s.blobs.Delete(ctx, id); err != nil {
		ok = false
		s.log.WarnContext(ctx, "blob delete failed; it stays owed and is retried", "blob", id, "err", err)
		settle = func(tx *store.Tx) error { return tx.BlobDeleteFailed(ctx, id) }
	}
	if err := s.db.WriteTx(ctx, settle); err != nil {
		s.log.WarnContext(ctx, "blob delete owed: can't settle", "blob", id, "err", err)
		return false
	}
	return ok
}

// SweepAttachments deletes uploads no comment took within UploadTTL and pays
// the blob deletes owed.
func (s *Service) SweepAttachments(ctx context.Context) error {
	expired, err := s.db.Read().ExpiredUploads(ctx, s.clock().Add(-UploadTTL), sweepBatch)
	if err != nil {
		return err
	}
	if len(expired) > 0 {
		err = s.db.WriteTx(ctx, func(tx *store.Tx) error {
			for _, a := range expired {
				if err := s.deleteAttachmentTx(ctx, tx, a); err != nil && !isNotFound(err) {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	s.PayBlobDeletes(ctx)
	return nil
}

// sweepEvery is how often StartAttachmentSweeper sweeps.
const sweepEvery = 10 * time.Minute

// StartAttachmentSweeper runs SweepAttachments at once and then every
// sweepEvery until ctx ends or stop is called; stop waits for it.
func (s *Service) StartAttachmentSweeper(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(sweepEvery)
		defer t.Stop()
		for {
			if err := s.SweepAttachments(ctx); err != nil && ctx.Err() == nil {
				s.log.WarnContext(ctx, "attachment sweep failed; retried next round", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() { cancel(); <-done }
}
