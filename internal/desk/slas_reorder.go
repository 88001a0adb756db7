package desk

import (
	"context"
	"fmt"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// ReorderSLAPolicies sets positions 1..n in the order of ids, which must name
// every policy once (the first policy that matches a ticket is the ticket's, so
// a partial order would leave the others' places ambiguous). Admins only.
func (s *Service) ReorderSLAPolicies(ctx context.Context, actor model.User, ids []int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error {
		all, err := tx.ListSLAPolicies(ctx)
		if err != nil {
			return err
		}
		byID := make(map[int64]model.SLAPolicy, len(all))
		for _, p := range all {
			byID[p.ID] = p
		}
		notEach := model.Invalid("sla_policy_ids", "InvalidValue", "sla_policy_ids: must list each of the %d policies once", len(all))
		if len(ids) != len(all) {
			return notEach
		}
		now := s.clock()
		for i, id := range ids {
			p, ok := byID[id]
			if !ok {
				return notEach // unknown, or named twice
			}
			delete(byID, id)
			p.Position, p.UpdatedAt = int64(i+1), now
			if _, err := tx.SaveSLAPolicy(ctx, &p); err != nil {
				return fmt.Errorf("desk: reorder sla policy %d: %w", id, err)
			}
		}
		return nil
	})
}
