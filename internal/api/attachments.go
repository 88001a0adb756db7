package api

import (
	"cmp"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/httpx"
	"github.com/twindesk/twindesk/internal/model"
)

// attachmentJSON is Zendesk's attachment object.
type attachmentJSON struct {
	ID               int64            `json:"id"`
	URL              string           `json:"url"`
	FileName         string           `json:"file_name"`
	ContentURL       string           `json:"content_url"`
	MappedContentURL string           `json:"mapped_content_url"`
	ContentType      string           `json:"content_type"`
	Size             int64            `json:"size"`
	Width            any              `json:"width"`
	Height           any              `json:"height"`
	Inline           bool             `json:"inline"`
	Deleted          bool             `json:"deleted"`
	Thumbnails       []attachmentJSON `json:"thumbnails"`
}

// attachmentOut renders a; the download URL carries the random content token and
// still needs a signed-in user who may see the ticket (download).
func attachmentOut(r *http.Request, a *model.Attachment) attachmentJSON {
	content := absoluteURL(r, desk.AttachmentPath(*a))
	return attachmentJSON{ID: a.ID, URL: absoluteURL(r, "/api/v2/attachments/"+strconv.FormatInt(a.ID, 10)+".json"),
		FileName: a.FileName, ContentURL: content, MappedContentURL: content, ContentType: a.ContentType, Size: a.Size,
		Width: nullable(a.Width), Height: nullable(a.Height), Thumbnails: attachmentsOut(r, a.Thumbnails)}
}

func attachmentsOut(r *http.Request, list []model.Attachment) []attachmentJSON {
	out := make([]attachmentJSON, len(list))
	for i := range list {
		out[i] = attachmentOut(r, &list[i])
	}
	return out
}

func (s *Server) showAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a, err := s.desk.Attachment(r.Context(), currentUser(r.Context()), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"attachment": attachmentOut(r, &a)})
	return nil
}

// redactAttachment is PUT /tickets/{id}/comments/{comment_id}/attachments/{attachment_id}/redact.
func (s *Server) redactAttachment(w http.ResponseWriter, r *http.Request) error {
	var ids [3]int64
	for i, name := range []string{"id", "comment_id", "attachment_id"} {
		v, err := strconv.ParseInt(r.PathValue(name), 10, 64)
		if err != nil || v <= 0 {
			return errNotFound
		}
		ids[i] = v
	}
	a, err := s.desk.RedactAttachment(r.Context(), currentUser(r.Context()), ids[0], ids[1], ids[2])
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"attachment": attachmentOut(r, &a)})
	return nil
}

// commentAttachments loads the attachments of a page of comments, by comment id.
func (s *Server) commentAttachments(r *http.Request, ticketID int64, comments []model.Comment) (map[int64][]attachmentJSON, error) {
	ids := make([]int64, len(comments))
	for i, c := range comments {
		ids[i] = c.ID
	}
	list, err := s.desk.CommentAttachments(r.Context(), currentUser(r.Context()), ticketID, ids)
	if err != nil {
		return nil, err
	}
	list = model.NestThumbnails(list)
	out := map[int64][]attachmentJSON{}
	for i := range list {
		out[list[i].CommentID] = append(out[list[i].CommentID], attachmentOut(r, &list[i]))
	}
	return out, nil
}

// auditAttachments lists the attachments of the comment audit a wrote; an error
// is logged and shows as none, as the audit itself was read.
func (s *Server) auditAttachments(r *http.Request, a *model.Audit) []attachmentJSON {
	byAudit, err := s.desk.AuditAttachments(r.Context(), currentUser(r.Context()), a.TicketID, []int64{a.ID})
	if err != nil {
		s.log.WarnContext(r.Context(), "audit attachments", "audit", a.ID, "err", err)
	}
	return attachmentsOut(r, model.NestThumbnails(byAudit[a.ID]))
}

// auditsAttachments loads the attachments of a page of audits in one query.
func (s *Server) auditsAttachments(r *http.Request, ticketID int64, audits []model.Audit) (func(int64) []attachmentJSON, error) {
	ids := make([]int64, len(audits))
	for i, a := range audits {
		ids[i] = a.ID
	}
	byAudit, err := s.desk.AuditAttachments(r.Context(), currentUser(r.Context()), ticketID, ids)
	if err != nil {
		return nil, err
	}
	return func(id int64) []attachmentJSON { return attachmentsOut(r, model.NestThumbnails(byAudit[id])) }, nil
}

// DownloadRoutes serves attachment bytes at content_url,
// /attachments/token/{token}/?name=..., to a user signed in with an API token or
// a web session who may see the attachment's ticket.
func (s *Server) DownloadRoutes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /attachments/token/{token}/", http.HandlerFunc(s.serveDownload))
	return mux
}

func (s *Server) serveDownload(w http.ResponseWriter, r *http.Request) {
	httpx.SetRoute(r) // metrics label the pattern, never the token in the path
	u, err := s.authenticate(r)
	if err != nil {
		u, err = s.sessionUser(r)
	}
	if err != nil {
		if browsing(r) {
			// A link opened from a mail: sign in, then come back to the file.
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		s.writeError(w, r, errUnauthorized)
		return
	}
	if !s.limiter.admit(w, u.ID, time.Now()) {
		return
	}
	a, err := s.desk.AttachmentByContentToken(r.Context(), u, r.PathValue("token"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	extendDeadlines(w, false) // a 50 MB file on a slow link outlasts the 60 s write timeout
	body, err := s.desk.OpenAttachment(r.Context(), a)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	defer body.Close()
	h := w.Header()
	h.Set("Content-Type", servedType(a.ContentType))
	// FormatMediaType encodes non-ASCII names (RFC 2231); it returns "" for a
	// name it can't encode, which must still be a download.
	h.Set("Content-Disposition", cmp.Or(mime.FormatMediaType("attachment", map[string]string{"filename": a.FileName}), "attachment"))
	h.Set("Content-Length", strconv.FormatInt(a.Size, 10))
	h.Set("X-Content-Type-Options", "nosniff")
	// Even opened directly (a browser that ignores the disposition), the file
	// runs no script and reaches nothing of this origin.
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Referrer-Policy", "no-referrer")
	if _, err := io.Copy(w, body); err != nil {
		s.log.DebugContext(r.Context(), "download cut short", "attachment", a.ID, "err", err)
	}
}

// browsing reports whether a request is a browser's page load (it accepts HTML
// and carries no API credential), which gets the sign-in page, not a 401 body.
func browsing(r *http.Request) bool {
	return r.Header.Get("Authorization") == "" && strings.Contains(r.Header.Get("Accept"), "text/html")
}

// sessionUser is the user of the agent UI's session cookie (internal/web),
// accepted on downloads so the UI's links work.
func (s *Server) sessionUser(r *http.Request) (model.User, error) {
	c, err := r.Cookie(httpx.SessionCookie(s.cfg.BaseURL))
	if err != nil || c.Value == "" {
		return model.User{}, errUnauthorized
	}
	sess, err := s.desk.Session(r.Context(), c.Value)
	if err != nil {
		return model.User{}, errUnauthorized
	}
	return sess.User, nil
}

// servedType keeps the stored type for kinds a browser shows inertly; any other
// (HTML, SVG, XML, scripts) is served as bytes.
func servedType(t string) string {
	switch t {
	case "image/png", "image/jpeg", "image/gif", "application/pdf", "text/plain":
		return t
	}
	return "application/octet-stream"
}
