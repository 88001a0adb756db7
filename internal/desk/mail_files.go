package desk

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/twindesk/twindesk/internal/blob"
	"github.com/twindesk/twindesk/internal/mail/outbound"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// Zendesk's limits for files in notification mail: up to 7 MB a file and 10 MB
// in all go as attachments, the rest as links.
const (
	DefaultMailFileBytes  = 7 << 20
	DefaultMailFilesBytes = 10 << 20
)

// mailFileSet is what a notification does with its comment's files.
type mailFileSet struct {
	// carried go in the mail; linked are named with their download URL, which
	// needs a signed-in user who may see the ticket (never a bearer link that
	// works for whoever holds the mail).
	carried, linked []model.Attachment
}

// mailFiles picks the files of the change's comment a mail to `to` carries.
// None unless the comment is public, the mail may show content
// (mailShowsContent: --mail-content none and the secure instance's rule hide
// files as they hide text), its body shows comments (a mail without the comment
// carries none of its files, as Zendesk) and `to` didn't write it (nobody needs
// their own files mailed back).
func (s *Service) mailFiles(ctx context.Context, tx *store.Tx, ch *model.Change, n model.Notification, to model.User) (mailFileSet, error) {
	c := ch.Comment
	if c == nil || c.ID == 0 || !c.Public || c.AuthorID == to.ID || s.blobs == nil ||
		!mentionsComments(n.Body) || !s.mailShowsContent(ch.After, to) {
		return mailFileSet{}, nil
	}
	files, err := tx.CommentAttachments(ctx, []int64{c.ID})
	if err != nil {
		return mailFileSet{}, fmt.Errorf("desk: mail files: %w", err)
	}
	perFile := cmp.Or(s.mailOut.FileBytes, DefaultMailFileBytes)
	budget := cmp.Or(s.mailOut.FilesBytes, DefaultMailFilesBytes)
	var set mailFileSet
	for _, a := range model.NestThumbnails(files) {
		if a.BlobID == "" || isOriginalMessage(a) {
			continue // redacted; or the raw mail kept for the record, not content
		}
		if a.Size <= perFile && a.Size <= budget {
			budget -= a.Size
			set.carried = append(set.carried, a)
			continue
		}
		set.linked = append(set.linked, a)
	}
	return set, nil
}

// carry turns the carried files into the message's attachments, streamed from
// the blob store while the message is built.
func (f mailFileSet) carry(ctx context.Context, blobs blob.Store) []outbound.Attachment {
	out := make([]outbound.Attachment, len(f.carried))
	for i, a := range f.carried {
		out[i] = outbound.Attachment{FileName: a.FileName, ContentType: a.ContentType, Size: a.Size,
			Open: func() (io.ReadCloser, error) { return blobs.Open(ctx, a.BlobID) }}
	}
	return out
}

// linkText lists the linked files under the mail's text, or "".
func (f mailFileSet) linkText(baseURL string) string {
	if len(f.linked) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n\nFiles too large for mail (sign in to download):\n")
	for _, a := range f.linked {
		fmt.Fprintf(&b, "- %s (%.1f MB): %s\n", a.FileName, float64(a.Size)/(1<<20), strings.TrimRight(baseURL, "/")+AttachmentPath(a))
	}
	return strings.TrimRight(b.String(), "\n")
}

// AttachmentPath is an attachment's content_url path. Its random token keeps
// ids from being walked; the download still needs a signed-in user who may see
// the ticket.
func AttachmentPath(a model.Attachment) string {
	return "/attachments/token/" + a.ContentToken + "/?name=" + url.QueryEscape(a.FileName)
}
