package desk

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// OrgInput is a create or update of an organization. Nil fields are left alone.
type OrgInput struct {
	Name        *string
	ExternalID  *string
	Details     *string
	Notes       *string
	DomainNames *[]string
	// Tags replace the organization's tags (as a ticket's on PUT).
	Tags *[]string
	// GroupID must name a group (0: none). SharedTickets and SharedComments
	// are stored and shown only: twindesk gives them no behaviour.
	GroupID        *int64
	SharedTickets  *bool
	SharedComments *bool
	// Fields are organization_fields values by key ("" clears one).
	Fields map[string]string
}

// SaveOrganization creates an organization (id 0) or updates one. Admins only.
func (s *Service) SaveOrganization(ctx context.Context, actor model.User, id int64, in OrgInput) (model.Organization, error) {
	var o model.Organization
	if err := requireAdmin(actor); err != nil {
		return o, err
	}
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		var err error
		if id != 0 {
			if o, err = tx.Organization(ctx, id); err != nil {
				return err
			}
		}
		v := &model.ValidationError{}
		in.apply(&o, v)
		extras, err := in.checkExtras(ctx, tx, &o, v)
		if err != nil {
			return err
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		o.UpdatedAt = s.clock()
		if id == 0 {
			o.CreatedAt = o.UpdatedAt
			o.ID, err = tx.CreateOrganization(ctx, o)
		} else {
			err = tx.UpdateOrganization(ctx, o)
		}
		if errors.Is(err, model.ErrConflict) {
			return model.Invalid("name", "DuplicateValue", "Name: %s has already been taken", o.Name)
		}
		if err != nil {
			return err
		}
		return extras.save(ctx, tx, &o)
	})
	return o, err
}

func (in *OrgInput) apply(o *model.Organization, v *model.ValidationError) {
	if in.Name != nil {
		o.Name = strings.TrimSpace(*in.Name)
	}
	if o.Name == "" {
		v.Add("name", "BlankValue", "Name: cannot be blank")
	} else if len(o.Name) > 255 {
		v.Add("name", "TooLong", "Name: is too long (maximum is 255 characters)")
	}
	if in.ExternalID != nil {
		if o.ExternalID = strings.TrimSpace(*in.ExternalID); len(o.ExternalID) > 255 {
			v.Add("external_id", "TooLong", "External ID: is too long (maximum is 255 characters)")
		}
	}
	if in.Details != nil {
		o.Details = *in.Details
	}
	if in.Notes != nil {
		o.Notes = *in.Notes
	}
	if in.DomainNames != nil {
		o.DomainNames = nil
		for _, d := range *in.DomainNames {
			for _, f := range strings.Fields(strings.ToLower(d)) {
				if !strings.Contains(f, ".") {
					v.Add("domain_names", "InvalidValue", "Domain names: %q is not a domain", f)
				}
				o.DomainNames = append(o.DomainNames, f)
			}
		}
	}
}

// DeleteOrganization removes an organization and its memberships. Admins only.
func (s *Service) DeleteOrganization(ctx context.Context, actor model.User, id int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error { return tx.DeleteOrganization(ctx, id, s.clock()) })
}

// Organization loads one organization. Staff only: an end user sees no
// organization's details.
func (s *Service) Organization(ctx context.Context, actor model.User, id int64) (model.Organization, error) {
	if err := requireStaff(actor); err != nil {
		return model.Organization{}, err
	}
	return s.db.Read().Organization(ctx, id)
}

// Organizations lists organizations matching f, and counts them unless
// counting is false. Staff only.
func (s *Service) Organizations(ctx context.Context, actor model.User, f store.OrgFilter, p store.Page, counting bool) ([]model.Organization, int64, error) {
	if err := requireStaff(actor); err != nil {
		return nil, 0, err
	}
	q := s.db.Read()
	rows, err := q.ListOrganizations(ctx, f, p)
	if err != nil || !counting {
		return rows, -1, err
	}
	n, err := q.CountOrganizations(ctx, f)
	return rows, n, err
}

// OrganizationUsers lists an organization's users. Staff only.
func (s *Service) OrganizationUsers(ctx context.Context, actor model.User, id int64, p store.Page) ([]model.User, error) {
	if _, err := s.Organization(ctx, actor, id); err != nil {
		return nil, err
	}
	return s.db.Read().OrganizationUsers(ctx, id, p)
}

