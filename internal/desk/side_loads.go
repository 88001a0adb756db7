package desk

import (
	"context"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// SideLoads are the records a ticket list names, read for Zendesk's include=
// parameter: one query per kind asked for, whatever the number of tickets.
type SideLoads struct {
	Users         []model.User
	Groups        []model.Group
	Organizations []model.Organization
	// CommentCounts is each ticket's number of comments.
	CommentCounts map[int64]int64
}

// SideLoadKinds says which side-loads to read.
type SideLoadKinds struct{ Users, Groups, Organizations, CommentCount bool }

// TicketSideLoads reads what tickets name: their requesters, submitters and
// assignees, groups, organizations, and comment counts. Staff only: an end
// user is not shown the agents and groups behind their tickets this way.
func (s *Service) TicketSideLoads(ctx context.Context, actor model.User, tickets []model.Ticket, kinds SideLoadKinds) (SideLoads, error) {
	var out SideLoads
	if err := requireStaff(actor); err != nil {
		return out, err
	}
	var users, groups, orgs, ids []int64
	seen := map[[2]int64]bool{}
	add := func(list *[]int64, kind, id int64) {
		if id != 0 && !seen[[2]int64{kind, id}] {
			seen[[2]int64{kind, id}] = true
			*list = append(*list, id)
		}
	}
	for _, t := range tickets {
		add(&users, 0, t.RequesterID)
		add(&users, 0, t.SubmitterID)
		add(&users, 0, t.AssigneeID)
		add(&groups, 1, t.GroupID)
		add(&orgs, 2, t.OrganizationID)
		ids = append(ids, t.ID)
	}
	q := s.db.Read()
	var err error
	if kinds.Users && len(users) > 0 {
		if out.Users, err = q.UsersByIDs(ctx, users); err != nil {
			return out, err
		}
	}
	if kinds.Groups && len(groups) > 0 {
		if out.Groups, err = q.GroupsByIDs(ctx, groups); err != nil {
			return out, err
		}
	}
	if kinds.Organizations && len(orgs) > 0 {
		if out.Organizations, err = q.ListOrganizations(ctx, store.OrgFilter{IDs: orgs}, store.Page{Limit: len(orgs)}); err != nil {
			return out, err
		}
	}
	if kinds.CommentCount {
		if out.CommentCounts, err = q.CommentCounts(ctx, ids); err != nil {
			return out, err
		}
	}
	return out, nil
}
