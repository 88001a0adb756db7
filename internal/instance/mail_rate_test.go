package instance_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/mailpittest"
	"github.com/twindesk/twindesk/internal/model"
)

// TestMailQueueDrainRate measures how fast queued notification mail drains into
// a real SMTP server (Mailpit): N tickets (TWINDESK_MAIL_RATE_N, default 200)
// are created while the relay is down, each queuing its "request received"
// mail; the clock runs from the relay coming up until the log says every mail
// was sent. It fails below 5 mails/s, far under what one node does, so only a
// broken queue (one mail per poll, say, or serial sends waiting on backoff) trips it.
//
//	go test ./internal/instance -run TestMailQueueDrainRate -count=1 -v
func TestMailQueueDrainRate(t *testing.T) {
	t.Parallel()
	total := 200
	if v := os.Getenv("TWINDESK_MAIL_RATE_N"); v != "" {
		total, _ = strconv.Atoi(v)
	}
	sink := mailpittest.Start(t)
	n := mailDeployment(t, sink, "full").open(true)
	ctx := context.Background()
	sink.Down()
	for i := range total {
		subject := fmt.Sprintf("rate %d", i)
		_, err := n.In.Desk.CreateTicket(ctx, n.admin, desk.TicketInput{Subject: &subject,
			Comment:   &desk.CommentInput{Body: "hello"},
			Requester: &desk.RequesterInput{Name: "R", Email: fmt.Sprintf("r%d@example.org", i%50)}}, "")
		if err != nil {
			t.Fatal(err)
		}
	}
	// Let every job make its first (failed) attempt, so the measurement below
	// includes the retry River schedules, as after a real outage.
	time.Sleep(1500 * time.Millisecond)
	start := time.Now()
	sink.Up()
	sent := 0
	for sent < total {
		rows, err := n.In.DB.Read().ListMail(ctx, "", total+1)
		if err != nil {
			t.Fatal(err)
		}
		sent = 0
		for _, r := range rows {
			if r.State == model.MailSent {
				sent++
			}
		}
		if time.Since(start) > 5*time.Minute {
			t.Fatalf("%d of %d sent after 5 minutes", sent, total)
		}
		time.Sleep(20 * time.Millisecond)
	}
	elapsed := time.Since(start)
	rate := float64(total) / elapsed.Seconds()
	t.Logf("%d mails drained into Mailpit in %s: %.0f mails/s", total, elapsed.Round(time.Millisecond), rate)
	if got := len(sink.Messages()); got != total {
		t.Fatalf("Mailpit holds %d messages, want %d (none lost, none twice)", got, total)
	}
	if rate < 5 {
		t.Fatalf("%.1f mails/s", rate)
	}
}