// AddOrgMembership puts a user in an organization. Admins only.
func (s *Service) AddOrgMembership(ctx context.Context, actor model.User, m model.OrganizationMembership) (model.OrganizationMembership, error) {
	if err := requireAdmin(actor); err != nil {
		return m, err
	}
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		v := &model.ValidationError{}
		if _, err := tx.User(ctx, m.UserID); isNotFound(err) {
			v.Add("user_id", "InvalidValue", "User: %d does not exist", m.UserID)
		} else if err != nil {
			return err
		}
		if _, err := tx.Organization(ctx, m.OrganizationID); isNotFound(err) {
			v.Add("organization_id", "InvalidValue", "Organization: %d does not exist", m.OrganizationID)
		} else if err != nil {
			return err
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		m.CreatedAt = s.clock()
		m.UpdatedAt = m.CreatedAt
		var err error
		m.ID, err = tx.CreateOrgMembership(ctx, m)
		if errors.Is(err, model.ErrConflict) {
			return model.Invalid("user_id", "DuplicateValue", "User: %d is already a member of organization %d", m.UserID, m.OrganizationID)
		}
		return err
	})
	return m, err
}

// DeleteOrgMembership removes a membership. Admins only.
func (s *Service) DeleteOrgMembership(ctx context.Context, actor model.User, id int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error { return tx.DeleteOrgMembership(ctx, id) })
}

// OrgMemberships lists memberships. Staff only.
func (s *Service) OrgMemberships(ctx context.Context, actor model.User, f store.OrgMemberFilter, p store.Page) ([]model.OrganizationMembership, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	return s.db.Read().ListOrgMemberships(ctx, f, p)
}

// OrgMembership loads one membership. Staff only.
func (s *Service) OrgMembership(ctx context.Context, actor model.User, id int64) (model.OrganizationMembership, error) {
	if err := requireStaff(actor); err != nil {
		return model.OrganizationMembership{}, err
	}
	return s.db.Read().OrgMembership(ctx, id)
}

// ExportOrganizations returns up to limit organizations updated after key:
// the incremental export. Admins only.
func (s *Service) ExportOrganizations(ctx context.Context, actor model.User, key store.ExportKey, until time.Time, limit int) ([]model.Organization, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.db.Read().OrganizationsChangedAfter(ctx, key, until, min(limit, MaxExportPage+1))
}

// setUserOrganization applies a user input's organization_id inside tx: the
// organization becomes u's default (0: u leaves their default). Staff only, and
// an unknown organization is a 422.
func (s *Service) setUserOrganization(ctx context.Context, tx *store.Tx, actor model.User, u *model.User, orgID *int64) error {
	if orgID == nil {
		return nil
	}
	if err := requireStaff(actor); err != nil {
		return err
	}
	if *orgID == 0 {
		u.OrganizationID = 0
		return tx.LeaveDefaultOrganization(ctx, u.ID)
	}
	if _, err := tx.Organization(ctx, *orgID); isNotFound(err) {
		return model.Invalid("organization_id", "InvalidValue", "Organization: %d does not exist", *orgID)
	} else if err != nil {
		return err
	}
	u.OrganizationID = *orgID
	return tx.SetDefaultOrganization(ctx, u.ID, *orgID, s.clock())
}

// resolveOrganization sets t's organization: the one asked for (checked to
// exist), else, for a new ticket or a new requester, the requester's, as
// Zendesk does. before is nil for a new ticket.
func (s *Service) resolveOrganization(ctx context.Context, tx *store.Tx, in *TicketInput, before, t *model.Ticket, v *model.ValidationError) error {
	switch {
	case in.OrganizationID != nil:
		if *in.OrganizationID != 0 {
			if _, err := tx.Organization(ctx, *in.OrganizationID); isNotFound(err) {
				v.Add("organization_id", "InvalidValue", "Organization: %d does not exist", *in.OrganizationID)
				return nil
			} else if err != nil {
				return err
			}
		}
		t.OrganizationID = *in.OrganizationID
	case before == nil || before.RequesterID != t.RequesterID:
		u, err := tx.User(ctx, t.RequesterID)
		if isNotFound(err) {
			return nil // resolvePeople has said so
		}
		if err != nil {
			return err
		}
		t.OrganizationID = u.OrganizationID
	}
	return nil
}
