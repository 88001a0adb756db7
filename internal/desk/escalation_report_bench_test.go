package desk_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/pgtest"
	"github.com/twindesk/twindesk/internal/seed"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/store/postgres"
	"github.com/twindesk/twindesk/internal/store/sqlite"
)

// BenchmarkEscalationReport builds the escalation report over 10,000 stubs
// (tagged escalated_to_secure, each with a category and an escalator, a third
// closed) among 20,000 seeded tickets over two years, for the last twelve
// months in Europe/Berlin: "grouped" is the report (the database counts by
// month, category, escalator, group), "rows" only loads the same stubs, which
// is what the report did before it grouped in SQL. On PostgreSQL when
// TWINDESK_PG_URL is set.
func BenchmarkEscalationReport(b *testing.B) {
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
	now := time.Now().UTC()
	if _, err := seed.Run(ctx, db, seed.Config{Tickets: 20000, Seed: 1, Now: now}, nil); err != nil {
		b.Fatal(err)
	}
	var fieldIDs [2]int64
	for i, title := range []string{peer.FieldSecureCategory, peer.FieldEscalatedBy} {
		typ := "text"
		f, err := d.SaveField(ctx, admin, 0, desk.FieldInput{Title: &title, Type: &typ})
		if err != nil {
			b.Fatal(err)
		}
		fieldIDs[i] = f.ID
	}
	// Every other ticket becomes a stub, as the peer's create would leave it.
	w := db.WriteDB()
	for _, q := range []string{
		`UPDATE tickets SET tags = tags || ' ` + peer.TagEscalatedToSecure + `', custom_fields = '[{"id":` + fmt.Sprint(fieldIDs[0]) +
			`,"value":"cat' || (id % 7) || '"},{"id":` + fmt.Sprint(fieldIDs[1]) + `,"value":"agent' || (id % 40) || '@example.com"}]'
			WHERE id % 2 = 0`,
		`INSERT INTO ticket_tags (tag, ticket_id) SELECT '` + peer.TagEscalatedToSecure + `', id FROM tickets WHERE id % 2 = 0`,
		`UPDATE tickets SET status = 'closed' WHERE id % 6 = 0`,
	} {
		if _, err := w.ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	to := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, berlin)
	from := to.AddDate(-1, 0, 0)
	rep, err := d.EscalationReportIn(ctx, admin, from, to, berlin)
	if err != nil || rep.Total < 4000 || len(rep.ByCategory) != 7 || len(rep.ByEscalator) != 20 || rep.MedianHoursToClose == nil {
		b.Fatalf("report over %d stubs, %d categories, %d escalators: %v", rep.Total, len(rep.ByCategory), len(rep.ByEscalator), err)
	}
	all, err := d.EscalationReportIn(ctx, admin, now.AddDate(-3, 0, 0), to, berlin)
	if err != nil || all.Total != 10000 {
		b.Fatalf("all stubs: %d, %v", all.Total, err)
	}
	b.Logf("%d stubs in the last twelve months, 10,000 in all", rep.Total)
	for _, span := range []struct {
		name     string
		from, to time.Time
	}{{"12months", from, to}, {"all", now.AddDate(-3, 0, 0), to}} {
		b.Run("grouped/"+span.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := d.EscalationReportIn(ctx, admin, span.from, span.to, berlin); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("rows/"+span.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := db.Read().TicketsWithTag(ctx, peer.TagEscalatedToSecure, span.from, span.to); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
