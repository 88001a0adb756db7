package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// importTicketIn is a ticket of Zendesk's Ticket Import API: the fields of a
// create, historic times, and the whole conversation in comments.
type importTicketIn struct {
	ticketIn
	CreatedAt string            `json:"created_at"`
	UpdatedAt string            `json:"updated_at"`
	SolvedAt  string            `json:"solved_at"`
	Comments  []importCommentIn `json:"comments"`
	// ArchiveImmediately is accepted and ignored: twindesk has no ticket archive.
	ArchiveImmediately json.RawMessage `json:"archive_immediately"`
	// ImportSource (a twindesk extension) keys the import on the source's id:
	// {"system": "acme.zendesk.com", "id": 123, "updated_at": "..."}.
	ImportSource *struct {
		System    string `json:"system"`
		ID        int64  `json:"id"`
		UpdatedAt string `json:"updated_at"`
	} `json:"twindesk_import_source"`
}

// importCommentIn is one imported comment. Zendesk takes value, body or html_body;
// author, an object with name and email, is twindesk's lenient addition.
type importCommentIn struct {
	Value     string          `json:"value"`
	Body      string          `json:"body"`
	HTMLBody  string          `json:"html_body"`
	Public    *bool           `json:"public"`
	AuthorID  authorIDIn      `json:"author_id"`
	Author    json.RawMessage `json:"author"`
	CreatedAt string          `json:"created_at"`
	Uploads   []string        `json:"uploads"`
	// MessageID (a twindesk extension) is the Message-ID of the mail the comment
	// was made of in the source, its metadata.system.message_id.
	MessageID string `json:"twindesk_message_id"`
}

// parseTime reads an optional RFC 3339 time; a bad one is a 422 naming field.
func parseTime(field, raw string) (time.Time, error) {
	if raw == "" {
		return time.Time{}, nil
	}
	at, err := time.Parse(time.RFC3339, raw)
	if err != nil {
		return at, recordInvalid(model.Invalid(field, "InvalidValue", "%s: %q is not a time like 2019-06-01T09:30:00Z", field, raw))
	}
	return at, nil
}

func (in *importTicketIn) toImport() (desk.ImportInput, error) {
	t, err := in.toInput("import")
	if err != nil {
		return desk.ImportInput{}, err
	}
	out := desk.ImportInput{Ticket: t}
	if src := in.ImportSource; src != nil {
		if src.System == "" || src.ID == 0 {
			return out, recordInvalid(model.Invalid("twindesk_import_source", "InvalidValue", "Twindesk import source: system and id are required"))
		}
		out.Source = &desk.ImportSource{System: src.System, ID: src.ID, Updated: src.UpdatedAt}
	}
	for _, f := range []struct {
		name string
		raw  string
		to   *time.Time
	}{{"created_at", in.CreatedAt, &out.CreatedAt}, {"updated_at", in.UpdatedAt, &out.UpdatedAt}, {"solved_at", in.SolvedAt, &out.SolvedAt}} {
		if *f.to, err = parseTime(f.name, f.raw); err != nil {
			return out, err
		}
	}
	for i := range in.Comments {
		c, err := in.Comments[i].toImport(i)
		if err != nil {
			return out, err
		}
		out.Comments = append(out.Comments, c)
	}
	if len(out.Comments) == 0 && t.Comment != nil {
		// No comments: the description (or a create's comment) is the only one.
		c := t.Comment
		out.Comments = []desk.ImportComment{{Body: c.Body, Public: c.Public, AuthorID: c.AuthorID, Uploads: c.Uploads}}
	}
	out.Ticket.Comment = nil
	return out, nil
}

func (c *importCommentIn) toImport(i int) (desk.ImportComment, error) {
	body := c.Value
	for _, alt := range []string{c.Body, c.HTMLBody} {
		if body == "" {
			body = alt
		}
	}
	out := desk.ImportComment{Body: body, Public: c.Public, AuthorID: c.AuthorID.Val, Uploads: c.Uploads,
		MessageID: c.MessageID}
	var err error
	if out.CreatedAt, err = parseTime(fmt.Sprintf("comments[%d].created_at", i), c.CreatedAt); err != nil {
		return out, err
	}
	if out.Author, err = parseRequester(c.Author); err != nil {
		return out, recordInvalid(model.Invalid(fmt.Sprintf("comments[%d].author", i), "InvalidValue", "Comments[%d]: author must be an object with name and email", i))
	}
	return out, nil
}

// importTicket is POST /imports/tickets: one ticket with its history, no triggers.
func (s *Server) importTicket(w http.ResponseWriter, r *http.Request) error {
	tk, err := decodeEnvelopeLimit[importTicketIn](r, "ticket", s.cfg.MaxTicketBody)
	if err != nil {
		return err
	}
	in, err := tk.toImport()
	if err != nil {
		return err
	}
	actor := currentUser(r.Context())
	var res desk.TicketResult
	if actor.Role == model.RolePeer {
		// The standard instance forwarding an escalated ticket (desk checks it).
		res, err = s.desk.ImportEscalated(r.Context(), actor, in, r.Header.Get("Idempotency-Key"))
	} else {
		res, err = s.desk.ImportTicket(r.Context(), actor, in)
	}
	if err != nil {
		return err
	}
	if res.Replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	out := s.ticketOut(&res.Ticket)
	w.Header().Set("Location", out.URL)
	writeJSON(w, http.StatusCreated, map[string]any{"ticket": out})
	return nil
}

// importMany is POST /imports/tickets/create_many: up to 100 tickets, each
// imported in its own transaction; the answer is a completed job status.
func (s *Server) importMany(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Tickets []importTicketIn `json:"tickets"`
	}
	if err := decodeLimit(r, &body, s.cfg.MaxTicketBody); err != nil {
		return err
	}
	if err := bulkCount(len(body.Tickets)); err != nil {
		return err
	}
	items := make([]desk.ImportInput, len(body.Tickets))
	for i := range body.Tickets {
		in, err := body.Tickets[i].toImport()
		if err != nil {
			return err
		}
		items[i] = in
	}
	j, err := s.desk.ImportMany(r.Context(), currentUser(r.Context()), items)
	if err != nil {
		return err
	}
	s.writeJob(w, &j)
	return nil
}

// createMany is POST /tickets/create_many: up to 100 creates, each through the
// single create's write path (triggers run); the answer is a job status.
func (s *Server) createMany(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Tickets []ticketIn `json:"tickets"`
	}
	if err := decodeLimit(r, &body, s.cfg.MaxTicketBody); err != nil {
		return err
	}
	if err := bulkCount(len(body.Tickets)); err != nil {
		return err
	}
	items := make([]desk.TicketInput, len(body.Tickets))
	for i := range body.Tickets {
		in, err := body.Tickets[i].toInput("api")
		if err != nil {
			return err
		}
		items[i] = in
	}
	j, err := s.desk.CreateMany(r.Context(), currentUser(r.Context()), items)
	if err != nil {
		return err
	}
	s.writeJob(w, &j)
	return nil
}

func bulkCount(n int) error {
	switch {
	case n == 0:
		return badRequest(`the body must be {"tickets": [{...}, ...]} with at least one ticket`)
	case n > desk.MaxBulk:
		return badRequest(fmt.Sprintf("at most %d tickets per request, not %d", desk.MaxBulk, n))
	}
	return nil
}
