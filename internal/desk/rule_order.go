package desk

import (
	"context"
	"fmt"
	"slices"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// Reordering views and automations (the editors' up and down buttons). The
// rules named keep the set of positions they had, handed out again in the new
// order, so an agent reordering their personal views never moves a shared view
// or another agent's view, and positions stay what the API reports.

// ReorderTicketViews puts the views ids in that order; each must be one actor
// may change (ErrForbidden otherwise, ErrNotFound for one that doesn't exist).
func (s *Service) ReorderTicketViews(ctx context.Context, actor model.User, ids []int64) error {
	if err := requireStaff(actor); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error {
		views := make([]model.View, len(ids))
		pos := make([]int64, len(ids))
		for i, id := range ids {
			v, err := tx.TicketView(ctx, id)
			if err != nil {
				return err
			}
			if err := mayChange(actor, v.Restriction, v.Restriction, true); err != nil {
				return err
			}
			views[i], pos[i] = v, v.Position
		}
		for i, p := range reusePositions(pos) {
			if views[i].Position == p {
				continue
			}
			views[i].Position, views[i].UpdatedAt = p, s.clock()
			if _, err := tx.SaveTicketView(ctx, &views[i]); err != nil {
				return fmt.Errorf("desk: reorder view %d: %w", views[i].ID, err)
			}
		}
		return nil
	})
}

// ReorderAutomations puts the automations ids in that order; admins only.
func (s *Service) ReorderAutomations(ctx context.Context, actor model.User, ids []int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error {
		autos := make([]model.Automation, len(ids))
		pos := make([]int64, len(ids))
		for i, id := range ids {
			a, err := tx.Automation(ctx, id)
			if err != nil {
				return err
			}
			autos[i], pos[i] = a, a.Position
		}
		for i, p := range reusePositions(pos) {
			if autos[i].Position == p {
				continue
			}
			autos[i].Position, autos[i].UpdatedAt = p, s.clock()
			if _, err := tx.SaveAutomation(ctx, &autos[i]); err != nil {
				return fmt.Errorf("desk: reorder automation %d: %w", autos[i].ID, err)
			}
		}
		return nil
	})
}

// reusePositions sorts the positions and makes them strictly increasing (two
// rules sharing a position would keep their order by id whatever was asked).
func reusePositions(pos []int64) []int64 {
	out := slices.Clone(pos)
	slices.Sort(out)
	for i := range out {
		out[i] = max(out[i], 1)
		if i > 0 && out[i] <= out[i-1] {
			out[i] = out[i-1] + 1
		}
	}
	return out
}

// MayChangeRule reports whether actor may change a macro or view restricted by
// r; the editors use it to offer only the buttons that will work (the desk's
// own calls check again).
func MayChangeRule(actor model.User, r *model.Restriction) bool {
	return mayChange(actor, r, r, true) == nil
}
