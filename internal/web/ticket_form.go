package web

import (
	"cmp"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// updateTicket applies the ticket page's form through desk.UpdateTicket, so
// validation, audits and triggers are the API's. Only what the agent changed is
// sent; a stub accepts only an internal note.
func (s *Server) updateTicket(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := s.desk.Ticket(r.Context(), rq.user, id)
	if errors.Is(err, model.ErrNotFound) {
		// Escalated and purged while the agent typed: show where it went, with the
		// text (guard read the text fields; files are never stored for it).
		return s.tombstoneDraft(w, r, rq, id, r.PostFormValue("body"))
	}
	if err != nil {
		return err
	}
	// A stub's note may carry files too: the escalation sends them to the
	// secure ticket with the note, then deletes them here.
	upload, err := s.receiveFiles(w, r, rq)
	if err != nil {
		return err
	}
	once := r.PostFormValue("once")
	if saved, err := s.formSaved(r.Context(), rq, id, once); err != nil || saved {
		// The same form again (back, resubmit): it was saved already, change nothing.
		s.dropUpload(r.Context(), rq, upload)
		if err == nil {
			http.Redirect(w, r, "/tickets/"+itoa(id)+"?flash=updated", http.StatusSeeOther)
		}
		return err
	}
	var in desk.TicketInput
	if isStub(&t) {
		in, err = stubInput(r.PostForm)
	} else {
		in, err = ticketInput(r.PostForm, &t)
		if err == nil {
			err = s.ccChanges(r.Context(), rq.user, r.PostForm, &t, &in)
		}
	}
	if err == nil {
		err = withUploads(in.Comment, upload)
	}
	if err == nil && !isStub(&t) {
		err = s.confirmEscalation(r.Context(), rq.user, r.PostForm, &t)
	}
	var res desk.TicketResult
	if err == nil {
		res, err = s.desk.UpdateTicket(r.Context(), rq.user, id, in)
	}
	var ve *model.ValidationError
	var ce *escalationConfirm
	switch {
	case errors.As(err, &ce):
		return s.rerenderTicket(w, r, rq, &t, http.StatusConflict, []string{ce.Error()}, upload)
	case errors.As(err, &ve):
		return s.rerenderTicket(w, r, rq, &t, http.StatusUnprocessableEntity, validationMessages(ve), upload)
	case errors.Is(err, desk.ErrStale):
		return s.rerenderTicket(w, r, rq, &t, http.StatusConflict,
			[]string{"Someone changed this ticket since you opened it. Review it below; your text and files are kept, submit again."}, upload)
	case err != nil:
		s.dropUpload(r.Context(), rq, upload)
		return err
	}
	s.rememberForm(r.Context(), rq, id, once)
	flash := "updated"
	if inEscalation(&res.Ticket) {
		flash = "escalating" // the ticket page now shows only where it went
	}
	http.Redirect(w, r, "/tickets/"+itoa(id)+"?flash="+flash, http.StatusSeeOther)
	return nil
}

// rerenderTicket shows the ticket again with errors and the agent's draft.
// upload is the token of the files the submit carried, kept for the next one.
func (s *Server) rerenderTicket(w http.ResponseWriter, r *http.Request, rq *request, t *model.Ticket, status int, msgs []string, upload string) error {
	fresh, err := s.desk.Ticket(r.Context(), rq.user, t.ID)
	if errors.Is(err, model.ErrNotFound) {
		// Escalated and purged meanwhile: keep the typed text on the way out.
		s.dropUpload(r.Context(), rq, upload)
		return s.tombstoneDraft(w, r, rq, t.ID, r.PostFormValue("body"))
	}
	if err != nil {
		return err
	}
	if hide, err := s.hideEscalating(r.Context(), rq, &fresh); err != nil || hide {
		if err == nil {
			s.dropUpload(r.Context(), rq, upload)
			s.renderEscalating(w, r, rq, http.StatusConflict, &fresh, r.PostFormValue("body"))
		}
		return err
	}
	d, err := s.loadTicket(r.Context(), rq.user, &fresh)
	if err != nil {
		return err
	}
	d.Errors = msgs
	if once := r.PostFormValue("once"); once != "" && len(once) <= maxOnceLen {
		d.Once = once // the retry of a refused submit is the same form
	}
	d.Draft = draft{Body: r.PostFormValue("body"), Internal: r.PostFormValue("visibility") != "public",
		Upload: upload, Kept: s.keptFiles(r.Context(), rq, upload)}
	// A pseudo group chosen but not yet saved stays chosen, with its confirm box.
	if g := pendingSecureGroup(r.PostForm, &fresh, d.SecureGroups); g != 0 {
		d.T.GroupID, d.ConfirmEscalation = g, true
	}
	if err := s.loadFailedChains(r.Context(), rq, d); err != nil {
		return err
	}
	s.render(w, r, rq, status, "ticket.html", "#"+itoa(t.ID)+" "+t.Subject, d)
	return nil
}

// ticketInput turns the ticket form into the changes it makes to t.
func ticketInput(form url.Values, t *model.Ticket) (desk.TicketInput, error) {
	in := desk.TicketInput{Via: "web"}
	if body := form.Get("body"); strings.TrimSpace(body) != "" {
		public := form.Get("visibility") == "public" // missing means internal: the safe side
		in.Comment = &desk.CommentInput{Body: body, Public: &public}
	}
	changed := func(key, cur string) *string {
		if v, ok := form[key]; ok && v[len(v)-1] != cur {
			return &v[len(v)-1]
		}
		return nil
	}
	in.Status = changed("status", string(t.Status))
	in.Priority = changed("priority", t.Priority)
	in.Type = changed("type", t.Type)
	var err error
	if in.GroupID, err = changedID(form, "group_id", t.GroupID); err != nil {
		return in, err
	}
	if in.AssigneeID, err = changedID(form, "assignee_id", t.AssigneeID); err != nil {
		return in, err
	}
	if raw, ok := form["tags"]; ok {
		if tags := desk.NormalizeTags([]string{raw[0]}); !sameSet(tags, t.Tags) {
			in.Tags = &tags
		}
	}
	in.CustomFields = changedFields(form, t)
	if stamp := form.Get("updated_stamp"); stamp != "" {
		if in.UpdatedStamp, err = time.Parse(time.RFC3339Nano, stamp); err != nil {
			return in, &httpError{http.StatusBadRequest, "The form's ticket version is malformed; reload the page."}
		}
	}
	return in, nil
}

// changedID parses an id select ("" is none) and returns it when it differs.
func changedID(form url.Values, key string, cur int64) (*int64, error) {
	raw, ok := form[key]
	if !ok {
		return nil, nil
	}
	id, err := parseOptionalID(raw[len(raw)-1])
	if err != nil {
		return nil, &httpError{http.StatusBadRequest, "The " + strings.TrimSuffix(key, "_id") + " is not a valid choice."}
	}
	if id == cur {
		return nil, nil
	}
	return &id, nil
}

func parseOptionalID(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 0 {
		return 0, errors.New("bad id")
	}
	return id, nil
}

// changedFields returns the custom field values (posted as cf_<id>) that differ
// from t. A checkbox posts a hidden "false" before its "true", so the last value
// wins and an unchecked box is still seen.
func changedFields(form url.Values, t *model.Ticket) []model.FieldValue {
	var out []model.FieldValue
	for key, vals := range form {
		raw, ok := strings.CutPrefix(key, "cf_")
		if !ok {
			continue
		}
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			continue
		}
		v := strings.TrimSpace(vals[len(vals)-1])
		if v != t.Field(id) && !(v == "false" && t.Field(id) == "") {
			out = append(out, model.FieldValue{ID: id, Value: v})
		}
	}
	slices.SortFunc(out, func(a, b model.FieldValue) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
