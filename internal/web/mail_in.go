package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/mail/mailhealth"
	"github.com/twindesk/twindesk/internal/model"
)

// Inbound mail pages (issue 17): Admin > Mailboxes lists each mailbox with the
// state of its poller (a failing one stands out), adds and removes mailboxes,
// and shows the quarantine; the ticket page shows how each mail was filed.

func (s *Server) mailInRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/mailboxes", s.admin(s.mailboxesPage))
	mux.Handle("POST /admin/mailboxes", s.admin(s.createMailbox))
	mux.Handle("POST /admin/mailboxes/{id}/delete", s.admin(s.deleteMailbox))
	mux.Handle("POST /admin/mailboxes/quarantine/{id}/dismiss", s.admin(s.dismissQuarantined))
}

type mailboxRow struct {
	model.Mailbox
	Group string
	State mailhealth.State
	// Status is "ok", "failing" or "not running".
	Status string
}

type mailboxesData struct {
	Mailboxes  []mailboxRow
	Failing    int
	Quarantine []model.QuarantinedMail
	Groups     []model.Group
	// The new-mailbox form, kept when it is refused.
	Form   map[string]string
	Errors []string
}

func (s *Server) mailboxesPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.renderMailboxes(w, r, rq, http.StatusOK, &mailboxesData{Form: map[string]string{"auth": "password"}})
}

func (s *Server) renderMailboxes(w http.ResponseWriter, r *http.Request, rq *request, status int, d *mailboxesData) error {
	ctx := r.Context()
	boxes, err := s.desk.Mailboxes(ctx, rq.user)
	if err != nil {
		return err
	}
	states, err := s.desk.MailboxHealth(rq.user)
	if err != nil {
		return err
	}
	if d.Groups, err = s.desk.AllGroups(ctx, rq.user); err != nil {
		return err
	}
	groups := map[int64]string{}
	for _, g := range d.Groups {
		groups[g.ID] = g.Name
	}
	byID := map[int64]mailhealth.State{}
	for _, st := range states {
		byID[st.ID] = st
		if st.ID < 0 { // --imap-url, not stored
			d.Mailboxes = append(d.Mailboxes, mailboxRow{Mailbox: model.Mailbox{ID: st.ID, Name: st.Name, Active: true}})
		}
	}
	d.Mailboxes = append(d.Mailboxes, mailboxRows(boxes, groups)...)
	for i := range d.Mailboxes {
		m := &d.Mailboxes[i]
		st, running := byID[m.ID]
		m.State, m.Status = st, "not running"
		switch {
		case running && st.Failing(time.Now()):
			m.Status = "failing"
			d.Failing++
		case running:
			m.Status = "ok"
		}
	}
	if d.Quarantine, err = s.desk.QuarantinedMails(ctx, rq.user); err != nil {
		return err
	}
	s.render(w, r, rq, status, "mailboxes.html", "Mailboxes", d)
	return nil
}

func mailboxRows(boxes []model.Mailbox, groups map[int64]string) []mailboxRow {
	out := make([]mailboxRow, 0, len(boxes))
	for _, b := range boxes {
		out = append(out, mailboxRow{Mailbox: b, Group: groups[b.GroupID]})
	}
	return out
}

func (s *Server) createMailbox(w http.ResponseWriter, r *http.Request, rq *request) error {
	form := map[string]string{}
	for _, k := range []string{"name", "address", "url", "auth", "secret", "oauth_token_url", "oauth_client_id", "oauth_scope", "oauth_refresh_token", "group_id"} {
		form[k] = r.PostFormValue(k)
	}
	in := desk.MailboxInput{Name: ptr(form["name"]), Address: ptr(form["address"]), URL: ptr(form["url"]), Auth: ptr(form["auth"]),
		OAuthTokenURL: ptr(form["oauth_token_url"]), OAuthClientID: ptr(form["oauth_client_id"]), OAuthScope: ptr(form["oauth_scope"])}
	if form["secret"] != "" {
		in.Secret = ptr(form["secret"])
	}
	if form["oauth_refresh_token"] != "" {
		in.OAuthRefreshToken = ptr(form["oauth_refresh_token"])
	}
	if g, err := strconv.ParseInt(form["group_id"], 10, 64); err == nil {
		in.GroupID = &g
	}
	_, err := s.desk.SaveMailbox(r.Context(), rq.user, 0, in)
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		form["secret"], form["oauth_refresh_token"] = "", "" // never echoed back into the page
		return s.renderMailboxes(w, r, rq, http.StatusUnprocessableEntity, &mailboxesData{Form: form, Errors: validationMessages(ve)})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/mailboxes?flash=saved", http.StatusSeeOther)
	return nil
}

func ptr(s string) *string { return &s }

func (s *Server) deleteMailbox(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFound
	}
	if err := s.desk.DeleteMailbox(r.Context(), rq.user, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/mailboxes?flash=saved", http.StatusSeeOther)
	return nil
}

func (s *Server) dismissQuarantined(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFound
	}
	if err := s.desk.DismissQuarantinedMail(r.Context(), rq.user, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/mailboxes?flash=saved", http.StatusSeeOther)
	return nil
}

// loadTicketMailIn adds to a ticket's page how each of its mails was filed.
func (s *Server) loadTicketMailIn(ctx context.Context, rq *request, d *ticketData) error {
	if !rq.user.Role.IsStaff() {
		return nil
	}
	var err error
	d.MailIn, err = s.desk.MailLog(ctx, rq.user, d.T.ID)
	return err
}
