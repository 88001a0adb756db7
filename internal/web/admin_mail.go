package web

import (
	"context"
	"net/http"

	"github.com/twindesk/twindesk/internal/model"
)

// mailLogData is a page of the outgoing-mail log.
type mailLogData struct {
	Enabled bool
	Mail    []model.OutgoingMail
	// Next is the cursor of the next (older) page, "" on the last.
	Next string
}

// mailLogPage lists outgoing mail, newest first: recipient, subject, state,
// attempts and last error (issue 17). desk.OutgoingMail checks the admin role.
func (s *Server) mailLogPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	rows, next, err := s.desk.OutgoingMail(r.Context(), rq.user, r.URL.Query().Get("before"), 100)
	if err != nil {
		return err
	}
	d := mailLogData{Enabled: s.desk.MailEnabled(), Mail: rows, Next: next}
	s.render(w, r, rq, http.StatusOK, "mail_outgoing.html", "Outgoing mail", d)
	return nil
}

// loadTicketMail adds to a ticket's page the mail its changes caused, with each
// message's delivery state.
func (s *Server) loadTicketMail(ctx context.Context, rq *request, d *ticketData) error {
	var err error
	d.Mail, err = s.desk.TicketMail(ctx, rq.user, d.T.ID)
	return err
}
