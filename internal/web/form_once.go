package web

import (
	"context"
	"errors"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// A ticket form carries a nonce ("once"). Once a submit with it is saved, the
// nonce is remembered for the agent (in the idempotency keys the API's creates
// use), and a second post of the same form (back, resubmit, submit again) is a
// no-op redirect instead of a duplicate public reply. A refused submit keeps its
// nonce in the re-rendered form, so its retry is still the same form.

// formOnceWindow is how long a form's nonce is remembered.
const formOnceWindow = 2 * time.Hour

// maxOnceLen bounds a posted nonce; a longer one is ignored.
const maxOnceLen = 64

func formOnceKey(nonce string) string { return "web-ticket-form:" + nonce }

// formSaved reports whether the form with nonce was already saved on ticket id.
func (s *Server) formSaved(ctx context.Context, rq *request, id int64, nonce string) (bool, error) {
	if nonce == "" || len(nonce) > maxOnceLen {
		return false, nil
	}
	got, err := s.desk.FormSubmitted(ctx, rq.user, formOnceKey(nonce), formOnceWindow)
	if errors.Is(err, model.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return got == id, nil
}

// rememberForm records that the form with nonce was saved on ticket id. The
// update is already committed, so a failure here is logged, not shown.
func (s *Server) rememberForm(ctx context.Context, rq *request, id int64, nonce string) {
	if nonce == "" || len(nonce) > maxOnceLen {
		return
	}
	if err := s.desk.RememberForm(ctx, rq.user, formOnceKey(nonce), id, formOnceWindow); err != nil {
		s.log.WarnContext(ctx, "web: remember ticket form", "ticket_id", id, "err", err)
	}
}
