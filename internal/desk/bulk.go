package desk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// JobRetention is how long a finished job status can be read back (Zendesk: a day).
const JobRetention = 24 * time.Hour

// MaxBulk is the most tickets one bulk request may name, as in Zendesk.
const MaxBulk = 100

// BulkUpdate is one ticket's change in an update_many request.
type BulkUpdate struct {
	ID    int64
	Input TicketInput
}

// UpdateMany applies each change through the same write path as a single update
// (one transaction per ticket: validation, audit, triggers, webhooks), so one
// failing ticket doesn't stop the others. The job runs to completion inside the
// call; the finished job status is stored for JobRetention and returned.
func (s *Service) UpdateMany(ctx context.Context, actor model.User, items []BulkUpdate) (model.JobStatus, error) {
	if err := requireStaffOrPeer(actor); err != nil {
		return model.JobStatus{}, err
	}
	if isPeer(actor) && len(items) != 1 {
		// The recipe names one linked ticket per call; a list is a forged id.
		return model.JobStatus{}, peerInvalid("ids", "the peer instance updates one ticket per call, not %d", len(items))
	}
	results := make([]model.JobResult, 0, len(items))
	for i, it := range items {
		idx := i
		r := model.JobResult{ID: it.ID, Index: &idx, Action: "update"}
		_, err := s.UpdateTicket(ctx, actor, it.ID, it.Input)
		if err := jobError(&r, err, "Updated"); err != nil {
			return model.JobStatus{}, err
		}
		results = append(results, r)
	}
	return s.finishJob(ctx, actor, "bulk_update", results)
}

// AllFailed reports whether j had records and none of them succeeded. The API
// then answers with an error status, so a webhook calling it sees a failure.
func AllFailed(j model.JobStatus) bool {
	for _, r := range j.Results {
		if r.Success {
			return false
		}
	}
	return len(j.Results) > 0
}

// DestroyMany soft-deletes tickets, each in its own transaction.
func (s *Service) DestroyMany(ctx context.Context, actor model.User, ids []int64) (model.JobStatus, error) {
	if err := requireStaff(actor); err != nil {
		return model.JobStatus{}, err
	}
	results := make([]model.JobResult, 0, len(ids))
	for _, id := range ids {
		r := model.JobResult{ID: id, Action: "delete"}
		if err := jobError(&r, s.DeleteTicket(ctx, actor, id), "Deleted"); err != nil {
			return model.JobStatus{}, err
		}
		results = append(results, r)
	}
	return s.finishJob(ctx, actor, "bulk_delete", results)
}

// jobError records the outcome of one record: success, or the reason it failed
// when that reason is the caller's (not found, invalid, stale). Any other error
// is returned, failing the whole request.
func jobError(r *model.JobResult, err error, okStatus string) error {
	var ve *model.ValidationError
	switch {
	case err == nil:
		r.Success, r.Status = true, okStatus
	case errors.As(err, &ve):
		r.Status, r.Error, r.Details = "Failed", "RecordInvalid", ve.Error()
	case errors.Is(err, model.ErrNotFound):
		r.Status, r.Error, r.Details = "Failed", "RecordNotFound", fmt.Sprintf("ticket %d not found", r.ID)
	case errors.Is(err, model.ErrForbidden):
		r.Status, r.Error, r.Details = "Failed", "Forbidden", "not allowed to change this ticket"
	case errors.Is(err, ErrStale):
		r.Status, r.Error, r.Details = "Failed", "UpdateConflict", err.Error()
	default:
		return err
	}
	return nil
}

// finishJob stores a completed job status.
func (s *Service) finishJob(ctx context.Context, actor model.User, kind string, results []model.JobResult) (model.JobStatus, error) {
	now := s.clock()
	j := model.JobStatus{ID: newJobID(), JobType: kind, UserID: actor.ID, Total: len(results), Progress: len(results),
		Status: model.JobCompleted, Message: "Completed at " + now.Format("2006-01-02 15:04:05 -0700"),
		Results: results, CreatedAt: now}
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error { return tx.SaveJobStatus(ctx, &j, now.Add(-JobRetention)) })
	return j, err
}

// JobStatus returns a job status of the last JobRetention. Agents only.
func (s *Service) JobStatus(ctx context.Context, actor model.User, id string) (model.JobStatus, error) {
	if err := requireStaff(actor); err != nil {
		return model.JobStatus{}, err
	}
	return s.db.Read().JobStatus(ctx, id, s.clock().Add(-JobRetention))
}

func newJobID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return hex.EncodeToString(b)
}
