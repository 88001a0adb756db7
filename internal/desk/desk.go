// Package desk holds twindesk's use cases. Each method owns one transaction: the
// domain write, its audit, the triggers it sets off and the jobs they enqueue commit
// together or not at all.
package desk

import (
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/twindesk/twindesk/internal/blob"
	"github.com/twindesk/twindesk/internal/liquid"
	"github.com/twindesk/twindesk/internal/mail/mailhealth"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/secretbox"
	"github.com/twindesk/twindesk/internal/store"
)

// Service runs the use cases against one instance's database.
type Service struct {
	db      *store.DB
	log     *slog.Logger
	now     func() time.Time
	queue   DeliveryQueue
	baseURL string
	render  *liquid.Renderer
	rules   ruleCache
	sla     slaCache
	auth    authCache
	counts  countCache
	// searches holds a token per search running (searchSlot).
	searches chan struct{}
	// searchObserver hears each search's time (WithSearchObserver); nil hears nothing.
	searchObserver SearchObserver

	confidential bool
	allowedHosts []string
	stubSubjects StubSubjects

	scrubber scrubber
	// secrets seals stored credentials (WithSecrets); nil stores them as given.
	secrets *secretbox.Box
	// blobs keeps attachment bytes, maxAttachment is the size limit per file
	// (WithBlobs, attachments.go).
	blobs                blob.Store
	maxAttachment        int64
	maxTicketAttachments int64
	// thumbSlots lets one thumbnail decode run at a time (thumbnails.go).
	thumbSlots chan struct{}
	// mailHealth is what the mailbox pollers last did (WithMailHealth).
	mailHealth *mailhealth.Health
	// mailOut sends notification mail (WithOutboundMail); nil sends none.
	mailOut *OutboundMail
}

// Option configures a Service.
type Option func(*Service)

// WithClock replaces time.Now, for tests.
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// New returns a Service over db.
func New(db *store.DB, log *slog.Logger, opts ...Option) *Service {
	s := &Service{db: db, log: log, now: time.Now, render: liquid.NewRenderer(),
		searches: make(chan struct{}, max(4, 2*runtime.NumCPU()))}
	for _, o := range opts {
		o(s)
	}
	return s
}

// DB exposes the store to what acts as the system rather than as an actor: tests,
// the demo seeding and the instance's mail pollers. Handlers read through the
// Service's methods, which take the actor and apply its permissions.
func (s *Service) DB() *store.DB { return s.db }

// clock returns the current time truncated to the microsecond, which is what the
// database keeps, so values compare equal after a round trip.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// requireStaff returns model.ErrForbidden unless actor is an agent or admin.
func requireStaff(actor model.User) error {
	if !actor.Role.IsStaff() {
		return fmt.Errorf("desk: %s: %w", actor.Role, model.ErrForbidden)
	}
	return nil
}

// requireStaffOrPeer returns model.ErrForbidden unless actor is staff or the
// peer instance, whose every call is checked further by the peer rules.
func requireStaffOrPeer(actor model.User) error {
	if !shapesTickets(actor) {
		return fmt.Errorf("desk: %s: %w", actor.Role, model.ErrForbidden)
	}
	return nil
}

// requireAdmin returns model.ErrForbidden unless actor is an admin.
func requireAdmin(actor model.User) error {
	if actor.Role != model.RoleAdmin {
		return fmt.Errorf("desk: %s: %w", actor.Role, model.ErrForbidden)
	}
	return nil
}

func isNotFound(err error) bool { return errors.Is(err, model.ErrNotFound) }
