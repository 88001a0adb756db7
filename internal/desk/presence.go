package desk

import (
	"context"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// SharedPresence says whether "also viewing" must be kept in the database:
// on PostgreSQL several nodes serve the same agents, so one node's memory
// would show only the agents it happens to serve.
func (s *Service) SharedPresence() bool { return s.db.SharedPresence() }

// SeeTicket records that actor has ticket id open at now and names the other
// staff who polled it within ttl. The caller has read the ticket as actor;
// end users are neither recorded nor told.
func (s *Service) SeeTicket(ctx context.Context, actor model.User, id int64, now time.Time, ttl time.Duration) ([]string, error) {
	if !actor.Role.IsStaff() {
		return []string{}, nil
	}
	return s.db.SeeTicket(ctx, id, actor.ID, now, ttl)
}
