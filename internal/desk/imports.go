package desk

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// viaImport is the channel of imported tickets and of their audits, as Zendesk
// shows them: the history says the ticket came from an import, not from a
// person writing it today.
const viaImport = "import"

// ImportComment is one comment of an imported ticket, as it was written then.
type ImportComment struct {
	Body   string
	Public *bool // default true
	// AuthorID names an existing user; zero means the ticket's submitter.
	AuthorID int64
	// Author is the lenient alternative to AuthorID: the user with this email,
	// created as an end user when unknown (Zendesk takes author_id only).
	Author *RequesterInput
	// CreatedAt is when the comment was written; zero means the ticket's created_at.
	CreatedAt time.Time
	// Uploads are upload tokens of the importing admin (attachments.go).
	Uploads []string
	// MessageID is the Message-ID of the mail the comment was made of in the
	// source (Zendesk's metadata.system.message_id): a reply naming it threads
	// into the ticket (mail_moved.go).
	MessageID string
}

// ImportInput is one ticket of the Ticket Import API. Ticket carries the fields
// (its Comment is not used: Comments hold the conversation, the first of them
// being the description).
type ImportInput struct {
	Ticket   TicketInput
	Comments []ImportComment
	// CreatedAt and UpdatedAt are kept as given; zero means now and the time of
	// the last comment.
	CreatedAt time.Time
	UpdatedAt time.Time
	// SolvedAt is checked but not stored: tickets have no solved_at column yet.
	SolvedAt time.Time
	// Source, when set, keys the import on the source's ticket id (import_source.go).
	Source *ImportSource
}

// ImportTicket writes a ticket as it was in another helpdesk, in one transaction:
// historic times, each comment with its own author, time and public flag, audits
// with via "import", the search index. As in Zendesk, no trigger runs and so no
// webhook or notification goes out, and a closed ticket may be imported.
// Admins only.
func (s *Service) ImportTicket(ctx context.Context, actor model.User, in ImportInput) (TicketResult, error) {
	if err := requireAdmin(actor); err != nil {
		return TicketResult{}, err
	}
	var res TicketResult
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		var err error
		if in.Source != nil {
			res, err = s.importSourced(ctx, tx, actor, in)
		} else {
			res, err = s.importTicket(ctx, tx, actor, in)
		}
		return err
	})
	return res, err
}

// sourceSystem is the source an import is keyed on, "" for an unkeyed one.
func (in ImportInput) sourceSystem() string {
	if in.Source == nil {
		return ""
	}
	return in.Source.System
}

// saveMessageID records the Message-ID of an imported comment that came by
// mail, with its comment c: a reply whose In-Reply-To or References names it
// finds c's ticket, and the comments API shows it as Zendesk does, so an import
// of this instance carries it on.
func saveMessageID(ctx context.Context, tx *store.Tx, source string, ic ImportComment, c *model.Comment) error {
	mid := strings.Trim(strings.TrimSpace(ic.MessageID), "<>")
	if mid == "" {
		return nil
	}
	return tx.SaveImportMessageID(ctx, source, mid, c.TicketID, c.ID)
}

func (s *Service) importTicket(ctx context.Context, tx *store.Tx, actor model.User, in ImportInput) (TicketResult, error) {
	now := s.clock()
	t := model.Ticket{Status: model.StatusNew, RequesterID: actor.ID, SubmitterID: actor.ID, Via: viaImport,
		CreatedAt: orNow(in.CreatedAt, now)}
	v := &model.ValidationError{}
	// The rules are read for the field checks only; none of them fires.
	snap, err := s.rulesFor(ctx, tx)
	if err != nil {
		return TicketResult{}, err
	}
	in.Ticket.applyScalars(&t, v)
	if err := s.resolvePeople(ctx, tx, &in.Ticket, &t, v); err != nil {
		return TicketResult{}, err
	}
	if err := s.resolveOrganization(ctx, tx, &in.Ticket, nil, &t, v); err != nil {
		return TicketResult{}, err
	}
	if err := s.applyCollaborators(ctx, tx, &in.Ticket.CCs, &t, v); err != nil {
		return TicketResult{}, err
	}
	if err := s.applyFields(ctx, tx, snap, &in.Ticket, nil, &t, v); err != nil {
		return TicketResult{}, err
	}
	if t.Status == model.StatusNew && t.AssigneeID != 0 {
		t.Status = model.StatusOpen // as on any create; closed and solved are kept
	}
	checkReservedTags(actor, nil, &t, v)
	comments, err := s.importComments(ctx, tx, in.Comments, &t, v)
	if err != nil {
		return TicketResult{}, err
	}
	importTimes(in, &t, comments, v)
	if err := v.OrNil(); err != nil {
		return TicketResult{}, err
	}
	return s.commitImport(ctx, tx, actor, &t, comments, in.Comments, in.sourceSystem())
}

