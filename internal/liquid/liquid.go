// Package liquid renders Zendesk placeholders ({{ticket.id}}, {% if %}, ...) in
// webhook and target URLs and bodies, with github.com/osteele/liquid.
//
// Templates see two variables, named as Zendesk names them (case-sensitive):
//
//	ticket.id .title (the subject) .description .status .priority .ticket_type
//	  .external_id .tags (space-separated) .via .ticket_form_id
//	ticket.url (host/agent/tickets/ID, no protocol) .url_with_protocol .link
//	ticket.created_at .updated_at ("Jan 2, 2006") and *_with_timestamp (ISO 8601, UTC)
//	ticket.comments_formatted .latest_comment_formatted .latest_comment
//	  .public_comments_formatted .latest_public_comment_formatted .latest_public_comment
//	ticket.comments, ticket.public_comments: lists, newest first, of
//	  {id, value, is_public, created_at, created_at_with_timestamp, author}
//	ticket.requester, .submitter, .assignee, current_user:
//	  {id, name, email, first_name, last_name, external_id, role}
//	ticket.group.{id,name}
//	ticket.ticket_field_<id> (raw value; a dropdown's option tag)
//	ticket.ticket_field_option_title_<id> (a dropdown's option name)
//
// Values are bound raw: ids are numbers, status, priority and type are the API
// values ("open", not Zendesk's displayed "Open"), and absent users, groups and
// forms are nil, so they print nothing and test false. When a body is JSON, each
// {{ output }} is escaped as the inside of a JSON string at output time, so a
// comment with quotes or newlines still yields valid JSON while {% if %} and
// {% case %} compare the real values.
package liquid

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	osteele "github.com/osteele/liquid"
	"github.com/osteele/liquid/render"

	"github.com/twindesk/twindesk/internal/model"
)

const (
	// cacheSize bounds the compiled-template cache (see templateCache).
	cacheSize = 256
	// maxOutputBytes caps one rendering, so a runaway {% for %} fails with an
	// error instead of exhausting memory. It is far above any real body: a
	// ticket's whole conversation is rarely more than a few hundred kilobytes.
	maxOutputBytes = 16 << 20
)

// TicketData is everything a template can see about one ticket.
type TicketData struct {
	Ticket model.Ticket
	// Comments are oldest first and include private notes; the placeholders
	// decide which to show.
	Comments []model.Comment
	// Users holds the requester, submitter, assignee and comment authors.
	Users map[int64]model.User
	// Group is the ticket's group, nil if it has none.
	Group *model.Group
	// Fields are the custom field definitions, used for dropdown option titles.
	Fields []model.TicketField
	// EncodedID is ticket.encoded_id, the thread reference of outgoing mail;
	// empty outside mail (mail_placeholders.go).
	EncodedID string
	// BaseURL is the instance's public URL, e.g. "http://127.0.0.1:8080"; it
	// builds ticket.url, ticket.url_with_protocol and ticket.link.
	BaseURL string
}

// TemplateError is a problem with a template: a syntax error, an unknown filter,
// a forbidden tag, or a rendering that failed. Msg is meant to be shown to the
// person who wrote the template, e.g. as a model.ValidationError description.
type TemplateError struct {
	// Line is the 1-based line of the problem, or 0 when unknown.
	Line int
	Msg  string
}

// Error returns Msg, which already names the line when it is known.
func (e *TemplateError) Error() string { return e.Msg }

// Renderer renders placeholder templates. It is safe for concurrent use and keeps
// recently used templates compiled.
type Renderer struct {
	engine    *osteele.Engine
	cache     *templateCache
	maxOutput int // bytes; a field so tests can lower it
}

// NewRenderer returns a Renderer with the standard Liquid filters and tags, plus
// json_escape, and without include (see forbiddenTags).
func NewRenderer() *Renderer {
	e := osteele.NewEngine()
	e.RegisterFilter(jsonEscapeFilter, jsonEscape)
	e.RegisterFilter(urlEscapeFilter, urlEscape)
	// Overriding include at render time is a second line of defence: compile
	// rejects it already (findForbiddenTag).
	e.RegisterTag("include", func(render.Context) (string, error) {
		return "", errors.New("the include tag is not supported")
	})
	return &Renderer{engine: e, cache: newTemplateCache(cacheSize), maxOutput: maxOutputBytes}
}

// Render renders tmpl for the ticket in d, with current_user bound to
// currentUser. In JSON mode every {{ output }} is escaped as the inside of a JSON
// string (quotes, backslashes, control characters, U+2028/U+2029; "</" stays as
// is), while tags ({% case %}, {% if %}, {% assign %}) compare raw values.
// Outputs whose last filter is json (a whole JSON value) or json_escape are not
// escaped again, nor are outputs inside {% capture %}, which are escaped when the
// captured variable is output. Problems with the template are *TemplateError.
func (r *Renderer) Render(tmpl string, d *TicketData, currentUser model.User, jsonMode bool) (string, error) {
	return r.render(tmpl, d, currentUser, cacheKey{src: tmpl, jsonMode: jsonMode})
}

// RenderURL renders a webhook or target URL template. Every {{ output }} is
// percent-encoded (all but letters, digits and "-._~"), so a ticket value such as
// an external_id of "1,2&x=y", "../" or "@other:9999" stays one path segment or
// one query value and can't add parameters, segments, user information or a
// host; tags compare raw values. Outputs ending in | url_escape or | url_encode
// are not encoded twice.
func (r *Renderer) RenderURL(tmpl string, d *TicketData, currentUser model.User) (string, error) {
	return r.render(tmpl, d, currentUser, cacheKey{src: tmpl, urlMode: true})
}

