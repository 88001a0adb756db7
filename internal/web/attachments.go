package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// maxFilesPerPost bounds the files one form post may carry; with the per-file
// limit it bounds the whole body.
const maxFilesPerPost = 20

// fileTransferTime is how long a form carrying files may take to arrive (50 MB
// at 60 KB/s), past the server's 30 s read timeout for plain forms; the API's
// uploads get the same.
const fileTransferTime = 15 * time.Minute

// uploadTokenKey is the form field carrying the upload token of files a refused
// submit kept, so the agent doesn't pick them again.
const uploadTokenKey = "upload_token"

// fileParts is what is left of a multipart post once authed has read the fields
// before the first file (the CSRF token among them): files are stored only by
// the handler, after the token was checked and the handler allowed files.
type fileParts struct {
	mr       *multipart.Reader
	pending  *multipart.Part
	textLeft int64
}

// isMultipart reports whether r posts multipart/form-data.
func isMultipart(r *http.Request) bool {
	t, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && t == "multipart/form-data"
}

// readPost reads a POST's fields into r.PostForm. A multipart post (only to
// routes that take files) is streamed: fields up to the first file are read
// here, the files are left to receiveFiles.
func (s *Server) readPost(w http.ResponseWriter, r *http.Request, rq *request, files bool) error {
	if !files || !isMultipart(r) {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil {
			return &httpError{http.StatusBadRequest, "The form could not be read (too large or malformed)."}
		}
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes+maxFilesPerPost*(s.desk.MaxAttachmentBytes()+64<<10))
	mr, err := r.MultipartReader()
	if err != nil {
		return &httpError{http.StatusBadRequest, "The form could not be read (malformed)."}
	}
	r.PostForm, r.Form = url.Values{}, r.URL.Query()
	fp := &fileParts{mr: mr, textLeft: maxFormBytes}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return formReadError(err)
		}
		if isFilePart(p) {
			fp.pending = p
			break
		}
		if err := fp.addField(r, p); err != nil {
			return err
		}
	}
	rq.files = fp
	return nil
}

// isFilePart reports whether p comes from a file input: it has a filename
// parameter, empty when no file was picked.
func isFilePart(p *multipart.Part) bool {
	_, params, err := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
	_, ok := params["filename"]
	return err == nil && ok
}

// addField reads a text part into the request's form, within the form budget.
func (fp *fileParts) addField(r *http.Request, p *multipart.Part) error {
	b, err := io.ReadAll(io.LimitReader(p, fp.textLeft+1))
	if err != nil {
		return formReadError(err)
	}
	if int64(len(b)) > fp.textLeft {
		return &httpError{http.StatusRequestEntityTooLarge, "The form's text is too large."}
	}
	fp.textLeft -= int64(len(b))
	name := p.FormName()
	r.PostForm.Add(name, string(b))
	r.Form.Add(name, string(b))
	return nil
}

func formReadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &httpError{http.StatusRequestEntityTooLarge, "The form is too large."}
	}
	return &httpError{http.StatusBadRequest, "The form could not be read (malformed or cut short)."}
}

// receiveFiles reads the rest of a post: each picked file is stored with
// desk.Upload, all under one upload token (the form's upload_token when a
// refused submit kept files), and later fields join r.PostForm. It returns
// the token, "" when there are no files. On
// any error the token's files are deleted: nothing is saved.
func (s *Server) receiveFiles(w http.ResponseWriter, r *http.Request, rq *request) (string, error) {
	token := r.PostForm.Get(uploadTokenKey)
	fp := rq.files
	if fp == nil {
		return token, nil
	}
	token, err := s.storeParts(w, r, rq, fp, token)
	if err != nil {
		s.dropUpload(r.Context(), rq, token)
		return "", err
	}
	return token, nil
}

