package desk_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// BenchmarkNotifyLongConversation: an update of a ticket with 2,000 comments
// fires a trigger that notifies a webhook. A body that names no comment
// placeholder doesn't load the conversation; one that does loads all of it
// (comments_formatted shows every comment).
func BenchmarkNotifyLongConversation(b *testing.B) {
	for _, body := range []struct{ name, tmpl string }{
		{"no-comments", `{"id": "{{ticket.id}}", "status": "{{ticket.status}}", "priority": "{{ticket.priority}}"}`},
		{"latest-comment", `{"id": "{{ticket.id}}", "comment": "{{ticket.latest_comment}}"}`},
	} {
		b.Run(body.name, func(b *testing.B) {
			ctx := context.Background()
			d, admin, ticketID := benchDesk(b, 0, false)
			for i := range 2000 {
				if _, err := d.UpdateTicket(ctx, admin, ticketID, desk.TicketInput{Comment: &desk.CommentInput{Body: fmt.Sprintf("comment %d of a long conversation", i)}}); err != nil {
					b.Fatal(err)
				}
			}
			w, err := d.SaveWebhook(ctx, admin, model.Webhook{Name: "bench", Endpoint: "http://127.0.0.1:9/{{ticket.id}}", HTTPMethod: "POST"})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := d.SaveTrigger(ctx, admin, model.Trigger{Title: "notify", Active: true,
				Conditions: model.Conditions{All: []model.Condition{{Field: "update_type", Operator: "is", Value: "Change"}}},
				Actions:    []model.Action{{Field: "notification_webhook", Value: []string{w.ID, body.tmpl}}}}); err != nil {
				b.Fatal(err)
			}
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
