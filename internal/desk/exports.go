package desk

import (
	"context"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// MaxExportPage is the most rows one incremental export page holds, as in
// Zendesk.
const MaxExportPage = 1000

// ExportSettle is how old a change must be before an export shows it. A
// change's time is taken before its transaction commits, so a page read at
// time T could miss a change stamped just before T that commits just after;
// leaving out the last whole second (Zendesk: the last minute) lets it
// commit first. Pages end at ExportUntil.
const ExportSettle = time.Second

// ExportUntil is the end of what an export reads now: the start of the
// second ExportSettle ago, so pages end on whole seconds.
func (s *Service) ExportUntil() time.Time { return s.clock().Add(-ExportSettle).Truncate(time.Second) }

// ExportTickets returns up to limit tickets changed after key, with deleted
// tickets marked and purged ones reduced to their id (store.ExportTicket).
// Admins only, as in Zendesk: the export reads every ticket of the instance.
func (s *Service) ExportTickets(ctx context.Context, actor model.User, key store.ExportKey, until time.Time, limit int) ([]store.ExportTicket, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.db.Read().TicketsChangedAfter(ctx, key, until, min(limit, MaxExportPage+1))
}

// ExportAudits returns up to limit audits created after key: the ticket
// event export. Admins only.
func (s *Service) ExportAudits(ctx context.Context, actor model.User, key store.ExportKey, until time.Time, limit int) ([]model.Audit, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.db.Read().AuditsAfter(ctx, key, until, min(limit, MaxExportPage+1))
}

// ExportUsers returns up to limit users updated after key. Admins only.
func (s *Service) ExportUsers(ctx context.Context, actor model.User, key store.ExportKey, until time.Time, limit int) ([]model.User, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.db.Read().UsersChangedAfter(ctx, key, until, min(limit, MaxExportPage+1))
}