func (s *Server) storeParts(w http.ResponseWriter, r *http.Request, rq *request, fp *fileParts, token string) (string, error) {
	count := 0
	for p := fp.pending; ; {
		if p != nil {
			var err error
			if token, err = s.storePart(w, r, rq, fp, p, token, &count); err != nil {
				return token, err
			}
		}
		var err error
		if p, err = fp.mr.NextPart(); errors.Is(err, io.EOF) {
			return token, nil
		} else if err != nil {
			return token, formReadError(err)
		}
	}
}

// storePart stores one part: a field goes to the form, an empty file input is
// skipped, a file is uploaded under token.
func (s *Server) storePart(w http.ResponseWriter, r *http.Request, rq *request, fp *fileParts, p *multipart.Part, token string, count *int) (string, error) {
	if !isFilePart(p) {
		return token, fp.addField(r, p)
	}
	name := browserFileName(p.FileName())
	if name == "" { // the file input with nothing picked
		_, err := io.Copy(io.Discard, io.LimitReader(p, 1<<10))
		return token, err
	}
	if *count == 0 {
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Now().Add(fileTransferTime)) // fails only without deadlines (HTTP/2)
		_ = rc.SetWriteDeadline(time.Now().Add(fileTransferTime))
	}
	if *count++; *count > maxFilesPerPost {
		return token, &httpError{http.StatusRequestEntityTooLarge,
			fmt.Sprintf("At most %d files can be attached at once; nothing was saved.", maxFilesPerPost)}
	}
	added, _, err := s.desk.Upload(r.Context(), rq.user, desk.UploadInput{Token: token, FileName: name,
		ContentType: p.Header.Get("Content-Type"), Body: p})
	if errors.Is(err, desk.ErrTooLarge) {
		return token, &httpError{http.StatusRequestEntityTooLarge, fmt.Sprintf(
			"The file “%s” is larger than the limit of %s per file; nothing was saved. Attach a smaller file.",
			name, humanSize(s.desk.MaxAttachmentBytes()))}
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return token, formReadError(err)
	}
	if err != nil {
		return token, err
	}
	return added.UploadToken, nil
}

// formNameEscapes undoes what browsers do to a file name in multipart/form-data
// (HTML's encoding algorithm: a quote becomes %22, CR and LF %0D and %0A), so
// the file keeps the name the agent sees. Line breaks are dropped, as desk drops
// control characters.
var formNameEscapes = strings.NewReplacer("%22", `"`, "%0A", "", "%0D", "", "%0a", "", "%0d", "")

func browserFileName(name string) string { return formNameEscapes.Replace(name) }

// dropUpload deletes the files of a submit that saved nothing; an error only
// leaves them to expire with the unused uploads.
func (s *Server) dropUpload(ctx context.Context, rq *request, token string) {
	if token == "" {
		return
	}
	if err := s.desk.DeleteUpload(context.WithoutCancel(ctx), rq.user, token); err != nil && !errors.Is(err, model.ErrNotFound) {
		s.log.WarnContext(ctx, "web: can't delete the files of a refused submit; they expire", "err", err)
	}
}

// errFilesNeedMessage refuses files sent without a message: a comment carries
// them, and a comment needs a body.
var errFilesNeedMessage = model.Invalid("body", "BlankValue", "Message: write a message to go with the attached files")

// attachmentView is one file listed under a comment.
type attachmentView struct {
	Name string
	URL  string
	Type string
	Size string
	// Preview is an inline image: the thumbnail when there is one.
	Preview       string
	Width, Height int64
}

// previewTypes are the images shown inline.
var previewTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true}

// previewMax is the most pixels a preview is shown wide or high without a
// thumbnail.
const previewMax = 160

// previewMaxBytes is the largest image shown inline by itself when it has no
// thumbnail.
const previewMaxBytes = 1 << 20

// contentURL is an attachment's download URL (the API's content_url, relative).
func contentURL(a *model.Attachment) string {
	return desk.AttachmentPath(*a)
}

