package desk

import (
	"context"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// ValidTimeZone reports whether name is an IANA zone the agent UI can show
// times in; "" (the instance's default) is valid. "Local" is refused: it is
// the server's zone, which means nothing to an agent.
func ValidTimeZone(name string) bool {
	if name == "" {
		return true
	}
	if name == "Local" || strings.HasPrefix(name, "/") || strings.Contains(name, "..") {
		return false
	}
	_, err := time.LoadLocation(name)
	return err == nil
}

// UserZone is the zone actor's times are shown in: their own, else the account
// schedule's (the first schedule, as for SLA targets), else UTC.
func (s *Service) UserZone(ctx context.Context, actor model.User) *time.Location {
	name := actor.TimeZone
	if name == "" && actor.Role.IsStaff() {
		if all, err := s.db.Read().ListSchedules(ctx); err == nil && len(all) > 0 {
			name = all[0].TimeZone
		}
	}
	if name == "" || !ValidTimeZone(name) {
		return time.UTC
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}
