package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/pgtest"
)

// benchUsers is how many users BenchmarkUserFieldValues makes.
const benchUsers = 20000

// BenchmarkUserFieldValues measures what user field values cost a reader, on
// each backend, over 20,000 end users: a page of 100 users before any field
// exists, the same page once 10 fields hold a value on every user (200,000
// values), and a search type:user field_3:<one value> next to one by name. One request at
// a time. See docs/benchmarks.md.
func BenchmarkUserFieldValues(b *testing.B) {
	for _, backend := range apitest.Backends {
		if backend == apitest.Postgres && !pgtest.Configured() {
			b.Run(string(backend), func(b *testing.B) { pgtest.ServerURL(b) })
			continue
		}
		env := apitest.New(b, backend)
		db := env.Instance.DB.WriteDB()
		ctx := context.Background()
		_, err := db.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
			INSERT INTO users (name, email, role, external_id, active, created_at, updated_at)
			SELECT 'User ' || i, 'u' || i || '@example.com', 'end-user', '', TRUE, 0, 0 FROM n`, benchUsers)
		if err != nil {
			b.Fatal(err)
		}
		get := func(b *testing.B, path string) {
			for b.Loop() {
				if res := env.Do(b, "GET", path, nil); res.Status != http.StatusOK {
					b.Fatalf("GET %s: %d %s", path, res.Status, res.Body)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/req")
		}
		page := "/api/v2/users.json?per_page=100&page=50"
		b.Run(string(backend)+"/page100-no-fields", func(b *testing.B) { get(b, page) })
		for i := range 10 {
			res := env.Do(b, "POST", "/api/v2/user_fields.json", map[string]any{"user_field": map[string]any{
				"type": "text", "title": fmt.Sprintf("Field %d", i), "key": fmt.Sprintf("field_%d", i)}})
			if res.Status != http.StatusCreated {
				b.Fatalf("create field: %d %s", res.Status, res.Body)
			}
			var f struct {
				UserField struct{ ID int64 } `json:"user_field"`
			}
			res.Decode(b, &f)
			if _, err := db.ExecContext(ctx, `INSERT INTO entity_field_values (entity_id, field_id, value)
				SELECT id, $1, 'E-' || id FROM users`, f.UserField.ID); err != nil {
				b.Fatal(err)
			}
		}
		if backend == apitest.Postgres {
			if _, err := db.ExecContext(ctx, `ANALYZE`); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(string(backend)+"/page100-10-fields", func(b *testing.B) { get(b, page) })
		b.Run(string(backend)+"/search-name", func(b *testing.B) {
			get(b, "/api/v2/search.json?query="+url.QueryEscape("type:user \"User 12345\""))
		})
		b.Run(string(backend)+"/search-field-value", func(b *testing.B) {
			get(b, "/api/v2/search.json?query="+url.QueryEscape("type:user field_3:e-12345"))
		})
	}
}
