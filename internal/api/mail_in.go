package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// Inbound mail (issue 17): mailboxes (admins), the quarantine (admins), the
// intake log, and the peer route by which standard hands secure a requester's
// reply to an escalated ticket.
func (s *Server) mailInRoutes(handle func(method, path string, h handlerFunc)) {
	handle("GET", "/twindesk/mailboxes", s.listMailboxes)
	handle("POST", "/twindesk/mailboxes", s.saveMailbox)
	handle("GET", "/twindesk/mailboxes/{id}", s.showMailbox)
	handle("PUT", "/twindesk/mailboxes/{id}", s.saveMailbox)
	handle("DELETE", "/twindesk/mailboxes/{id}", s.deleteMailbox)
	handle("GET", "/twindesk/mail/quarantine", s.listQuarantine)
	handle("DELETE", "/twindesk/mail/quarantine/{id}", s.dismissQuarantine)
	handle("GET", "/twindesk/mail/messages", s.mailLog)
	handle("POST", "/twindesk/peer/mail_replies", s.peerMailReply)
}

type mailboxJSON struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	Address       string `json:"address"`
	URL           string `json:"url"`
	Auth          string `json:"auth"`
	HasSecret     bool   `json:"has_secret"`
	OAuthTokenURL string `json:"oauth_token_url"`
	OAuthClientID string `json:"oauth_client_id"`
	OAuthScope    string `json:"oauth_scope"`
	HasRefresh    bool   `json:"has_refresh_token"`
	GroupID       int64  `json:"group_id"`
	Active        bool   `json:"active"`
	// Status is what its poller last did: "ok", "failing", or "not_running".
	Status      string  `json:"status"`
	LastFetchAt *string `json:"last_fetch_at"`
	LastError   string  `json:"last_error,omitempty"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
}

func (s *Server) mailboxOut(r *http.Request, m model.Mailbox) mailboxJSON {
	out := mailboxJSON{ID: m.ID, Name: m.Name, Address: m.Address, URL: m.URL, Auth: m.Auth, HasSecret: m.Secret != "",
		OAuthTokenURL: m.OAuthTokenURL, OAuthClientID: m.OAuthClientID, OAuthScope: m.OAuthScope, HasRefresh: m.OAuthRefresh != "",
		GroupID: m.GroupID, Active: m.Active, Status: "not_running", CreatedAt: zt(m.CreatedAt), UpdatedAt: zt(m.UpdatedAt)}
	states, _ := s.desk.MailboxHealth(currentUser(r.Context()))
	for _, st := range states {
		if st.ID != m.ID {
			continue
		}
		out.Status, out.LastError = "ok", st.LastError
		if st.Failing(time.Now()) {
			out.Status = "failing"
		}
		if !st.LastOK.IsZero() {
			at := zt(st.LastOK)
			out.LastFetchAt = &at
		}
	}
	return out
}

func (s *Server) listMailboxes(w http.ResponseWriter, r *http.Request) error {
	list, err := s.desk.Mailboxes(r.Context(), currentUser(r.Context()))
	if err != nil {
		return err
	}
	out := make([]mailboxJSON, 0, len(list))
	for _, m := range list {
		out = append(out, s.mailboxOut(r, m))
	}
	writeJSON(w, http.StatusOK, map[string]any{"mailboxes": out, "count": len(out), "next_page": nil, "previous_page": nil})
	return nil
}

func (s *Server) showMailbox(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	m, err := s.desk.Mailbox(r.Context(), currentUser(r.Context()), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"mailbox": s.mailboxOut(r, m)})
	return nil
}

func (s *Server) saveMailbox(w http.ResponseWriter, r *http.Request) error {
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = pathID(r); err != nil {
			return err
		}
	}
	b, err := decodeEnvelope[struct {
		Name          optString `json:"name"`
		Address       optString `json:"address"`
		URL           optString `json:"url"`
		Auth          optString `json:"auth"`
		Secret        optString `json:"secret"`
		OAuthTokenURL optString `json:"oauth_token_url"`
		OAuthClientID optString `json:"oauth_client_id"`
		OAuthScope    optString `json:"oauth_scope"`
		OAuthRefresh  optString `json:"oauth_refresh_token"`
		GroupID       optID     `json:"group_id"`
		Active        *bool     `json:"active"`
	}](r, "mailbox")
	if err != nil {
		return err
	}
	m, err := s.desk.SaveMailbox(r.Context(), currentUser(r.Context()), id, desk.MailboxInput{Name: b.Name.ptr(),
		Address: b.Address.ptr(), URL: b.URL.ptr(), Auth: b.Auth.ptr(), Secret: b.Secret.ptr(),
		OAuthTokenURL: b.OAuthTokenURL.ptr(), OAuthClientID: b.OAuthClientID.ptr(), OAuthScope: b.OAuthScope.ptr(),
		OAuthRefreshToken: b.OAuthRefresh.ptr(), GroupID: b.GroupID.ptr(), Active: b.Active})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if id == 0 {
		status = http.StatusCreated
	}
	writeJSON(w, status, map[string]any{"mailbox": s.mailboxOut(r, m)})
	return nil
}

func (s *Server) deleteMailbox(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.desk.DeleteMailbox(r.Context(), currentUser(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type mailMessageJSON struct {
	ID         int64  `json:"id"`
	MailboxID  int64  `json:"mailbox_id"`
	MessageID  string `json:"message_id"`
	From       string `json:"from"`
	Outcome    string `json:"outcome"`
	Reason     string `json:"reason"`
	TicketID   int64  `json:"ticket_id"`
	CommentID  int64  `json:"comment_id"`
	Size       int64  `json:"size"`
	ReceivedAt string `json:"received_at"`
	Error      string `json:"error,omitempty"`
	Fallback   string `json:"fallback_text,omitempty"`
	HasRaw     bool   `json:"has_raw_message,omitempty"`
}

func mailMessageOut(m model.MailMessage) mailMessageJSON {
	return mailMessageJSON{ID: m.ID, MailboxID: m.MailboxID, MessageID: m.MessageID, From: m.From, Outcome: m.Outcome,
		Reason: m.Reason, TicketID: m.TicketID, CommentID: m.CommentID, Size: m.Size, ReceivedAt: m.ReceivedAt.UTC().Format(time.RFC3339)}
}

func (s *Server) listQuarantine(w http.ResponseWriter, r *http.Request) error {
	list, err := s.desk.QuarantinedMails(r.Context(), currentUser(r.Context()))
	if err != nil {
		return err
	}
	out := make([]mailMessageJSON, 0, len(list))
	for _, x := range list {
		j := mailMessageOut(x.MailMessage)
		j.Error, j.Fallback, j.HasRaw = x.Error, x.Fallback, x.BlobID != ""
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"quarantined_mails": out, "count": len(out)})
	return nil
}

func (s *Server) dismissQuarantine(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.desk.DismissQuarantinedMail(r.Context(), currentUser(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// mailLog is GET /api/v2/twindesk/mail/messages[?ticket_id=N]: how each mail was
// filed and why (the "why threaded here" of the ticket page).
func (s *Server) mailLog(w http.ResponseWriter, r *http.Request) error {
	var ticketID int64
	if v := r.URL.Query().Get("ticket_id"); v != "" {
		var err error
		if ticketID, err = strconv.ParseInt(v, 10, 64); err != nil || ticketID <= 0 {
			return badRequest("ticket_id must be a positive integer")
		}
	}
	list, err := s.desk.MailLog(r.Context(), currentUser(r.Context()), ticketID)
	if err != nil {
		return err
	}
	out := make([]mailMessageJSON, 0, len(list))
	for _, m := range list {
		out = append(out, mailMessageOut(m))
	}
	writeJSON(w, http.StatusOK, map[string]any{"mail_messages": out, "count": len(out)})
	return nil
}

// peerMailReply is POST /api/v2/twindesk/peer/mail_replies on the secure
// instance: standard hands over a requester's mail reply to a ticket it
// escalated. Only the peer identity may call it; desk accepts it only for a
// linked ticket and only from that ticket's requester.
func (s *Server) peerMailReply(w http.ResponseWriter, r *http.Request) error {
	reply, err := decodeEnvelopeLimit[desk.RequesterReply](r, "reply", s.cfg.MaxTicketBody)
	if err != nil {
		return err
	}
	if err := s.desk.TakeRequesterReply(r.Context(), currentUser(r.Context()), *reply); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"reply": map[string]any{"accepted": true}})
	return nil
}
