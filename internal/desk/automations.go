package desk

import (
	"context"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/rules"
	"github.com/twindesk/twindesk/internal/store"
)

// Automations lists automations for staff; activeOnly leaves out inactive ones.
func (s *Service) Automations(ctx context.Context, actor model.User, activeOnly bool) ([]model.Automation, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	return s.db.Read().ListAutomations(ctx, activeOnly)
}

// Automation loads one automation for staff.
func (s *Service) Automation(ctx context.Context, actor model.User, id int64) (model.Automation, error) {
	if err := requireStaff(actor); err != nil {
		return model.Automation{}, err
	}
	return s.db.Read().Automation(ctx, id)
}

// SearchAutomations lists the automations whose title contains query (case
// folded); active, when set, keeps only active or only inactive ones.
func (s *Service) SearchAutomations(ctx context.Context, actor model.User, query string, active *bool) ([]model.Automation, error) {
	all, err := s.Automations(ctx, actor, false)
	if err != nil {
		return nil, err
	}
	q := strings.ToLower(strings.TrimSpace(query))
	var out []model.Automation
	for _, a := range all {
		if active != nil && a.Active != *active {
			continue
		}
		if strings.Contains(strings.ToLower(a.Title), q) {
			out = append(out, a)
		}
	}
	return out, nil
}

// SaveAutomation validates and stores an automation (ID 0 creates); admins only.
func (s *Service) SaveAutomation(ctx context.Context, actor model.User, a model.Automation) (model.Automation, error) {
	if err := requireAdmin(actor); err != nil {
		return a, err
	}
	if err := rules.ValidateAutomation(&a); err != nil {
		return a, err
	}
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		now := s.clock()
		if a.ID != 0 {
			old, err := tx.Automation(ctx, a.ID)
			if err != nil {
				return err
			}
			a.CreatedAt, a.Default = old.CreatedAt, old.Default
		} else {
			a.CreatedAt = now
			if a.Position == 0 {
				all, err := tx.ListAutomations(ctx, false)
				if err != nil {
					return err
				}
				a.Position = int64(len(all)) + 1
			}
		}
		a.UpdatedAt = now
		var err error
		a.ID, err = tx.SaveAutomation(ctx, &a)
		return err
	})
	return a, err
}

// DeleteAutomation removes an automation; admins only.
func (s *Service) DeleteAutomation(ctx context.Context, actor model.User, id int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error { return tx.DeleteAutomation(ctx, id) })
}

// AutomationRuns lists the latest scheduled runs, newest first; admins only.
func (s *Service) AutomationRuns(ctx context.Context, actor model.User, limit int) ([]store.AutomationRun, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.db.Read().AutomationRuns(ctx, limit)
}
