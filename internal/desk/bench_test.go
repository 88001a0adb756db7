package desk_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"testing"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/jobs"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store/sqlite"
	"github.com/twindesk/twindesk/internal/webhook"
)

// BenchmarkUpdateWithTriggers measures one ticket update through desk, on SQLite
// in a temporary directory, with no HTTP: validation, the trigger loop, the
// ticket, audit and (with notify) delivery and River job writes, and the commit.
// Each update flips the priority between low and normal. The n triggers look like
// a real account's: a few conditions each, failing on a tag or priority, so none
// fires; with notify one more trigger fires on every update and notifies a
// webhook, which adds Liquid rendering and the enqueue. n=0 is the baseline.
func BenchmarkUpdateWithTriggers(b *testing.B) {
	for _, tc := range []struct {
		triggers int
		notify   bool
	}{{0, false}, {50, false}, {200, false}, {50, true}, {200, true}} {
		name := fmt.Sprintf("triggers=%d", tc.triggers)
		if tc.notify {
			name += "/notify"
		}
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			d, admin, ticketID := benchDesk(b, tc.triggers, tc.notify)
			prios := []string{"low", "normal"}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				p := prios[i%2]
				if _, err := d.UpdateTicket(ctx, admin, ticketID, desk.TicketInput{Priority: &p}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchDesk(b *testing.B, n int, notify bool) (*desk.Service, model.User, int64) {
	b.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	q, err := jobs.Open(ctx, db, log, jobs.Config{Workers: 1, Sender: webhook.NewSender(nil)}) // never started
	if err != nil {
		b.Fatal(err)
	}
	d := desk.New(db, log, desk.WithQueue(q), desk.WithBaseURL("http://bench.example"))
	name, email, role := "Admin", "admin@example.com", "admin"
	admin, err := d.BootstrapUser(ctx, desk.UserInput{Name: &name, Email: &email, Role: &role})
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		s := strconv.Itoa(i)
		t := model.Trigger{Title: "trigger " + s, Active: true,
			Conditions: model.Conditions{
				All: []model.Condition{
					{Field: "update_type", Operator: "is", Value: "Change"},
					{Field: "status", Operator: "less_than", Value: "solved"},
					{Field: "current_tags", Operator: "includes", Value: "route_" + s},
					{Field: "priority", Operator: "is", Value: "urgent"},
				},
				Any: []model.Condition{
					{Field: "group_id", Operator: "is", Value: strconv.Itoa(1000 + i)},
					{Field: "comment_includes_word", Operator: "includes", Value: "refund word" + s},
				},
			},
			Actions: []model.Action{{Field: "current_tags", Value: []string{"done_" + s}}, {Field: "priority", Value: []string{"high"}}},
		}
		if _, err := d.SaveTrigger(ctx, admin, t); err != nil {
			b.Fatal(err)
		}
	}
	if notify {
		w, err := d.SaveWebhook(ctx, admin, model.Webhook{Name: "bench", Endpoint: "http://127.0.0.1:9/{{ticket.id}}", HTTPMethod: "POST"})
		if err != nil {
			b.Fatal(err)
		}
		t := model.Trigger{Title: "notify", Active: true,
			Conditions: model.Conditions{All: []model.Condition{{Field: "update_type", Operator: "is", Value: "Change"}}},
			Actions: []model.Action{{Field: "notification_webhook", Value: []string{w.ID,
				`{"ticket": {"id": "{{ticket.id}}", "subject": "{{ticket.title}}", "priority": "{{ticket.priority}}", "comment": "{{ticket.latest_comment_formatted}}"}}`}}},
		}
		if _, err := d.SaveTrigger(ctx, admin, t); err != nil {
			b.Fatal(err)
		}
	}
	subject := "benchmark"
	res, err := d.CreateTicket(ctx, admin, desk.TicketInput{Subject: &subject, Comment: &desk.CommentInput{Body: "first comment"}}, "")
	if err != nil {
		b.Fatal(err)
	}
	return d, admin, res.Ticket.ID
}
