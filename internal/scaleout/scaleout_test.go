//go:build processtests

package scaleout

import (
	"context"
	crand "crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/pgtest"
	"github.com/twindesk/twindesk/internal/proctest"
)

const (
	// envN overrides the number of tickets each phase creates.
	envN = "TWINDESK_SCALEOUT_N"
	// maxWorkers is how many deliveries one node works at once (River's MaxWorkers,
	// jobs.Config.Workers as instance.Open sets it): the most a kill can cut off.
	maxWorkers = 8
	// perHost is how many of them one node sends to one endpoint host at once
	// (half its workers, internal/jobs/endpoints.go): the test's receiver is one
	// host, so it is the most a kill can cut off.
	perHost = maxWorkers / 2
	// creators is how many creates are in flight at once.
	creators = 4
	// rescueLimit bounds the wait for deliveries after a kill: River rescues a job
	// left running by a dead node once it has run for a minute
	// (RescueStuckJobsAfter in internal/jobs), at its rescuer's next pass (every
	// 30 s), and then retries it after a second of backoff.
	rescueLimit = 150 * time.Second
)

// TestScaleOut is the scale-out test of issue 8: two nodes on one PostgreSQL
// database, a trigger that sends a webhook on every ticket created, and tickets
// created on both nodes. Without a kill every webhook arrives exactly once, and
// both nodes deliver some. Then node B is SIGKILLed while both nodes have every
// worker busy with a delivery the receiver holds: nothing is lost, no ticket is
// created twice, and the only duplicates are the deliveries the kill cut off (held
// by the receiver, or answered and not yet recorded: at-least-once delivery's
// window, which the Idempotency-Key is for), sent again under the same key once
// River rescues their jobs (a minute).
func TestScaleOut(t *testing.T) {
	n := envInt(t, envN, 200)
	require.GreaterOrEqual(t, n, 100, "%s: the kill needs %d deliveries in flight while a good part of the creates is still to come", envN, 2*maxWorkers)
	began := time.Now()
	c := newCluster(t)
	t.Logf("cluster up in %s: nodes %s and %s on one database, work dir %s", time.Since(began).Round(time.Millisecond), c.a.Addr, c.b.Addr, c.dir)

	t.Run("steady", func(t *testing.T) {
		r := c.phase(t, "steady", n, false)
		require.Zero(t, r.tally.duplicates, "duplicate deliveries with both nodes up")
		require.Zero(t, r.cut)
		require.Zero(t, r.unrecorded, "sends no node recorded with both nodes up")
		require.Positive(t, r.deliveredBy["a"], "node a delivered nothing: the nodes do not share the queue")
		require.Positive(t, r.deliveredBy["b"], "node b delivered nothing: the nodes do not share the queue")
		require.Zero(t, r.rescued, "River jobs attempted twice with both nodes up")
	})
	t.Run("kill", func(t *testing.T) {
		if testing.Short() {
			t.Skip("kill phase: waits a minute for River to rescue the deliveries of the killed node; skipped with -short")
		}
		r := c.phase(t, "kill", n, true)
		require.Positive(t, r.unrecorded, "the kill cut off no delivery: the test did not test a node dying mid-delivery")
		// One kill cuts off at most the deliveries b works at once: the requests
		// the receiver holds, and the ones already answered whose outcome b had
		// not recorded yet (it frees its slot of the host before recording). Each
		// is sent again once, when River rescues its job, and nothing else is
		// (checkSends compares delivery by delivery).
		require.LessOrEqual(t, r.unrecorded, maxWorkers)
		require.Equal(t, r.unrecorded, r.tally.duplicates, "duplicates should be exactly the deliveries the kill cut off")
		// River rescues every job the killed node was working: the ones whose
		// request the kill cut off, and the ones still waiting in a worker for a
		// slot of the per-host bound, which were never sent (so are no duplicate).
		require.GreaterOrEqual(t, r.rescued, r.unrecorded, "every delivery the kill cut off is attempted again")
		require.LessOrEqual(t, r.rescued, maxWorkers, "River jobs attempted twice are at most what the killed node worked at once")
	})
	t.Logf("scale-out test done in %s", time.Since(began).Round(time.Second))
}

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	require.NoError(t, err, "%s=%q is not a number", name, v)
	return n
}

// cluster is the two nodes on one database, with an admin, a webhook to the
// receiver and a trigger that calls it on ticket creation.
type cluster struct {
	dir    string
	runID  string
	a, b   *proctest.Proc
	ca, cb *client
	bUp    atomic.Bool // creates go to b only while it is up
	rec    *receiver
	db     *sql.DB
}

func newCluster(t *testing.T) *cluster {
	dbURL := pgtest.URL(t) // first: skips before the build without PostgreSQL
	c := &cluster{dir: t.TempDir(), runID: randomID()}
	bin := proctest.BuildBinary(t, c.dir)
	// The receiver listens on loopback, which webhooks may reach only when allowed.
	args := []string{"--database-url", dbURL, "--log-level", "info", "--rate-limit", "0", "--outbound-allow", "127.0.0.0/8"}
	c.a = &proctest.Proc{Name: "a", Bin: bin, Addr: proctest.FreeAddr(t), Args: args, LogPath: filepath.Join(c.dir, "a.log")}
	c.b = &proctest.Proc{Name: "b", Bin: bin, Addr: proctest.FreeAddr(t), Args: args, LogPath: filepath.Join(c.dir, "b.log")}
	// Both at once on the empty database, as a deployment's nodes start: the
	// migrations must cope.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, p := range []*proctest.Proc{c.a, c.b} {
		t.Cleanup(p.Kill)
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = p.Start() }()
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))
	c.bUp.Store(true)

	const email = "admin@scaleout.example"
	proctest.RunCLI(t, bin, proctest.ChildEnv(), "admin", "create-user", "--email", email, "--name", "Admin", "--role", "admin", "--database-url", dbURL)
	out := strings.Split(strings.TrimSpace(proctest.RunCLI(t, bin, proctest.ChildEnv(), "admin", "create-token", "--email", email, "--database-url", dbURL)), "\n")
	token := out[len(out)-1]
	c.ca, c.cb = newClient(c.a.URL(), email, token), newClient(c.b.URL(), email, token)

	db, err := sql.Open("pgx", dbURL)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	c.db = db

	c.rec = newReceiver(t)
	ctx := context.Background()
	wh, err := c.ca.must(ctx, "POST", "/webhooks.json", map[string]any{"webhook": map[string]any{
		"name": "scale-out receiver", "endpoint": c.rec.endpoint(), "http_method": "POST", "request_format": "json",
		"status": "active", "subscriptions": []string{"conditional_ticket_events"}}})
	require.NoError(t, err)
	hookID, _ := wh["webhook"].(map[string]any)["id"].(string)
	require.NotEmpty(t, hookID, "webhook id in %v", wh)
	// Created on b: the trigger must apply on a as well, since both read one database.
	_, err = c.cb.must(ctx, "POST", "/triggers.json", map[string]any{"trigger": map[string]any{
		"title":      "notify the receiver on create",
		"conditions": map[string]any{"all": []map[string]any{{"field": "update_type", "operator": "is", "value": "Create"}}},
		"actions":    []map[string]any{{"field": "notification_webhook", "value": []string{hookID, `{"ticket_id": "{{ticket.id}}"}`}}},
	}})
	require.NoError(t, err)
	return c
}

func randomID() string {
	b := make([]byte, 6)
	_, _ = crand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}
