package api

import (
	"net/http"
	"strconv"

	"github.com/twindesk/twindesk/internal/model"
)

type commentJSON struct {
	ID          int64   `json:"id"`
	Type        string  `json:"type"`
	AuthorID    int64   `json:"author_id"`
	Body        string  `json:"body"`
	HTMLBody    string  `json:"html_body"`
	PlainBody   string  `json:"plain_body"`
	Public      bool    `json:"public"`
	Attachments any     `json:"attachments"`
	AuditID     int64   `json:"audit_id"`
	Via         viaJSON `json:"via"`
	Metadata    any     `json:"metadata"`
	CreatedAt   string  `json:"created_at"`
}

func commentOut(c *model.Comment) commentJSON {
	return commentJSON{ID: c.ID, Type: "Comment", AuthorID: c.AuthorID, Body: c.Body, HTMLBody: htmlBody(c.Body),
		PlainBody: c.Body, Public: c.Public, Attachments: []any{}, AuditID: c.AuditID, Via: via(c.Via),
		Metadata: map[string]any{"system": map[string]any{}, "custom": map[string]any{}}, CreatedAt: zt(c.CreatedAt)}
}

func (s *Server) listComments(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := parsePager(r)
	if err != nil {
		return err
	}
	rows, count, err := s.desk.Comments(r.Context(), currentUser(r.Context()), id, p.storePage(), !p.cursor)
	if err != nil {
		return err
	}
	rows, more := trim(p, rows)
	files, err := s.commentAttachments(r, id, rows)
	if err != nil {
		return err
	}
	var msgIDs map[int64]string
	if len(rows) > 0 {
		if msgIDs, err = s.desk.CommentMessageIDs(r.Context(), currentUser(r.Context()), id); err != nil {
			return err
		}
	}
	out := make([]commentJSON, 0, len(rows))
	for i := range rows {
		c := commentOut(&rows[i])
		if f := files[rows[i].ID]; f != nil {
			c.Attachments = f
		}
		if mid := msgIDs[rows[i].ID]; mid != "" {
			// Zendesk's place for the Message-ID of a mail it received, bracketed as in the header.
			c.Metadata = map[string]any{"system": map[string]any{"message_id": "<" + mid + ">"}, "custom": map[string]any{}}
		}
		out = append(out, c)
	}
	cid := func(c model.Comment) int64 { return c.ID }
	writeJSON(w, http.StatusOK, p.envelope(map[string]any{"comments": out}, more, firstID(rows, cid), lastID(rows, cid), count))
	return nil
}

type auditJSON struct {
	ID        int64            `json:"id"`
	TicketID  int64            `json:"ticket_id"`
	CreatedAt string           `json:"created_at"`
	AuthorID  int64            `json:"author_id"`
	Metadata  any              `json:"metadata"`
	Via       viaJSON          `json:"via"`
	Events    []map[string]any `json:"events"`
}

// auditOut renders an audit. Event ids are derived from the audit id and position,
// since events are stored inside their audit.
func (s *Server) auditOut(r *http.Request, a *model.Audit) auditJSON {
	return s.auditOutWith(a, func(int64) []attachmentJSON { return s.auditAttachments(r, a) })
}

// auditOutWith renders an audit whose Comment event's attachments files gives.
func (s *Server) auditOutWith(a *model.Audit, files func(auditID int64) []attachmentJSON) auditJSON {
	events := make([]map[string]any, 0, len(a.Events))
	for i, e := range a.Events {
		ev := map[string]any{"id": auditEventID(a, i), "type": e.Type}
		switch e.Type {
		case "Comment":
			ev["body"], ev["html_body"], ev["plain_body"] = e.Body, htmlBody(e.Body), e.Body
			ev["public"], ev["author_id"], ev["attachments"] = e.Public != nil && *e.Public, e.AuthorID, files(a.ID)
			ev["audit_id"] = a.ID
		case "Notification":
			ev["subject"], ev["body"], ev["recipients"] = e.Subject, e.Body, e.Recipients
			ev["via"] = map[string]any{"channel": "rule", "source": map[string]any{"from": map[string]any{"id": e.ViaTriggerID}, "rel": "trigger"}}
		default:
			// An empty value is null in Zendesk's audits ("no assignee", "no priority").
			ev["field_name"], ev["value"] = e.FieldName, nullIfBlank(e.Value)
			if e.Type == "Change" {
				ev["previous_value"] = nullIfBlank(e.PreviousValue)
			}
			if e.ViaTriggerID != 0 {
				ev["via"] = map[string]any{"channel": "rule", "source": map[string]any{"from": map[string]any{"id": e.ViaTriggerID}, "rel": "trigger"}}
			}
		}
		events = append(events, ev)
	}
	return auditJSON{ID: a.ID, TicketID: a.TicketID, CreatedAt: zt(a.CreatedAt), AuthorID: a.AuthorID,
		Metadata: map[string]any{"system": map[string]any{}, "custom": map[string]any{}}, Via: via(a.Via), Events: events}
}

func (s *Server) listAudits(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := requireStaffAPI(r); err != nil {
		return err
	}
	p, err := parsePager(r)
	if err != nil {
		return err
	}
	rows, count, err := s.desk.Audits(r.Context(), currentUser(r.Context()), id, p.storePage(), !p.cursor)
	if err != nil {
		return err
	}
	rows, more := trim(p, rows)
	files, err := s.auditsAttachments(r, id, rows)
	if err != nil {
		return err
	}
	out := make([]auditJSON, len(rows))
	for i := range rows {
		out[i] = s.auditOutWith(&rows[i], files)
	}
	aid := func(a model.Audit) int64 { return a.ID }
	writeJSON(w, http.StatusOK, p.envelope(map[string]any{"audits": out}, more, firstID(rows, aid), lastID(rows, aid), count))
	return nil
}

// nullIfBlank maps an empty string (or a missing value) to nil, so it is written as null.
func nullIfBlank(v any) any {
	if s, ok := v.(string); ok && s == "" {
		return nil
	}
	return v
}

// makeCommentPrivate is PUT /tickets/{id}/comments/{comment_id}/make_private:
// 200 with no body, as Zendesk answers.
func (s *Server) makeCommentPrivate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	commentID, err := strconv.ParseInt(r.PathValue("comment_id"), 10, 64)
	if err != nil || commentID <= 0 {
		return errNotFound
	}
	if err := s.desk.MakeCommentPrivate(r.Context(), currentUser(r.Context()), id, commentID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
