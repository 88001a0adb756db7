package api_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/instance"
)

// TestAutomationsRunOnceAcrossNodes starts two nodes on one PostgreSQL
// database, both scheduling automations every second. Each period must run on
// one node only, and each automation must fire once per ticket: the pending
// ticket is nudged once and the old solved one closed once, however many
// periods pass.
func TestAutomationsRunOnceAcrossNodes(t *testing.T) {
	t.Parallel()
	var cfgA config.Serve
	a := apitest.New(t, apitest.Postgres, apitest.WithQueue(), apitest.WithConfig(func(c *config.Serve) {
		c.AutomationInterval = time.Second
		cfgA = *c
	}))
	ctx := context.Background()
	cfgB := cfgA
	cfgB.Addr, cfgB.BaseURL = "127.0.0.1:0", ""
	b, err := instance.Open(ctx, cfgB, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	require.NoError(t, b.Queue.Start(ctx))
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = b.Queue.Stop(stop)
		_ = b.Close()
	})

	c := a.AdminClient()
	nudge := newAutomation("Nudge pending", []zendesk.AutomationCondition{
		autoCond("status", "is", "pending"),
		autoCond("hours_since_pending", "greater_than", "48"),
		autoCond("current_tags", "not_includes", "nudged"),
	}, zendesk.AutomationAction{Field: "current_tags", Value: "nudged"})
	_, err = c.CreateAutomation(ctx, nudge)
	require.NoError(t, err)
	mk := func(status string) int64 {
		tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: status, Status: status, AssigneeID: a.AdminID,
			Comment: &zendesk.TicketComment{Body: "x"}})
		require.NoError(t, err)
		return tk.ID
	}
	pending, solved := mk("pending"), mk("solved")
	db := a.Instance.DB.WriteDB()
	old := time.Now().Add(-120 * time.Hour).UnixMicro()
	_, err = db.ExecContext(ctx, `UPDATE ticket_clocks SET pending_at = $1, solved_at = $1 WHERE ticket_id IN ($2, $3)`, old, pending, solved)
	require.NoError(t, err)
	// Arranged after the runs began: mark where, so periods before don't count.
	var since int64
	require.NoError(t, db.QueryRowContext(ctx, `SELECT COALESCE(MAX(period), 0) FROM automation_runs`).Scan(&since))

	require.Eventually(t, func() bool {
		p, err1 := c.GetTicket(ctx, pending)
		s, err2 := c.GetTicket(ctx, solved)
		return err1 == nil && err2 == nil && p.Status == "pending" && len(p.Tags) == 1 && s.Status == "closed"
	}, 20*time.Second, 100*time.Millisecond, "the scheduled runs nudge the pending ticket and close the solved one")
	time.Sleep(3500 * time.Millisecond) // three more periods, on either node

	var systemAudits int
	require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audits WHERE author_id = -1 AND ticket_id IN ($1, $2)`,
		pending, solved).Scan(&systemAudits))
	require.Equal(t, 2, systemAudits, "each automation changed each ticket once")
	rows, err := db.QueryContext(ctx, `SELECT period, node, fired, finished_at IS NOT NULL FROM automation_runs WHERE period > $1 ORDER BY period`, since)
	require.NoError(t, err)
	defer rows.Close()
	var periods, fired int
	nodes := map[string]bool{}
	last := int64(0)
	for rows.Next() {
		var period int64
		var node string
		var f int
		var done bool
		require.NoError(t, rows.Scan(&period, &node, &f, &done))
		require.Greater(t, period, last)
		last = period
		nodes[node] = true
		periods++
		fired += f
	}
	require.NoError(t, rows.Err())
	require.GreaterOrEqual(t, periods, 3, "a run every second")
	require.Equal(t, 2, fired, "the runs together fired twice: no period ran on both nodes")
	var jobs int
	require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM river_job WHERE kind = 'automations'
		GROUP BY args ORDER BY COUNT(*) DESC LIMIT 1`).Scan(&jobs))
	require.Equal(t, 1, jobs, "one job per period across the nodes")
	t.Logf("%d periods since arranging, run by %d node names", periods, len(nodes))
}
