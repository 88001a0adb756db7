package jobs

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/secretbox"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/store/sqlite"
	"github.com/twindesk/twindesk/internal/webhook"
)

// TestRequestErrorsThatFailForGood: of the ways resolving a delivery's endpoint
// can fail, only those no retry can mend fail the delivery and its chain for
// good. A database error or a shutdown while reading the endpoint used to fail
// it too (an escalation's chain then stopped halfway).
func TestRequestErrorsThatFailForGood(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	box, err := secretbox.Generate()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	q, err := Open(ctx, db, log, Config{Workers: 1, Sender: webhook.NewSender(nil), Secrets: box})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	hook := model.Webhook{ID: "01HOOK", Name: "peer", Endpoint: "https://peer.example/api", HTTPMethod: "POST",
		RequestFormat: "json", Status: "active", AuthType: "bearer_token", CreatedAt: now, UpdatedAt: now}
	if err := db.WriteTx(ctx, func(tx *store.Tx) error { return tx.SaveWebhook(ctx, &hook, true) }); err != nil {
		t.Fatal(err)
	}
	delivery := func(ref, url string) *model.Delivery {
		return &model.Delivery{Kind: "webhook", EndpointRef: ref, URL: url}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for _, tc := range []struct {
		name    string
		ctx     context.Context
		d       *model.Delivery
		forGood bool
	}{
		{"the endpoint is gone", ctx, delivery("01GONE", "https://peer.example/api"), true},
		{"the rendered URL leaves the credentials' origin", ctx, delivery("01HOOK", "https://elsewhere.example/api"), true},
		{"a bad target reference", ctx, &model.Delivery{Kind: "target", EndpointRef: "x", URL: "https://peer.example"}, true},
		{"the read is cut short (shutdown)", cancelled, delivery("01HOOK", "https://peer.example/api"), false},
	} {
		_, err := q.request(tc.ctx, tc.d)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		if got := unsendable(err); got != tc.forGood {
			t.Errorf("%s: fails for good = %v, want %v (err %v)", tc.name, got, tc.forGood, err)
		}
	}
	if _, err := q.request(ctx, delivery("01HOOK", "https://peer.example/api/tickets/1")); err != nil {
		t.Errorf("a delivery to its endpoint's origin: %v", err)
	}
}

// TestStopWaitsForTheProbe: the endpoint probe reads the database, so Stop
// returns only once it has ended, and the caller may close the database.
func TestStopWaitsForTheProbe(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	q, err := Open(ctx, db, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Workers: 1, Sender: webhook.NewSender(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	stop, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := q.Stop(stop); err != nil {
		t.Fatal(err)
	}
	select {
	case <-q.probeDone:
	default:
		t.Fatal("Stop returned while the probe goroutine still ran")
	}
}
