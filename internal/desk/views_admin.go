package desk

import (
	"cmp"
	"context"
	"slices"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/rules"
	"github.com/twindesk/twindesk/internal/store"
)

// MaxViewCountMany is the most views one count_many request may name.
const MaxViewCountMany = 100

// TicketViews lists the views actor may use, filtered by access (personal,
// shared or all) and, when activeOnly, active ones; by position then id.
func (s *Service) TicketViews(ctx context.Context, actor model.User, access string, activeOnly bool) ([]model.View, error) {
	acc, err := s.ruleAccess(ctx, actor)
	if err != nil {
		return nil, err
	}
	all, err := s.db.Read().ListTicketViews(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(v model.View) bool {
		return !acc.visible(v.Restriction) || !matchesAccess(v.Restriction, access) || activeOnly && !v.Active
	}), nil
}

// TicketView loads a view actor may use; one they may not see is not found.
func (s *Service) TicketView(ctx context.Context, actor model.User, id int64) (model.View, error) {
	acc, err := s.ruleAccess(ctx, actor)
	if err != nil {
		return model.View{}, err
	}
	v, err := s.db.Read().TicketView(ctx, id)
	if err == nil && !acc.visible(v.Restriction) {
		err = model.ErrNotFound
	}
	return v, err
}

// SaveTicketView validates and stores a view (ID 0 creates).
func (s *Service) SaveTicketView(ctx context.Context, actor model.User, v model.View) (model.View, error) {
	if err := requireStaff(actor); err != nil {
		return v, err
	}
	if v.ID == 0 {
		v.Restriction = personalDefault(actor, v.Restriction)
	}
	if len(v.Execution.Columns) == 0 {
		v.Execution.Columns = []string{"status", "subject", "requester", "updated", "priority"}
	}
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		var old model.View
		if v.ID != 0 {
			var err error
			if old, err = tx.TicketView(ctx, v.ID); err != nil {
				return err
			}
		}
		if err := mayChange(actor, old.Restriction, v.Restriction, v.ID != 0); err != nil {
			return err
		}
		if err := rules.ValidateView(&v); err != nil {
			return err
		}
		if err := checkRestriction(ctx, &tx.Queries, v.Restriction); err != nil {
			return err
		}
		if v.ID == 0 && v.Position == 0 { // a new view goes last, as in Zendesk
			all, err := tx.ListTicketViews(ctx)
			if err != nil {
				return err
			}
			v.Position = 1
			for _, o := range all {
				v.Position = max(v.Position, o.Position+1)
			}
		}
		now := s.clock()
		v.CreatedAt, v.UpdatedAt = cmp.Or(old.CreatedAt, now), now
		var err error
		v.ID, err = tx.SaveTicketView(ctx, &v)
		return err
	})
	return v, err
}

// DeleteTicketView removes a view actor may change.
func (s *Service) DeleteTicketView(ctx context.Context, actor model.User, id int64) error {
	if err := requireStaff(actor); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error {
		v, err := tx.TicketView(ctx, id)
		if err != nil {
			return err
		}
		if err := mayChange(actor, v.Restriction, v.Restriction, true); err != nil {
			return err
		}
		return tx.DeleteTicketView(ctx, id)
	})
}

// viewRun is v evaluated for actor now.
func (s *Service) viewRun(ctx context.Context, actor model.User, v *model.View) (store.ViewRun, error) {
	hidden, err := s.hiddenGroups(ctx, nil, actor)
	return store.ViewRun{Conditions: v.Conditions, Me: actor.ID, Now: s.clock(), HiddenGroups: hidden}, err
}

// CountTicketView counts the tickets of view v (already loaded for actor) with
// one SQL count.
func (s *Service) CountTicketView(ctx context.Context, actor model.User, v *model.View) (int64, error) {
	if err := requireStaff(actor); err != nil {
		return 0, err
	}
	run, err := s.viewRun(ctx, actor, v)
	if err != nil {
		return 0, err
	}
	return s.db.Read().CountTicketView(ctx, run)
}

// ViewPage is one page of a view's tickets.
type ViewPage struct {
	View    model.View
	Tickets []model.Ticket
	Count   int64
}

// RunTicketView lists one page of view id's tickets for actor, in sort's order
// (nil: the view's own), with the view's count.
func (s *Service) RunTicketView(ctx context.Context, actor model.User, id int64, sort *store.ViewSort, limit, offset int) (ViewPage, error) {
	v, err := s.TicketView(ctx, actor, id)
	if err != nil {
		return ViewPage{}, err
	}
	return s.runView(ctx, actor, v, sort, limit, offset)
}

func (s *Service) runView(ctx context.Context, actor model.User, v model.View, sort *store.ViewSort, limit, offset int) (ViewPage, error) {
	page := ViewPage{View: v}
	run, err := s.viewRun(ctx, actor, &v)
	if err != nil {
		return page, err
	}
	q := s.db.Read()
	if page.Count, err = q.CountTicketView(ctx, run); err != nil {
		return page, err
	}
	order := store.ViewSortOf(v.Execution)
	if sort != nil {
		order = *sort
	}
	page.Tickets, err = q.RunTicketView(ctx, run, v.Execution.GroupBy, v.Execution.GroupOrder, order, limit, offset)
	return page, err
}
