package desk

import (
	"context"
	"time"

	"github.com/twindesk/twindesk/internal/escalation"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// EscalationReport builds the escalation report of the stubs created in [from, to).
// Agents and admins only.
func (s *Service) EscalationReport(ctx context.Context, actor model.User, from, to time.Time) (escalation.EscalationReport, error) {
	if err := requireStaff(actor); err != nil {
		return escalation.EscalationReport{}, err
	}
	read := s.db.Read()
	stubs, err := read.TicketsWithTag(ctx, escalation.TagEscalatedToSecure, from, to)
	if err != nil {
		return escalation.EscalationReport{}, err
	}
	fields, err := read.ListFields(ctx)
	if err != nil {
		return escalation.EscalationReport{}, err
	}
	groups, err := read.ListGroups(ctx, store.Page{Limit: 10000})
	if err != nil {
		return escalation.EscalationReport{}, err
	}
	return escalation.BuildReport(stubs, fields, groups, from, to), nil
}
