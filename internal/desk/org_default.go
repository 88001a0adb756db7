package desk

import (
	"context"
	"fmt"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// MakeDefaultOrganization makes the user's membership of organization orgID
// their default (PUT /users/{id}/organizations/{org}/make_default), and
// returns it and the user's memberships. model.ErrNotFound unless the user is
// a member. Admins only, as every membership change.
func (s *Service) MakeDefaultOrganization(ctx context.Context, actor model.User, userID, orgID int64) (model.OrganizationMembership, []model.OrganizationMembership, error) {
	var made model.OrganizationMembership
	var all []model.OrganizationMembership
	if err := requireAdmin(actor); err != nil {
		return made, nil, err
	}
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		f := store.OrgMemberFilter{UserID: userID, OrganizationID: orgID}
		ms, err := tx.ListOrgMemberships(ctx, f, store.Page{Limit: 1})
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			return fmt.Errorf("desk: user %d in organization %d: %w", userID, orgID, model.ErrNotFound)
		}
		if err := tx.SetDefaultOrganization(ctx, userID, orgID, s.clock()); err != nil {
			return err
		}
		if made, err = tx.OrgMembership(ctx, ms[0].ID); err != nil {
			return err
		}
		all, err = tx.ListOrgMemberships(ctx, store.OrgMemberFilter{UserID: userID}, store.Page{Limit: 1000})
		return err
	})
	return made, all, err
}