// orNow returns at, or now when at is zero. A time before 1970 becomes 1970, as
// Zendesk rounds up the ticket times it imports.
func orNow(at, now time.Time) time.Time {
	if at.IsZero() {
		return now
	}
	if epoch := time.Unix(0, 0).UTC(); at.Before(epoch) {
		return epoch
	}
	return at.UTC().Truncate(time.Microsecond)
}

// checkCommentTime refuses a comment time in the future or before 1970, as
// Zendesk does: one is a clock mistake, and the other would sort the comment
// before the ticket existed.
func checkCommentTime(at, now time.Time, i int, v *model.ValidationError) {
	if at.IsZero() {
		return
	}
	if at.After(now) || at.Before(time.Unix(0, 0)) {
		v.Add(fmt.Sprintf("comments[%d].created_at", i), "InvalidValue",
			"Comments[%d]: created_at %s is in the future or before 1970", i, at.UTC().Format(time.RFC3339))
	}
}

// importComments resolves each comment's author and time. An author_id that
// names no user is a 422, as in Zendesk.
func (s *Service) importComments(ctx context.Context, tx *store.Tx, in []ImportComment, t *model.Ticket, v *model.ValidationError) ([]*model.Comment, error) {
	if len(in) == 0 {
		v.Add("comments", "BlankValue", "Comments: an imported ticket needs a description or at least one comment")
		return nil, nil
	}
	out := make([]*model.Comment, len(in))
	now := s.clock()
	for i, ic := range in {
		c := &model.Comment{AuthorID: t.SubmitterID, Body: ic.Body, Public: true, Via: viaImport, CreatedAt: orNow(ic.CreatedAt, t.CreatedAt)}
		if ic.Public != nil {
			c.Public = *ic.Public
		}
		checkCommentTime(ic.CreatedAt, now, i, v)
		if ic.Body == "" {
			v.Add(fmt.Sprintf("comments[%d]", i), "BlankValue", "Comments[%d]: value cannot be blank", i)
		}
		if err := s.importAuthor(ctx, tx, ic, i, c, v); err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

func (s *Service) importAuthor(ctx context.Context, tx *store.Tx, ic ImportComment, i int, c *model.Comment, v *model.ValidationError) error {
	field := fmt.Sprintf("comments[%d].author_id", i)
	switch {
	case ic.AuthorID == SystemAuthorID:
		c.AuthorID = SystemAuthorID
	case ic.AuthorID != 0:
		if _, err := tx.User(ctx, ic.AuthorID); isNotFound(err) {
			v.Add(field, "InvalidValue", "Comments[%d]: author %d does not exist", i, ic.AuthorID)
		} else if err != nil {
			return err
		}
		c.AuthorID = ic.AuthorID
	case ic.Author != nil:
		u, err := s.findOrCreateRequester(ctx, tx, ic.Author.Email, ic.Author.Name)
		if fe, ok := err.(*model.ValidationError); ok {
			v.Add(fmt.Sprintf("comments[%d].author", i), "InvalidValue", "Comments[%d]: author: %s", i, fe.Error())
			return nil
		}
		if err != nil {
			return err
		}
		c.AuthorID = u.ID
	}
	return nil
}

// importTimes sets updated_at: as given, or the time of the latest comment (and
// never before created_at). An updated_at or solved_at before created_at is a 422.
func importTimes(in ImportInput, t *model.Ticket, comments []*model.Comment, v *model.ValidationError) {
	t.UpdatedAt = t.CreatedAt
	for _, c := range comments {
		if c.CreatedAt.After(t.UpdatedAt) {
			t.UpdatedAt = c.CreatedAt
		}
	}
	if !in.UpdatedAt.IsZero() {
		t.UpdatedAt = orNow(in.UpdatedAt, t.UpdatedAt)
		if t.UpdatedAt.Before(t.CreatedAt) {
			v.Add("updated_at", "InvalidValue", "Updated at: %s is before created_at", t.UpdatedAt.Format(time.RFC3339))
		}
	}
	if !in.SolvedAt.IsZero() && in.SolvedAt.Before(t.CreatedAt) {
		v.Add("solved_at", "InvalidValue", "Solved at: %s is before created_at", in.SolvedAt.UTC().Format(time.RFC3339))
	}
}

// commitImport writes the ticket and one audit per comment, each at its
// comment's time and by its author; the first also holds the Create events, at
// the ticket's created_at. Unlike commitChange it runs no trigger and notifies
// nobody. Uploads are attached by the importing admin, who owns the tokens.
func (s *Service) commitImport(ctx context.Context, tx *store.Tx, actor model.User, t *model.Ticket, comments []*model.Comment, in []ImportComment, source string) (TicketResult, error) {
	t.Description = comments[0].Body
	if err := s.saveTicket(ctx, tx, nil, t); err != nil {
		return TicketResult{}, err
	}
	// Historic times stay on the ticket, but it is new to the exports now.
	if err := tx.TouchTicket(ctx, t.ID, s.clock()); err != nil {
		return TicketResult{}, err
	}
	var first model.Audit
	for i, c := range comments {
		pub := c.Public
		audit := model.Audit{TicketID: t.ID, AuthorID: c.AuthorID, Via: viaImport, CreatedAt: c.CreatedAt}
		if i == 0 {
			audit.CreatedAt = t.CreatedAt
			audit.Events = fieldEvents(nil, t)
		}
		audit.Events = append(audit.Events, model.AuditEvent{Type: "Comment", Body: c.Body, Public: &pub, AuthorID: c.AuthorID})
		var err error
		if audit.ID, err = tx.AddAudit(ctx, &audit); err != nil {
			return TicketResult{}, err
		}
		c.TicketID, c.AuditID = t.ID, audit.ID
		if c.ID, err = tx.AddComment(ctx, c); err != nil {
			return TicketResult{}, err
		}
		if err := s.attachUploads(ctx, tx, actor, &CommentInput{Uploads: in[i].Uploads}, c); err != nil {
			return TicketResult{}, err
		}
		if err := saveMessageID(ctx, tx, source, in[i], c); err != nil {
			return TicketResult{}, err
		}
		if err := s.indexImported(ctx, tx, t, c, i == 0); err != nil {
			return TicketResult{}, err
		}
		if i == 0 {
			first = audit
		}
	}
	return TicketResult{Ticket: *t, Audit: first}, nil
}

func (s *Service) indexImported(ctx context.Context, tx *store.Tx, t *model.Ticket, c *model.Comment, first bool) error {
	if first {
		return s.indexChange(ctx, tx, nil, t, c)
	}
	return tx.IndexComment(ctx, t.ID, c.Body)
}

// ImportMany imports each ticket in its own transaction, so one invalid ticket
// fails alone, and answers a completed job status (Zendesk's
// imports/tickets/create_many). Admins only.
func (s *Service) ImportMany(ctx context.Context, actor model.User, items []ImportInput) (model.JobStatus, error) {
	if err := requireAdmin(actor); err != nil {
		return model.JobStatus{}, err
	}
	return s.createEach(ctx, actor, "bulk_import", len(items), func(i int) (TicketResult, error) {
		return s.ImportTicket(ctx, actor, items[i])
	})
}

// CreateMany creates each ticket through the single-create write path (its own
// transaction, triggers and webhooks included) and answers a completed job
// status (Zendesk's tickets/create_many). Agents and admins.
func (s *Service) CreateMany(ctx context.Context, actor model.User, items []TicketInput) (model.JobStatus, error) {
	if err := requireStaff(actor); err != nil {
		return model.JobStatus{}, err
	}
	return s.createEach(ctx, actor, "bulk_create", len(items), func(i int) (TicketResult, error) {
		return s.CreateTicket(ctx, actor, items[i], "")
	})
}

func (s *Service) createEach(ctx context.Context, actor model.User, kind string, n int, create func(i int) (TicketResult, error)) (model.JobStatus, error) {
	if n > MaxBulk {
		return model.JobStatus{}, model.Invalid("tickets", "TooMany", "Tickets: at most %d per request, not %d", MaxBulk, n)
	}
	results := make([]model.JobResult, 0, n)
	for i := range n {
		idx := i
		r := model.JobResult{Index: &idx, Action: "create"}
		res, err := create(i)
		r.ID = res.Ticket.ID
		if err := jobError(&r, err, "Created"); err != nil {
			return model.JobStatus{}, err
		}
		results = append(results, r)
	}
	return s.finishJob(ctx, actor, kind, results)
}
