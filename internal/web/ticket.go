package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
)

// everything is the page size used to load a ticket's whole thread and history.
const everything = 100000

// ticketData is what the ticket page shows.
type ticketData struct {
	T          model.Ticket
	Stamp      string
	Requester  model.User
	Stub       *stubInfo
	Thread     []commentView
	History    []auditView
	Statuses   []string
	Priorities []string
	Types      []string
	Groups     []model.Group
	// SecureGroups are the pseudo groups: choosing one escalates the ticket.
	SecureGroups map[int64]bool
	// ConfirmEscalation asks the agent to confirm the pseudo group chosen.
	ConfirmEscalation bool
	Agents            []model.User
	Fields            []fieldView
	FormName          string
	Tags              string
	Errors            []string
	Draft             draft
	// Failed lists the ticket's webhook chains that failed for good (an
	// escalation refused by secure, say): a banner offers to retry them.
	Failed []desk.FailedChain
	// Closed tickets can't change: the page shows them read-only.
	Closed bool
	// AssigneeName and GroupName are shown on the read-only page.
	AssigneeName, GroupName string
	// Once is the form's nonce: a second post of the same form changes nothing.
	Once string
	// Escalating is set while the ticket carries escalation_in_progress.
	Escalating bool
	// SLA lists the ticket's open SLA targets (sla.go).
	SLA []slaBadge
	// MailIn is how each mail was filed on this ticket, and why there (mail_in.go).
	MailIn []model.MailMessage
	// Mail lists the mail the ticket's changes caused and its state (admin_mail.go).
	Mail []model.OutgoingMail
	// MergeTarget is the ticket "Merge into…" asks to confirm (merge.go).
	MergeTarget *model.Ticket
	// CCs and Followers are the ticket's addresses, comma-separated (ticket_ccs.go).
	CCs, Followers string
}

// draft keeps what the agent typed when a submit is refused.
type draft struct {
	Body     string
	Internal bool
	// Upload is the token of the files a refused submit carried; Kept lists them.
	Upload string
	Kept   []attachmentView
}

// commentView is one message of the thread.
type commentView struct {
	Author   string
	AuthorID int64
	Body     string
	Public   bool
	At       time.Time
	Files    []attachmentView
}

// escalationFields are written by the escalation alone (peer.StubCreateFields,
// peer.EscalatedCreateFields and the older Secure group): the ticket page shows
// them as text when set, and not at all when empty, so an agent can neither
// edit them nor see six empty escalation boxes on every ticket.
var escalationFields = func() map[string]bool {
	m := map[string]bool{peer.FieldSecureGroup: true}
	for _, list := range [][]string{peer.StubCreateFields, peer.EscalatedCreateFields} {
		for _, title := range list {
			m[title] = true
		}
	}
	return m
}()

// fieldView is one custom field input.
type fieldView struct {
	ID       int64
	Title    string
	Type     string
	Value    string
	Required bool
	Options  []model.FieldOption
	// ReadOnly fields are shown as text and not posted.
	ReadOnly bool
}

var allStatuses = []string{"new", "open", "pending", "hold", "solved", "closed"}

func (s *Server) ticketPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := s.desk.Ticket(r.Context(), rq.user, id)
	if errors.Is(err, model.ErrNotFound) {
		return s.tombstoneOr404(w, r, rq, id)
	}
	if err != nil {
		return err
	}
	if hide, err := s.hideEscalating(r.Context(), rq, &t); err != nil || hide {
		if err == nil {
			s.renderEscalating(w, r, rq, http.StatusOK, &t, "")
		}
		return err
	}
	d, err := s.loadTicket(r.Context(), rq.user, &t)
	if err != nil {
		return err
	}
	if err := s.loadFailedChains(r.Context(), rq, d); err != nil {
		return err
	}
	if err := s.loadTicketMailIn(r.Context(), rq, d); err != nil {
		return err
	}
	if err := s.loadTicketMail(r.Context(), rq, d); err != nil {
		return err
	}
	s.render(w, r, rq, http.StatusOK, "ticket.html", "#"+itoa(t.ID)+" "+t.Subject, d)
	return nil
}

// hideEscalating reports whether t's page must show only the escalation notice:
// it is being moved to secure and nothing failed. A failed escalation shows the
// ticket with its Retry banner, as the agent may need to act on it.
func (s *Server) hideEscalating(ctx context.Context, rq *request, t *model.Ticket) (bool, error) {
	if !inEscalation(t) {
		return false, nil
	}
	if !rq.user.Role.IsStaff() {
		return true, nil
	}
	failed, err := s.desk.FailedChains(ctx, rq.user, t.ID)
	return len(failed) == 0, err
}

// loadFailedChains fills the failure banner of the ticket page.
func (s *Server) loadFailedChains(ctx context.Context, rq *request, d *ticketData) error {
	if !rq.user.Role.IsStaff() {
		return nil
	}
	var err error
	d.Failed, err = s.desk.FailedChains(ctx, rq.user, d.T.ID)
	d.Escalating = d.T.HasTag(peer.TagEscalationInFlight)
	return err
}

// retryChains restarts the ticket's failed webhook chains (the banner's Retry).
func (s *Server) retryChains(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := s.desk.Ticket(r.Context(), rq.user, id)
	if err != nil {
		return err
	}
	_, err = s.desk.RetryChain(r.Context(), rq.user, id)
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		return s.rerenderTicket(w, r, rq, &t, http.StatusUnprocessableEntity, validationMessages(ve), "")
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/tickets/"+itoa(id)+"?flash=chain_retried", http.StatusSeeOther)
	return nil
}

