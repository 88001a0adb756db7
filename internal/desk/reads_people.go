package desk

import (
	"context"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// Reads of users, groups and memberships for api and web, each checking the actor.

// Users lists users of a role ("" for all) one page at a time, for staff;
// count is -1 unless counting.
func (s *Service) Users(ctx context.Context, actor model.User, role model.Role, p store.Page, counting bool) ([]model.User, int64, error) {
	if err := requireStaff(actor); err != nil {
		return nil, 0, err
	}
	read := s.db.Read()
	rows, err := read.ListUsers(ctx, role, p)
	if err != nil || !counting {
		return rows, -1, err
	}
	n, err := read.CountUsers(ctx, role)
	return rows, n, err
}

// CountUsers counts the users of a role ("" for all), for staff.
func (s *Service) CountUsers(ctx context.Context, actor model.User, role model.Role) (int64, error) {
	if err := requireStaff(actor); err != nil {
		return 0, err
	}
	return s.db.Read().CountUsers(ctx, role)
}

// UserByExternalID loads the user with this external id, for staff.
func (s *Service) UserByExternalID(ctx context.Context, actor model.User, ext string) (model.User, error) {
	if err := requireStaff(actor); err != nil {
		return model.User{}, err
	}
	return s.db.Read().UserByExternalID(ctx, ext)
}

// SearchUsers lists the users whose name or email matches text, for staff.
func (s *Service) SearchUsers(ctx context.Context, actor model.User, text string, p store.Page) ([]model.User, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	return s.db.Read().SearchUsers(ctx, text, p)
}

// UsersByIDs loads the users with these ids, for staff: the names a page shows.
func (s *Service) UsersByIDs(ctx context.Context, actor model.User, ids []int64) ([]model.User, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	return s.db.Read().UsersByIDs(ctx, ids)
}

// Staff lists every agent and admin, active or not, by name, for staff.
func (s *Service) Staff(ctx context.Context, actor model.User) ([]model.User, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	return s.db.Read().ListStaff(ctx)
}

// Groups lists groups by id one page at a time, for staff; count is -1 unless counting.
func (s *Service) Groups(ctx context.Context, actor model.User, p store.Page, counting bool) ([]model.Group, int64, error) {
	if err := requireStaff(actor); err != nil {
		return nil, 0, err
	}
	read := s.db.Read()
	rows, err := read.ListGroups(ctx, p)
	if err != nil || !counting {
		return rows, -1, err
	}
	n, err := read.CountGroups(ctx)
	return rows, n, err
}

// AllGroups lists every group by name, for staff: pickers and name lookups.
func (s *Service) AllGroups(ctx context.Context, actor model.User) ([]model.Group, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	return s.db.Read().ListAllGroups(ctx)
}

// Group loads one group, for staff.
func (s *Service) Group(ctx context.Context, actor model.User, id int64) (model.Group, error) {
	if err := requireStaff(actor); err != nil {
		return model.Group{}, err
	}
	return s.db.Read().Group(ctx, id)
}

// Memberships lists group memberships, of one user when userID is not 0, for staff.
func (s *Service) Memberships(ctx context.Context, actor model.User, userID int64, p store.Page) ([]model.GroupMembership, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	return s.db.Read().Memberships(ctx, userID, 0, p)
}

// GroupIDsOf returns the ids of the groups a user belongs to, for staff.
func (s *Service) GroupIDsOf(ctx context.Context, actor model.User, userID int64) ([]int64, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	return s.db.Read().GroupIDsOf(ctx, userID)
}
