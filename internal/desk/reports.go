package desk

import (
	"context"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
)

// EscalationReport builds the escalation report of the stubs created in [from, to).
// Agents and admins only.
func (s *Service) EscalationReport(ctx context.Context, actor model.User, from, to time.Time) (EscalationReport, error) {
	if err := requireStaff(actor); err != nil {
		return EscalationReport{}, err
	}
	read := s.db.Read()
	stubs, err := read.TicketsWithTag(ctx, peer.TagEscalatedToSecure, from, to)
	if err != nil {
		return EscalationReport{}, err
	}
	fields, err := read.ListFields(ctx)
	if err != nil {
		return EscalationReport{}, err
	}
	ids, _, _, err := recipeFieldIDs(ctx, read)
	if err != nil {
		return EscalationReport{}, err
	}
	groups, err := read.ListGroups(ctx, store.Page{Limit: 10000})
	if err != nil {
		return EscalationReport{}, err
	}
	return buildEscalationReport(stubs, fields, ids, groups, from, to), nil
}
