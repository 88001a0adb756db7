package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/instance"
)

// TestPresenceAcrossNodes: two nodes share one PostgreSQL database and no
// load balancer keeps an agent on one node. The admin polls a ticket on node
// A, Ada polls it on node B: each is told about the other.
func TestPresenceAcrossNodes(t *testing.T) {
	t.Parallel()
	var cfgA config.Serve
	b := setup(t, apitest.Postgres, apitest.WithConfig(func(c *config.Serve) { cfgA = *c }))
	ctx := context.Background()
	_, _ = b.env.CreateAgent(t, "Ada Agent", "ada@example.com")
	if err := b.env.Instance.Desk.SetPassword(ctx, "ada@example.com", password); err != nil {
		t.Fatal(err)
	}
	tk := b.ticket(t, "Printer jam", "It jams", "eve@example.com", false)

	cfgB := cfgA
	cfgB.DataDir = t.TempDir()
	nodeB, err := instance.Open(ctx, cfgB, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		t.Fatal(err)
	}
	srvB := httptest.NewServer(nodeB.Handler())
	t.Cleanup(func() { srvB.Close(); _ = nodeB.Close() })

	admin := b.client(t)
	admin.login(apitest.AdminEmail)
	ada := b.client(t)
	ada.base = srvB.URL
	ada.login("ada@example.com")

	poll := func(c *client) []string {
		t.Helper()
		status, body := c.get(fmt.Sprintf("/tickets/%d/updated", tk.ID))
		if status != http.StatusOK {
			t.Fatalf("poll on %s: %d %s", c.base, status, body)
		}
		var res struct{ Viewing []string }
		if err := json.Unmarshal([]byte(body), &res); err != nil {
			t.Fatal(err)
		}
		return res.Viewing
	}
	if got := poll(admin); len(got) != 0 {
		t.Fatalf("nobody else has the ticket open, node A names %v", got)
	}
	if got := poll(ada); len(got) != 1 || got[0] != "Admin" {
		t.Fatalf("node B doesn't see the admin polling on node A: %v", got)
	}
	if got := poll(admin); len(got) != 1 || got[0] != "Ada Agent" {
		t.Fatalf("node A doesn't see Ada polling on node B: %v", got)
	}
}