func (r *Renderer) render(tmpl string, d *TicketData, currentUser model.User, key cacheKey) (string, error) {
	if d == nil {
		return "", errors.New("liquid: render: nil ticket data")
	}
	c, err := r.compile(key)
	if err != nil {
		return "", err
	}
	return c.execute(bindings(d, currentUser), r.maxOutput)
}

// Check reports whether tmpl is a usable template: it must parse in both modes,
// use no forbidden tag, and render the sample ticket (SampleData) in both modes,
// which catches unknown filters. The error is a *TemplateError naming the line
// when known. Check does not validate the rendered JSON: callers that store a
// JSON body render SampleData themselves and check the result.
func (r *Renderer) Check(tmpl string) error {
	sample := SampleData()
	user := sample.Users[sample.Ticket.AssigneeID]
	for _, jsonMode := range []bool{false, true} {
		if _, err := r.Render(tmpl, sample, user, jsonMode); err != nil {
			return err
		}
	}
	return nil
}

// CheckJSONBody is Check for a webhook body whose format is JSON: it also
// requires the sample ticket to render, in JSON mode, to valid JSON, so a broken
// body is rejected when the trigger is saved rather than at delivery time.
func (r *Renderer) CheckJSONBody(tmpl string) error {
	if err := r.Check(tmpl); err != nil {
		return err
	}
	sample := SampleData()
	out, err := r.Render(tmpl, sample, sample.Users[sample.Ticket.AssigneeID], true)
	if err != nil {
		return err
	}
	var v any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		return &TemplateError{Msg: "the body does not render to valid JSON with a sample ticket: " + describeJSONError(out, err)}
	}
	return nil
}

// describeJSONError names the JSON problem and quotes the rendered text around
// it, so the author can find the missing quote or comma.
func describeJSONError(out string, err error) string {
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return err.Error()
	}
	from, to := max(0, int(se.Offset)-30), min(len(out), int(se.Offset)+10)
	return fmt.Sprintf("%v, near %q", err, out[from:to])
}

// compiled is a parsed template and, in JSON and URL modes, the mapping from the
// rewritten outputs back to the author's text for error messages.
type compiled struct {
	tmpl *osteele.Template
	undo *strings.Replacer // nil in plain mode
}

// compile returns the compiled template for key's source in key's mode, from the
// cache when possible. The original source is always parsed first, so errors
// carry the author's text and line numbers, and a rewrite can never turn a
// broken template into a working one.
func (r *Renderer) compile(key cacheKey) (*compiled, error) {
	src := key.src
	if c, ok := r.cache.get(key); ok {
		return c, nil
	}
	if err := findForbiddenTag(src); err != nil {
		return nil, err
	}
	t, err := r.parse(src)
	if err != nil {
		return nil, err
	}
	c := &compiled{tmpl: t}
	var rewrite func(string) (string, *strings.Replacer)
	switch {
	case key.jsonMode:
		rewrite = rewriteForJSON
	case key.urlMode:
		rewrite = rewriteForURL
	}
	if rewrite != nil {
		rewritten, undo := rewrite(src)
		if c.tmpl, err = r.parse(rewritten); err != nil {
			return nil, err
		}
		c.undo = undo
	}
	r.cache.put(key, c)
	return c, nil
}

func (r *Renderer) parse(src string) (t *osteele.Template, err error) {
	defer recoverAsTemplateError(&err)
	t, serr := r.engine.ParseTemplateLocation([]byte(src), "", 1)
	if serr != nil {
		return nil, &TemplateError{Line: serr.LineNumber(), Msg: serr.Error()}
	}
	return t, nil
}

// execute renders c into a buffer of at most maxOutput bytes.
func (c *compiled) execute(vars map[string]any, maxOutput int) (out string, err error) {
	w := &limitWriter{max: maxOutput}
	defer func() {
		if w.exceeded {
			out, err = "", &TemplateError{Msg: fmt.Sprintf("Liquid error: output is larger than %d bytes", maxOutput)}
		}
	}()
	defer recoverAsTemplateError(&err)
	if serr := c.tmpl.FRender(w, vars); serr != nil {
		msg := serr.Error()
		if c.undo != nil {
			msg = c.undo.Replace(msg)
		}
		return "", &TemplateError{Line: serr.LineNumber(), Msg: msg}
	}
	return w.buf.String(), nil
}

// recoverAsTemplateError turns a panic into an error. osteele/liquid re-panics
// some errors raised inside filters, and its final flush panics on a write error;
// a template must never take the server down with it.
func recoverAsTemplateError(err *error) {
	if p := recover(); p != nil {
		*err = &TemplateError{Msg: fmt.Sprintf("Liquid error: %v", p)}
	}
}

// limitWriter collects output and fails once it would exceed max bytes.
type limitWriter struct {
	buf      strings.Builder
	max      int
	exceeded bool
}

var errOutputTooLarge = errors.New("output too large")

func (w *limitWriter) Write(p []byte) (int, error) {
	if w.buf.Len()+len(p) > w.max {
		w.exceeded = true
		return 0, errOutputTooLarge
	}
	return w.buf.Write(p)
}
