package desk

import (
	"context"
	"fmt"

	"github.com/twindesk/twindesk/internal/model"
)

// CreateManyOrganizations creates each organization in its own transaction,
// so an invalid one fails alone, and answers a completed job status
// (Zendesk's organizations/create_many). Admins only.
func (s *Service) CreateManyOrganizations(ctx context.Context, actor model.User, items []OrgInput) (model.JobStatus, error) {
	ids := make([]int64, len(items))
	return s.saveManyOrganizations(ctx, actor, ids, items, "create", "Created")
}

// UpdateManyOrganizations applies items[i] to organization ids[i], each in its
// own transaction (Zendesk's organizations/update_many). Admins only.
func (s *Service) UpdateManyOrganizations(ctx context.Context, actor model.User, ids []int64, items []OrgInput) (model.JobStatus, error) {
	return s.saveManyOrganizations(ctx, actor, ids, items, "update", "Updated")
}

func (s *Service) saveManyOrganizations(ctx context.Context, actor model.User, ids []int64, items []OrgInput, action, ok string) (model.JobStatus, error) {
	if err := requireAdmin(actor); err != nil {
		return model.JobStatus{}, err
	}
	if len(items) > MaxBulk {
		return model.JobStatus{}, model.Invalid("organizations", "TooMany", "Organizations: at most %d per request, not %d", MaxBulk, len(items))
	}
	results := make([]model.JobResult, 0, len(items))
	for i := range items {
		idx := i
		r := model.JobResult{ID: ids[i], Index: &idx, Action: action}
		o, err := s.SaveOrganization(ctx, actor, ids[i], items[i])
		if err == nil {
			r.ID = o.ID
		}
		if isNotFound(err) {
			r.Status, r.Error, r.Details = "Failed", "RecordNotFound", fmt.Sprintf("organization %d not found", ids[i])
			results = append(results, r)
			continue
		}
		if err := jobError(&r, err, ok); err != nil {
			return model.JobStatus{}, err
		}
		results = append(results, r)
	}
	return s.finishJob(ctx, actor, "bulk_"+action, results)
}
