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
