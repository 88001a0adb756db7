package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// mergeTicket is the ticket page's "Merge into…": the first post names the
// target and the page shows it, asking to confirm; the second, with confirm=1,
// closes this ticket into it. The desk refuses what can't be merged (closed
// tickets, an escalation's tickets); the agent sees why on this ticket's page.
func (s *Server) mergeTicket(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	t, err := s.desk.Ticket(ctx, rq.user, id)
	if err != nil {
		return err
	}
	if inEscalation(&t) || isStub(&t) {
		// Refused before anything else, and rendered as the ticket's own page
		// would be: an escalating ticket's shows the notice, not its content.
		return s.mergePage(w, r, rq, &t, nil, "Ticket #"+itoa(id)+" belongs to an escalation to the secure desk and can't be merged.")
	}
	raw := strings.TrimPrefix(strings.TrimSpace(r.PostFormValue("target")), "#")
	target, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || target <= 0 {
		return s.mergePage(w, r, rq, &t, nil, "Type the number of the ticket to merge this one into, e.g. 1234.")
	}
	if r.PostFormValue("confirm") != "1" {
		tt, err := s.desk.Ticket(ctx, rq.user, target)
		switch {
		case errors.Is(err, model.ErrNotFound):
			return s.mergePage(w, r, rq, &t, nil, "Ticket #"+itoa(target)+" doesn't exist.")
		case err != nil:
			return err
		case inEscalation(&tt) || isStub(&tt):
			// Its subject isn't shown: an escalating ticket's content is hidden here.
			return s.mergePage(w, r, rq, &t, nil, "Ticket #"+itoa(target)+" belongs to an escalation to the secure desk and can't take a merge.")
		}
		return s.mergePage(w, r, rq, &t, &tt, "")
	}
	_, err = s.desk.MergeTickets(ctx, rq.user, target, desk.MergeInput{IDs: []int64{id}})
	var ve *model.ValidationError
	switch {
	case errors.As(err, &ve):
		return s.mergePage(w, r, rq, &t, nil, strings.Join(validationMessages(ve), " "))
	case errors.Is(err, model.ErrNotFound):
		return s.mergePage(w, r, rq, &t, nil, "Ticket #"+itoa(target)+" doesn't exist.")
	case err != nil:
		return err
	}
	http.Redirect(w, r, "/tickets/"+itoa(target)+"?flash=merged", http.StatusSeeOther)
	return nil
}

// mergePage shows t's page with the merge box open: asking to confirm the
// target, or saying why the merge was refused (422).
func (s *Server) mergePage(w http.ResponseWriter, r *http.Request, rq *request, t *model.Ticket, target *model.Ticket, refusal string) error {
	if refusal != "" {
		return s.rerenderTicket(w, r, rq, t, http.StatusUnprocessableEntity, []string{refusal}, "")
	}
	d, err := s.loadTicket(r.Context(), rq.user, t)
	if err != nil {
		return err
	}
	if err := s.loadFailedChains(r.Context(), rq, d); err != nil {
		return err
	}
	d.MergeTarget = target
	s.render(w, r, rq, http.StatusOK, "ticket.html", "#"+itoa(t.ID)+" "+t.Subject, d)
	return nil
}
