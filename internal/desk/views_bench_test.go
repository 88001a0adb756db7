package desk_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/pgtest"
	"github.com/twindesk/twindesk/internal/seed"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/store/postgres"
	"github.com/twindesk/twindesk/internal/store/sqlite"
)

// BenchmarkViewCount counts each default view and a view with tag and "any"
// conditions over seeded tickets (TWINDESK_BENCH_TICKETS, default 100,000), as
// an agent with assigned tickets: each count is one SQL query over the ticket
// indexes, never a load of the tickets. On PostgreSQL when TWINDESK_PG_URL is set.
func BenchmarkViewCount(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("TWINDESK_BENCH_TICKETS")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	var db *store.DB
	var err error
	if pgtest.Configured() {
		db, err = postgres.Open(ctx, pgtest.URL(b))
	} else {
		db, err = sqlite.Open(ctx, b.TempDir())
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	d := desk.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	name, email, role := "Admin", "admin@example.com", "admin"
	admin, err := d.BootstrapUser(ctx, desk.UserInput{Name: &name, Email: &email, Role: &role})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := seed.Run(ctx, db, seed.Config{Tickets: n, Seed: 1}, nil); err != nil {
		b.Fatal(err)
	}
	staff, err := db.Read().ListStaff(ctx)
	if err != nil {
		b.Fatal(err)
	}
	agent := staff[len(staff)-1]
	if agent.Role == model.RoleAdmin {
		agent = staff[0]
	}
	_, err = d.SaveTicketView(ctx, admin, model.View{Title: "Unsolved urgent or tagged", Active: true,
		Conditions: model.Conditions{
			All: []model.Condition{{Field: "status", Operator: "less_than", Value: "solved"}},
			Any: []model.Condition{{Field: "priority", Operator: "is", Value: "urgent"},
				{Field: "current_tags", Operator: "includes", Value: "vpn printer"}}}})
	if err != nil {
		b.Fatal(err)
	}
	views, err := d.TicketViews(ctx, agent, "", true)
	if err != nil {
		b.Fatal(err)
	}
	for i := range views {
		v := &views[i]
		b.Run(strings.ReplaceAll(v.Title, " ", "_"), func(b *testing.B) {
			var count int64
			for b.Loop() {
				if count, err = d.CountTicketView(ctx, agent, v); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(count), "tickets")
		})
	}
}
