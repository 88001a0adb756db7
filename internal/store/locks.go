package store

import "context"

// LockRow holds the row of table with this id until the transaction ends, on
// PostgreSQL, so a read-modify-write of it (an admin's partial update) runs
// after another's commit instead of writing back what it read before it. SQLite
// has one writer, which already does that. table is a constant of the caller's.
// A missing row is model.ErrNotFound.
func (q *Queries) LockRow(ctx context.Context, table string, id any) error {
	if q.d.Name != "postgres" {
		return nil
	}
	var one int
	if err := q.q.QueryRowContext(ctx, `SELECT 1 FROM `+table+` WHERE id = $1 FOR UPDATE`, id).Scan(&one); err != nil {
		return q.wrap("lock "+table, err)
	}
	return nil
}
