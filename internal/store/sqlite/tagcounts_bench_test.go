package sqlite_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/twindesk/twindesk/internal/store/sqlite"
)

// BenchmarkTagCounts times the first page of /api/v2/tags (tags by uses, most
// used first) over 1,000,000 ticket tag rows (200,000 tickets × 5 of 1,000
// tags) plus 10,000 user and 1,000 organization tag rows: the tickets' rows
// are counted in their primary key's order, then merged with the others'.
func BenchmarkTagCounts(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	w := db.WriteDB()
	for _, st := range []string{
		`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999)
			INSERT INTO ticket_tags (tag, ticket_id) SELECT 'tag' || ((i * 7919) % 1000), i / 5 FROM n`,
		`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 9999)
			INSERT INTO user_tags (tag, user_id) SELECT 'tag' || (i % 1000), i FROM n`,
		`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
			INSERT INTO organization_tags (tag, organization_id) SELECT 'org' || (i % 100), i FROM n`,
		`ANALYZE`,
	} {
		if _, err := w.ExecContext(ctx, st); err != nil {
			b.Fatal(fmt.Errorf("%s: %w", st[:40], err))
		}
	}
	q := db.Read()
	for b.Loop() {
		rows, err := q.TagCounts(ctx, nil, 101, 0)
		if err != nil || len(rows) != 101 {
			b.Fatal(len(rows), err)
		}
	}
}
