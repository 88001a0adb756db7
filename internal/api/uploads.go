package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/twindesk/twindesk/internal/desk"
)

// transferTime is how long an upload's body or a download may take (50 MB at
// 60 KB/s).
const transferTime = 15 * time.Minute

// extendDeadlines gives the request transferTime to answer, and to read its
// body when read is set. Errors mean the connection can't (HTTP/2 streams
// without deadlines): the server's timeouts stay.
func extendDeadlines(w http.ResponseWriter, read bool) {
	rc := http.NewResponseController(w)
	at := time.Now().Add(transferTime)
	if read {
		_ = rc.SetReadDeadline(at)
	}
	_ = rc.SetWriteDeadline(at)
}

// uploadJSON is the "upload" object of POST /api/v2/uploads.
type uploadJSON struct {
	Token       string           `json:"token"`
	ExpiresAt   string           `json:"expires_at"`
	Attachments []attachmentJSON `json:"attachments"`
	Attachment  attachmentJSON   `json:"attachment"`
}

// createUpload is POST /uploads?filename=&token=: the body is the file itself,
// streamed to the blob store.
func (s *Server) createUpload(w http.ResponseWriter, r *http.Request) error {
	limit := s.desk.MaxAttachmentBytes()
	if r.ContentLength > limit {
		return fileTooLarge(limit) // refused before a byte is read
	}
	// The server's timeouts (30 s to read, 60 s to answer) suit JSON bodies, not
	// a 50 MB file on a slow link: an authenticated upload gets transferTime.
	extendDeadlines(w, true)
	q := r.URL.Query()
	added, files, err := s.desk.Upload(r.Context(), currentUser(r.Context()), desk.UploadInput{Token: q.Get("token"),
		FileName: q.Get("filename"), ContentType: r.Header.Get("Content-Type"), Body: r.Body})
	if errors.Is(err, desk.ErrTooLarge) {
		return fileTooLarge(limit)
	}
	if err != nil {
		return err
	}
	out := uploadJSON{Token: added.UploadToken, ExpiresAt: zt(files[0].CreatedAt.Add(desk.UploadTTL)),
		Attachments: attachmentsOut(r, files), Attachment: attachmentOut(r, &added)}
	writeJSON(w, http.StatusCreated, map[string]any{"upload": out})
	return nil
}

// deleteUpload is DELETE /uploads/{token}.
func (s *Server) deleteUpload(w http.ResponseWriter, r *http.Request) error {
	if err := s.desk.DeleteUpload(r.Context(), currentUser(r.Context()), r.PathValue("token")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// fileTooLarge is the 413 for a file over the size limit.
func fileTooLarge(limit int64) *apiError {
	return &apiError{http.StatusRequestEntityTooLarge, errorBody{Error: "RequestTooLarge",
		Description: fmt.Sprintf("The file is larger than the limit of %d bytes (%d MB)", limit, limit>>20)}}
}
