package store

import "context"

// locksRows reports whether a read-modify-write must lock its rows: on
// PostgreSQL writers run at once; SQLite's single writer already runs them one
// after another.
func (q *Queries) locksRows() bool { return q.d.Name == "postgres" }

// LockRow holds the row of table with this id until the transaction ends, on
// PostgreSQL, so a read-modify-write of it (an admin's partial update) runs
// after another's commit instead of writing back what it read before it. SQLite
// has one writer, which already does that. table is a constant of the caller's.
// A missing row is model.ErrNotFound.
func (q *Queries) LockRow(ctx context.Context, table string, id any) error {
	if !q.locksRows() {
		return nil
	}
	var one int
	if err := q.q.QueryRowContext(ctx, `SELECT 1 FROM `+table+` WHERE id = $1 FOR UPDATE`, id).Scan(&one); err != nil {
		return q.wrap("lock "+table, err)
	}
	return nil
}

// LockTickets holds the rows of these tickets until the transaction ends, on
// PostgreSQL (in id order, so two lockers can't deadlock), so a batch that
// reads them afterwards sees every commit made before and none made after
// until it ends: two nodes' overlapping automation runs then judge a ticket one
// after the other. SQLite has one writer, which already does that.
func (q *Queries) LockTickets(ctx context.Context, ids []int64) error {
	if !q.locksRows() || len(ids) == 0 {
		return nil
	}
	rows, err := q.q.QueryContext(ctx, `SELECT id FROM tickets WHERE id = ANY($1) ORDER BY id FOR UPDATE`, ids)
	if err != nil {
		return q.wrap("lock tickets", err)
	}
	defer rows.Close()
	for rows.Next() {
	}
	return q.wrapIf("lock tickets", rows.Err())
}
