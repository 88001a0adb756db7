package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

const jobCols = `id, job_type, user_id, total, progress, status, message, results, created_at`

// SaveJobStatus stores a job status and drops those created before expireBefore.
func (q *Queries) SaveJobStatus(ctx context.Context, j *model.JobStatus, expireBefore time.Time) error {
	if err := q.exec(ctx, "expire job statuses", false, `DELETE FROM job_statuses WHERE created_at < $1`, ts(expireBefore)); err != nil {
		return err
	}
	results, err := json.Marshal(nonNil(j.Results))
	if err != nil {
		return fmt.Errorf("store: encode job results: %w", err)
	}
	return q.exec(ctx, "save job status", false, `INSERT INTO job_statuses (`+jobCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, j.ID, j.JobType, j.UserID, j.Total, j.Progress, j.Status,
		j.Message, string(results), ts(j.CreatedAt))
}

// JobStatus loads a job status created after notBefore.
func (q *Queries) JobStatus(ctx context.Context, id string, notBefore time.Time) (model.JobStatus, error) {
	var j model.JobStatus
	var results string
	var at int64
	err := q.q.QueryRowContext(ctx, `SELECT `+jobCols+` FROM job_statuses WHERE id = $1 AND created_at >= $2`, id, ts(notBefore)).
		Scan(&j.ID, &j.JobType, &j.UserID, &j.Total, &j.Progress, &j.Status, &j.Message, &results, &at)
	if err != nil {
		return j, q.wrap("get job status", err)
	}
	if err := json.Unmarshal([]byte(results), &j.Results); err != nil {
		return j, fmt.Errorf("store: decode job %s: %w", id, err)
	}
	j.CreatedAt = fromTS(at)
	return j, nil
}
