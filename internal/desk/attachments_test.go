package desk_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/blob"
	"github.com/twindesk/twindesk/internal/canarytest"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store/sqlite"
)

const fileCanary = "filecanary8830"

// flakyBlobs is a file store whose deletes fail while failing is set, as when
// the disk is read-only or full for a moment.
type flakyBlobs struct {
	*blob.Dir
	failing atomic.Bool
}

func (f *flakyBlobs) Delete(ctx context.Context, id string) error {
	if f.failing.Load() {
		return errors.New("disk unavailable")
	}
	return f.Dir.Delete(ctx, id)
}

func attachmentDesk(t *testing.T, dir string, blobs blob.Store, now func() time.Time, opts ...desk.Option) *desk.Service {
	t.Helper()
	db, err := sqlite.Open(t.Context(), dir)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	log := slog.New(slog.NewTextHandler(t.Output(), nil))
	return desk.New(db, log, append([]desk.Option{desk.WithBlobs(blobs, 0), desk.WithClock(now)}, opts...)...)
}

func ticketWithFile(t *testing.T, d *desk.Service) (model.User, int64) {
	t.Helper()
	ctx := t.Context()
	name, email, role := "Admin", "admin@example.com", "admin"
	admin, err := d.BootstrapUser(ctx, desk.UserInput{Name: &name, Email: &email, Role: &role})
	require.NoError(t, err)
	a, _, err := d.Upload(ctx, admin, desk.UploadInput{FileName: "payslip.pdf", Body: bytes.NewReader([]byte("salary " + fileCanary))})
	require.NoError(t, err)
	subject := "Payslip"
	res, err := d.CreateTicket(ctx, admin, desk.TicketInput{Subject: &subject,
		Comment: &desk.CommentInput{Body: "attached", Uploads: []string{a.UploadToken}}}, "")
	require.NoError(t, err)
	return admin, res.Ticket.ID
}

// TestPurgedFileOwedUntilDeleted: when the file store can't delete a purged
// ticket's file, the purge still commits, the delete stays owed (after a
// restart too), and the sweep removes the file once the store works again.
func TestPurgedFileOwedUntilDeleted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dirStore, err := blob.NewDir(filepath.Join(dir, "blobs"))
	require.NoError(t, err)
	flaky := &flakyBlobs{Dir: dirStore}
	d := attachmentDesk(t, dir, flaky, time.Now)
	admin, id := ticketWithFile(t, d)
	require.NotEmpty(t, canarytest.FilesContaining(t, filepath.Join(dir, "blobs"), fileCanary))

	flaky.failing.Store(true)
	require.NoError(t, d.PurgeTicket(t.Context(), admin, id))
	require.NotEmpty(t, canarytest.FilesContaining(t, filepath.Join(dir, "blobs"), fileCanary), "the delete failed")
	require.Equal(t, 1, d.PayBlobDeletes(t.Context()), "still owed")

	// A new process over the same data directory pays the debt.
	flaky.failing.Store(false)
	d2 := attachmentDesk(t, dir, flaky, time.Now)
	require.NoError(t, d2.SweepAttachments(t.Context()))
	require.Empty(t, canarytest.FilesContaining(t, filepath.Join(dir, "blobs"), fileCanary))
	require.Equal(t, 0, d2.PayBlobDeletes(t.Context()))
}

// TestUnusedUploadsExpire: an upload no comment took within three days can't
// be attached any more and is deleted, bytes included, by the sweep.
func TestUnusedUploadsExpire(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	blobs, err := blob.NewDir(filepath.Join(dir, "blobs"))
	require.NoError(t, err)
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	d := attachmentDesk(t, dir, blobs, func() time.Time { return time.Unix(0, now.Load()) })
	ctx := t.Context()
	name, email, role := "Admin", "admin@example.com", "admin"
	admin, err := d.BootstrapUser(ctx, desk.UserInput{Name: &name, Email: &email, Role: &role})
	require.NoError(t, err)
	a, _, err := d.Upload(ctx, admin, desk.UploadInput{FileName: "old.txt", Body: bytes.NewReader([]byte("old " + fileCanary))})
	require.NoError(t, err)
	fresh, _, err := d.Upload(ctx, admin, desk.UploadInput{FileName: "new.txt", Body: bytes.NewReader([]byte("new"))})
	require.NoError(t, err)
	now.Add(int64(desk.UploadTTL - time.Minute))
	require.NoError(t, d.SweepAttachments(ctx))
	_, err = d.Attachment(ctx, admin, a.ID)
	require.NoError(t, err, "not expired yet")

	now.Add(int64(2 * time.Minute))
	subject := "late"
	_, err = d.CreateTicket(ctx, admin, desk.TicketInput{Subject: &subject, Comment: &desk.CommentInput{Body: "x", Uploads: []string{a.UploadToken}}}, "")
	var v *model.ValidationError
	require.ErrorAs(t, err, &v, "an expired token is refused before the sweep")
	require.NoError(t, d.SweepAttachments(ctx))
	_, err = d.Attachment(ctx, admin, a.ID)
	require.ErrorIs(t, err, model.ErrNotFound)
	_, err = d.Attachment(ctx, admin, fresh.ID)
	require.ErrorIs(t, err, model.ErrNotFound, "uploaded at the same time, expired too")
	require.Empty(t, canarytest.FilesContaining(t, filepath.Join(dir, "blobs"), fileCanary))
	r, err := blobs.Open(ctx, a.BlobID)
	if err == nil {
		_, _ = io.Copy(io.Discard, r)
		_ = r.Close()
	}
	require.ErrorIs(t, err, model.ErrNotFound)
}

// TestTicketAttachmentLimit: the files of one ticket may total the limit, not
// more; the comment that would go over it is a 422 and is not saved.
func TestTicketAttachmentLimit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	blobs, err := blob.NewDir(filepath.Join(dir, "blobs"))
	require.NoError(t, err)
	d := attachmentDesk(t, dir, blobs, time.Now, desk.WithTicketAttachmentLimit(1000))
	ctx := t.Context()
	name, email, role := "Admin", "admin@example.com", "admin"
	admin, err := d.BootstrapUser(ctx, desk.UserInput{Name: &name, Email: &email, Role: &role})
	require.NoError(t, err)
	up := func(n int) string {
		a, _, err := d.Upload(ctx, admin, desk.UploadInput{FileName: "f.bin", Body: bytes.NewReader(make([]byte, n))})
		require.NoError(t, err)
		return a.UploadToken
	}
	subject := "files"
	res, err := d.CreateTicket(ctx, admin, desk.TicketInput{Subject: &subject, Comment: &desk.CommentInput{Body: "a", Uploads: []string{up(600)}}}, "")
	require.NoError(t, err)
	_, err = d.UpdateTicket(ctx, admin, res.Ticket.ID, desk.TicketInput{Comment: &desk.CommentInput{Body: "b", Uploads: []string{up(401)}}})
	var v *model.ValidationError
	require.ErrorAs(t, err, &v)
	require.Contains(t, v.Error(), "limit")
	_, err = d.UpdateTicket(ctx, admin, res.Ticket.ID, desk.TicketInput{Comment: &desk.CommentInput{Body: "c", Uploads: []string{up(400)}}})
	require.NoError(t, err, "exactly the limit")
}