// tombstoneOr404 answers for a ticket that doesn't exist. One purged by an
// escalation points to its stub, so phone support can help a caller who quotes
// the old number.
func (s *Server) tombstoneOr404(w http.ResponseWriter, r *http.Request, rq *request, id int64) error {
	return s.tombstoneDraft(w, r, rq, id, "")
}

// tombstoneView is the tombstone page: the purged ticket, and the text an agent
// typed for it that could not be saved any more.
type tombstoneView struct {
	desk.Tombstone
	Draft string
}

// tombstoneDraft answers for a purged ticket, showing draftBody (if any) so the
// agent can copy it to the stub instead of losing it.
func (s *Server) tombstoneDraft(w http.ResponseWriter, r *http.Request, rq *request, id int64, draftBody string) error {
	tomb, err := s.desk.FindTombstone(r.Context(), rq.user, id)
	if err != nil {
		if draftBody != "" {
			return &httpError{http.StatusNotFound, "This ticket no longer exists, so your text was not saved. Copy it before leaving: " + draftBody}
		}
		return errNotFound
	}
	s.render(w, r, rq, http.StatusNotFound, "tombstone.html", "Ticket #"+itoa(id)+" was escalated", tombstoneView{Tombstone: tomb, Draft: draftBody})
	return nil
}

// loadTicket gathers everything the ticket page shows about t.
func (s *Server) loadTicket(ctx context.Context, actor model.User, t *model.Ticket) (*ticketData, error) {
	comments, _, err := s.desk.Comments(ctx, actor, t.ID, store.Page{Limit: everything}, false)
	if err != nil {
		return nil, err
	}
	audits, _, err := s.desk.Audits(ctx, actor, t.ID, store.Page{Limit: everything}, false)
	if err != nil {
		return nil, err
	}
	names, err := s.loadNames(ctx, actor, t, comments, audits)
	if err != nil {
		return nil, err
	}
	d := &ticketData{T: *t, Stamp: t.UpdatedAt.Format(time.RFC3339Nano), Requester: names.users[t.RequesterID],
		Statuses: allStatuses, Priorities: model.Priorities, Types: model.TicketTypes, Groups: names.groupList,
		Tags: strings.Join(t.Tags, " "), Draft: draft{Internal: isStub(t)}, Once: newToken(),
		CCs: ccEmails(names.users, t.EmailCCIDs), Followers: ccEmails(names.users, t.FollowerIDs)}
	if d.Requester.ID == 0 {
		d.Requester = model.User{ID: t.RequesterID, Name: "user " + itoa(t.RequesterID)}
	}
	files, err := s.commentAttachments(ctx, actor, t.ID, comments)
	if err != nil {
		return nil, err
	}
	for _, c := range comments {
		d.Thread = append(d.Thread, commentView{Author: names.user(c.AuthorID), AuthorID: c.AuthorID, Body: c.Body, Public: c.Public,
			At: c.CreatedAt, Files: files[c.ID]})
	}
	attached := attachedByAudit(comments, files)
	for i := len(audits) - 1; i >= 0; i-- {
		v := names.audit(&audits[i])
		if list := attached[audits[i].ID]; len(list) > 0 {
			v.Lines = append(v.Lines, "Attached "+strings.Join(list, ", "))
		}
		d.History = append(d.History, v)
	}
	if isStub(t) {
		d.Stub = newStubInfo(t, names.fieldList)
		return d, nil
	}
	if d.SecureGroups, err = s.secureGroups(ctx, actor); err != nil {
		return nil, err
	}
	for _, u := range names.staff {
		if u.Active {
			d.Agents = append(d.Agents, u)
		}
	}
	if d.SLA, err = s.slaBadges(ctx, actor, t); err != nil {
		return nil, err
	}
	d.Closed = t.Status == model.StatusClosed
	if t.AssigneeID != 0 {
		d.AssigneeName = names.user(t.AssigneeID)
	}
	for _, g := range names.groupList {
		if g.ID == t.GroupID {
			d.GroupName = g.Name
		}
	}
	shown, formName := formFields(t, names.fieldList, names.forms)
	d.FormName = formName
	for _, f := range shown {
		v := fieldView{ID: f.ID, Title: f.Title, Type: f.Type, Value: t.Field(f.ID), Required: f.Required, Options: f.Options}
		if escalationFields[f.Title] {
			if v.Value == "" {
				continue // a stub's mirror field, empty on every other ticket
			}
			v.ReadOnly = true
		}
		d.Fields = append(d.Fields, v)
	}
	return d, nil
}

// formFields returns the custom fields to show for t: those of its form, else of
// the default form, else every active field; plus any field holding a value the
// form doesn't list, so no value is hidden.
func formFields(t *model.Ticket, fields []model.TicketField, forms []model.TicketForm) ([]model.TicketField, string) {
	byID := make(map[int64]model.TicketField, len(fields))
	for _, f := range fields {
		byID[f.ID] = f
	}
	var form *model.TicketForm
	for i := range forms {
		if (t.TicketFormID != 0 && forms[i].ID == t.TicketFormID) || (t.TicketFormID == 0 && forms[i].Default && form == nil) {
			form = &forms[i]
		}
	}
	var out []model.TicketField
	seen := map[int64]bool{}
	add := func(f model.TicketField) {
		if !seen[f.ID] {
			seen[f.ID] = true
			out = append(out, f)
		}
	}
	name := ""
	if form != nil {
		name = form.Name
		for _, id := range form.TicketFieldIDs {
			if f, ok := byID[id]; ok {
				add(f)
			}
		}
	} else {
		for _, f := range fields {
			if f.Active {
				add(f)
			}
		}
	}
	for _, fv := range t.CustomFields {
		if f, ok := byID[fv.ID]; ok {
			add(f)
		}
	}
	return out, name
}
