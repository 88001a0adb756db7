package store

import (
	"context"
	"errors"

	"github.com/twindesk/twindesk/internal/model"
)

// ImportID maps one record of an import's source to its copy here (migration 024).
type ImportID struct {
	Source   string // the source account, e.g. "acme.zendesk.com"
	Kind     string // "ticket", "user", "group"...
	SourceID int64
	TargetID int64
	// SourceUpdated is the source record's updated_at when it was last carried.
	SourceUpdated string
}

// ImportID returns the mapping of one source record; found is false when the
// record was never imported.
func (q *Queries) ImportID(ctx context.Context, source, kind string, sourceID int64) (ImportID, bool, error) {
	m := ImportID{Source: source, Kind: kind, SourceID: sourceID}
	err := q.q.QueryRowContext(ctx, `SELECT target_id, source_updated FROM import_ids
		WHERE source = $1 AND kind = $2 AND source_id = $3`, source, kind, sourceID).Scan(&m.TargetID, &m.SourceUpdated)
	if err = q.wrapIf("import id", err); errors.Is(err, model.ErrNotFound) {
		return m, false, nil
	}
	return m, err == nil, err
}

// SaveImportID records (or moves) the mapping of one source record.
func (q *Queries) SaveImportID(ctx context.Context, m ImportID) error {
	return q.exec(ctx, "save import id", false, `INSERT INTO import_ids (source, kind, source_id, target_id, source_updated)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (source, kind, source_id)
		DO UPDATE SET target_id = excluded.target_id, source_updated = excluded.source_updated`,
		m.Source, m.Kind, m.SourceID, m.TargetID, m.SourceUpdated)
}

// ImportIDs lists the mappings of one source and kind by source id, after
// afterID, at most limit of them.
func (q *Queries) ImportIDs(ctx context.Context, source, kind string, afterID int64, limit int) ([]ImportID, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT source_id, target_id, source_updated FROM import_ids
		WHERE source = $1 AND kind = $2 AND source_id > $3 ORDER BY source_id LIMIT $4`, source, kind, afterID, limit)
	if err != nil {
		return nil, q.wrap("list import ids", err)
	}
	defer rows.Close()
	var out []ImportID
	for rows.Next() {
		m := ImportID{Source: source, Kind: kind}
		if err := rows.Scan(&m.SourceID, &m.TargetID, &m.SourceUpdated); err != nil {
			return nil, q.wrap("scan import id", err)
		}
		out = append(out, m)
	}
	return out, q.wrapIf("list import ids", rows.Err())
}