func newAttachmentView(a *model.Attachment) attachmentView {
	v := attachmentView{Name: a.FileName, URL: contentURL(a), Type: a.ContentType, Size: humanSize(a.Size)}
	if !previewTypes[a.ContentType] || a.BlobID == "" || a.Width <= 0 || a.Height <= 0 {
		return v
	}
	if len(a.Thumbnails) > 0 && a.Thumbnails[0].Width > 0 {
		th := &a.Thumbnails[0]
		v.Preview, v.Width, v.Height = contentURL(th), th.Width, th.Height
		return v
	}
	if a.Size > previewMaxBytes {
		return v // no thumbnail (too many pixels): not worth loading whole
	}
	v.Preview, v.Width, v.Height = v.URL, a.Width, a.Height
	if scale := max(a.Width, a.Height); scale > previewMax {
		v.Width, v.Height = max(1, a.Width*previewMax/scale), max(1, a.Height*previewMax/scale)
	}
	return v
}

// attachmentViews lists files for display, thumbnails nested in their images.
func attachmentViews(list []model.Attachment) []attachmentView {
	var out []attachmentView
	for _, a := range model.NestThumbnails(list) {
		out = append(out, newAttachmentView(&a))
	}
	return out
}

// commentAttachments loads the files of comments, by comment id, in one query.
func (s *Server) commentAttachments(ctx context.Context, actor model.User, ticketID int64, comments []model.Comment) (map[int64][]attachmentView, error) {
	ids := make([]int64, len(comments))
	for i, c := range comments {
		ids[i] = c.ID
	}
	list, err := s.desk.CommentAttachments(ctx, actor, ticketID, ids)
	if err != nil {
		return nil, fmt.Errorf("web: comment attachments: %w", err)
	}
	byComment := map[int64][]model.Attachment{}
	for _, a := range list {
		byComment[a.CommentID] = append(byComment[a.CommentID], a)
	}
	out := make(map[int64][]attachmentView, len(byComment))
	for id, files := range byComment {
		out[id] = attachmentViews(files)
	}
	return out, nil
}

// keptFiles lists the files of a refused submit's upload token, shown so the
// agent knows they go with the next submit.
func (s *Server) keptFiles(ctx context.Context, rq *request, token string) []attachmentView {
	if token == "" {
		return nil
	}
	// A token from the form shows only the agent's own open upload.
	mine, err := s.desk.OpenUploads(ctx, rq.user, token)
	if err != nil {
		return nil
	}
	return attachmentViews(mine)
}

// humanSize writes a byte count as people read it: 812 bytes, 4.2 KB, 12 MB.
func humanSize(n int64) string {
	const unit = 1024
	if n < unit {
		if n == 1 {
			return "1 byte"
		}
		return fmt.Sprintf("%d bytes", n)
	}
	v, i := float64(n), -1
	for v >= unit && i < 3 {
		v /= unit
		i++
	}
	s := fmt.Sprintf("%.1f", v)
	if v >= 10 {
		s = fmt.Sprintf("%.0f", v)
	}
	return strings.TrimSuffix(s, ".0") + " " + [...]string{"KB", "MB", "GB", "TB"}[i]
}

// withUploads gives a comment the submit's files; files without a comment
// (no message typed) are refused rather than dropped.
func withUploads(c *desk.CommentInput, upload string) error {
	if upload == "" {
		return nil
	}
	if c == nil {
		return errFilesNeedMessage
	}
	c.Uploads = append(c.Uploads, upload)
	return nil
}

// attachedByAudit names the files each audit's comment carried, for the
// history.
func attachedByAudit(comments []model.Comment, files map[int64][]attachmentView) map[int64][]string {
	out := map[int64][]string{}
	for _, c := range comments {
		for _, f := range files[c.ID] {
			out[c.AuditID] = append(out[c.AuditID], f.Name)
		}
	}
	return out
}
