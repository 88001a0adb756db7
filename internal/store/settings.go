package store

import (
	"context"
	"errors"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// Setting returns the value of an instance setting, "" when it was never set.
func (q *Queries) Setting(ctx context.Context, name string) (string, error) {
	var v string
	err := q.q.QueryRowContext(ctx, `SELECT value FROM instance_settings WHERE name = $1`, name).Scan(&v)
	if err = q.wrapIf("setting", err); errors.Is(err, model.ErrNotFound) {
		return "", nil
	}
	return v, err
}

// SetSetting stores an instance setting, replacing its earlier value.
func (q *Queries) SetSetting(ctx context.Context, name, value string, at time.Time) error {
	return q.exec(ctx, "set setting", false, `INSERT INTO instance_settings (name, value, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, name, value, ts(at))
}
