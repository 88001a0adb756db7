//go:build processtests

package killtest

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/escalation"
	"github.com/twindesk/twindesk/internal/pgtest"
	"github.com/twindesk/twindesk/internal/proctest"
)

// Environment variables of the full-size run (scripts/kill-test sets them).
const (
	envN       = "TWINDESK_KILL_N"       // escalations; default 10
	envKills   = "TWINDESK_KILL_KILLS"   // SIGKILLs; default max(3, N/10)
	envBackend = "TWINDESK_KILL_BACKEND" // sqlite (default) or postgres (needs TWINDESK_PG_URL)
	envDir     = "TWINDESK_KILL_DIR"     // keep binary, data and logs here instead of a temp dir
	envReport  = "TWINDESK_KILL_REPORT"  // append the result line to this file
)

// TestKill is the kill test of issue 7: N escalations while the standard or the
// secure process is SIGKILLed at random moments and restarted on the same address
// and data; at the end every ticket is escalated exactly once and no canary is in
// either instance's log (nor, on SQLite, in standard's data directory).
//
// The CI size (N=10, 3 kills) takes one to three minutes: a delivery cut off by a
// kill of its sender is rescued by River after a minute.
func TestKill(t *testing.T) {
	if testing.Short() {
		t.Skip("kill test: builds cmd/twindesk and SIGKILLs real processes for up to 3 minutes; skipped with -short")
	}
	n := envInt(t, envN, 10)
	kills := envInt(t, envKills, max(3, n/10))
	// Short enough that kills often land while chains are in flight.
	window := max(8*time.Second, time.Duration(n)*400*time.Millisecond)
	began := time.Now()
	r := newRig(t)
	t.Logf("kill test: %d escalations over %s with %d kills, backend %s, work dir %s", n, window, kills, r.backend, r.dir)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	var killed []kill
	var killErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		killed, killErr = r.killer(ctx, kills, window)
	}()
	originals, driveErr := r.drive(ctx, n, window)
	if driveErr != nil {
		cancel() // stop killing; the failure is the driver's
	}
	wg.Wait()
	require.NoError(t, driveErr, "escalations could not be started")
	require.NoError(t, killErr, "the killer could not restart an instance")
	lastKill := time.Now()

	v := r.converge(t, originals, 150*time.Second+time.Duration(n)*time.Second)
	converged := time.Since(lastKill)
	require.Empty(t, v.problems, "final state after %d kills:\n%s", len(killed), strings.Join(v.problems, "\n"))
	require.Equal(t, n, v.secure)
	require.Equal(t, n, v.stubs)
	require.Zero(t, v.originalsLeft)
	require.Zero(t, v.duplicates)

	r.stopAndInspect(t, originals)
	res := result{n: n, kills: killed, v: v, converged: converged, total: time.Since(began), backend: r.backend,
		rescued: r.countLogged(t, "num_jobs_retry_scheduled"), retried: r.countLogged(t, "")}
	t.Log(res.String())
	if path := os.Getenv(envReport); path != "" {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		require.NoError(t, err)
		_, err = fmt.Fprintln(f, res.String())
		require.NoError(t, errors.Join(err, f.Close()))
	}
}

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	require.NoError(t, err, "%s=%q is not a number", name, v)
	require.Positive(t, n, name)
	return n
}

func canary(label string) string {
	b := make([]byte, 8)
	_, _ = crand.Read(b) // crypto/rand.Read never fails
	return label + "-" + hex.EncodeToString(b)
}

// rig is the two instances with the escalation recipe provisioned.
type rig struct {
	t        *testing.T
	dir      string
	bin      string
	backend  string
	runID    string
	std, sec *proctest.Proc
	stores   map[*proctest.Proc]config.Store
	stdAdmin *client
	secAdmin *client
	pseudo   int64 // standard's "Payroll (secure)"
	stdOrig  int64 // standard's "Original ticket" field
	secStdID int64 // secure's "Standard ticket" field
	subject  string
}

func newRig(t *testing.T) *rig {
	r := &rig{t: t, backend: os.Getenv(envBackend), runID: canary("kill"), subject: canary("KILLSUBJECT")}
	if r.backend == "" {
		r.backend = "sqlite"
	}
	require.Contains(t, []string{"sqlite", "postgres"}, r.backend, envBackend)
	if r.dir = os.Getenv(envDir); r.dir == "" {
		r.dir = t.TempDir()
	}
	require.NoError(t, os.MkdirAll(r.dir, 0o755))
	r.bin = proctest.BuildBinary(t, r.dir)
	stdAddr, secAddr := proctest.FreeAddr(t), proctest.FreeAddr(t)
	// Loopback is refused unless allowed: each side may call the other.
	r.std = &proctest.Proc{Name: "standard", Bin: r.bin, Addr: stdAddr, LogPath: filepath.Join(r.dir, "standard.log"),
		Args: []string{"--outbound-allow", secAddr}}
	if r.backend == "postgres" {
		// PostgreSQL batches scrubs (5 min by default); the run checks they were all paid.
		r.std.Args = append(r.std.Args, "--scrub-interval", "1s")
	}
	r.sec = &proctest.Proc{Name: "secure", Bin: r.bin, Addr: secAddr, LogPath: filepath.Join(r.dir, "secure.log"),
		Args: []string{"--confidential", "--webhook-hosts", stdAddr}}
	r.stores = map[*proctest.Proc]config.Store{}
	var tokens []string
	for _, p := range []*proctest.Proc{r.std, r.sec} {
		s := config.Store{DataDir: filepath.Join(r.dir, p.Name+"-data")}
		if r.backend == "postgres" {
			s = config.Store{DatabaseURL: pgtest.URL(t)}
		}
		r.stores[p] = s
		// debug logs one line per request too: the log check covers the most text.
		p.Args = append(p.Args, append(storeArgs(s), "--log-level", "debug", "--shutdown-timeout", "10s")...)
		require.NoError(t, p.Start())
		t.Cleanup(p.Kill)
		// Bootstrapped with the CLI while the server runs, as the README does it.
		email := "admin@" + p.Name + ".example"
		proctest.RunCLI(t, r.bin, proctest.ChildEnv(), append([]string{"admin", "create-user", "--email", email, "--name", "Admin", "--role", "admin"}, storeArgs(s)...)...)
		out := strings.Split(strings.TrimSpace(proctest.RunCLI(t, r.bin, proctest.ChildEnv(), append([]string{"admin", "create-token", "--email", email}, storeArgs(s)...)...)), "\n")
		tokens = append(tokens, out[len(out)-1])
	}
	r.stdAdmin = newClient(r.std.URL(), "admin@standard.example", tokens[0])
	r.secAdmin = newClient(r.sec.URL(), "admin@secure.example", tokens[1])
	setup := []string{"escalation", "setup", "--standard", r.std.URL(), "--secure", r.sec.URL(),
		"--standard-email", r.stdAdmin.email, "--secure-email", r.secAdmin.email}
	env := proctest.ChildEnv("TWINDESK_STANDARD_TOKEN="+tokens[0], "TWINDESK_SECURE_TOKEN="+tokens[1])
	require.Contains(t, proctest.RunCLI(t, r.bin, env, setup...), "created")
	r.pseudo = r.stdAdmin.idOf(t, "/groups.json", "groups", "name", "Payroll (secure)")
	r.stdOrig = r.stdAdmin.idOf(t, "/ticket_fields.json", "ticket_fields", "title", escalation.FieldOriginalTicket)
	r.secStdID = r.secAdmin.idOf(t, "/ticket_fields.json", "ticket_fields", "title", escalation.FieldStandardTicket)
	return r
}

func storeArgs(s config.Store) []string {
	if s.DatabaseURL != "" {
		return []string{"--database-url", s.DatabaseURL}
	}
	return []string{"--data", s.DataDir, "--database-url="}
}

// original is one ticket the driver escalated.
type original struct {
	id     int64
	canary string // in its description and an internal note
}

// drive starts n escalations spread over window, four at a time at most: create a
// ticket with a canary (Idempotency-Key, so a create cut off by a kill is not
// repeated), add an internal note, set the pseudo group. Requests are retried while
// standard is down.
func (r *rig) drive(ctx context.Context, n int, window time.Duration) ([]original, error) {
	out := make([]original, n)
	errs := make([]error, n)
	next := make(chan int)
	go func() {
		defer close(next)
		start := time.Now()
		for i := range n {
			time.Sleep(time.Until(start.Add(window * time.Duration(i) / time.Duration(n))))
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i], errs[i] = r.escalateOne(ctx, i)
			}
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

func (r *rig) escalateOne(ctx context.Context, i int) (original, error) {
	o := original{canary: canary("KILLCANARY")}
	ok := func(code int) bool { return code/100 == 2 }
	const limit = 3 * time.Minute
	_, out, err := r.stdAdmin.retry(ctx, limit, "POST", "/tickets.json", map[string]any{"ticket": map[string]any{
		"subject":   "Payslip question " + r.subject,
		"comment":   map[string]any{"body": "My salary is wrong: " + o.canary + "\n\"quoted\" \\ tab\t"},
		"requester": map[string]any{"name": fmt.Sprintf("Kill Requester %d", i), "email": fmt.Sprintf("kill.requester.%d@example.com", i)},
	}}, map[string]string{"Idempotency-Key": fmt.Sprintf("%s-%d", r.runID, i)}, ok)
	if err != nil {
		return o, fmt.Errorf("escalation %d: create: %w", i, err)
	}
	o.id = int64(out["ticket"].(map[string]any)["id"].(float64))
	path := fmt.Sprintf("/tickets/%d.json", o.id)
	if _, _, err := r.stdAdmin.retry(ctx, limit, "PUT", path, map[string]any{"ticket": map[string]any{
		"comment": map[string]any{"body": "Internal: forwarding to payroll " + o.canary, "public": false},
	}}, nil, ok); err != nil {
		return o, fmt.Errorf("escalation %d: note on %d: %w", i, o.id, err)
	}
	// 404: an earlier attempt that a kill cut off did set the group, and the ticket
	// is escalated already; 422 "being escalated": it did, and the forward is under
	// way. Either way converge checks that the ticket arrived once.
	code, out, err := r.stdAdmin.retry(ctx, limit, "PUT", path, map[string]any{"ticket": map[string]any{"group_id": r.pseudo}},
		nil, func(code int) bool { return code == 200 || code == 404 })
	if err != nil && !(errors.Is(err, errGiveUp) && code == http.StatusUnprocessableEntity && beingEscalated(out)) {
		return o, fmt.Errorf("escalation %d: set pseudo group on %d: %w", i, o.id, err)
	}
	return o, nil
}

// beingEscalated says a 422 answer refused a change because the ticket's forward
// to secure is under way.
func beingEscalated(out map[string]any) bool {
	b, _ := json.Marshal(out["details"])
	return strings.Contains(string(b), "is being escalated to the secure instance")
}

// kill is one SIGKILL the killer sent.
type kill struct {
	at     time.Duration // since the killer started
	victim string
	down   time.Duration
}

// killer sends kills SIGKILLs at random moments spread over window, each to the
// standard or the secure process (both are hit when kills >= 2), and restarts the
// victim on the same address and data after a random pause of 0.2 to 3 s.
func (r *rig) killer(ctx context.Context, kills int, window time.Duration) ([]kill, error) {
	victims := make([]*proctest.Proc, kills)
	for i := range victims {
		victims[i] = []*proctest.Proc{r.std, r.sec}[rand.IntN(2)]
	}
	if kills >= 2 && !hasBoth(victims, r.std, r.sec) {
		i := rand.IntN(kills)
		victims[i] = map[*proctest.Proc]*proctest.Proc{r.std: r.sec, r.sec: r.std}[victims[i]]
	}
	start := time.Now()
	var done []kill
	for i, p := range victims {
		// One random moment in each of kills equal slices of the window.
		at := time.Duration((float64(i) + rand.Float64()) * float64(window) / float64(kills))
		select {
		case <-ctx.Done():
			return done, nil
		case <-time.After(time.Until(start.Add(at))):
		}
		k := kill{at: time.Since(start), victim: p.Name}
		p.Kill()
		time.Sleep(200*time.Millisecond + rand.N(2800*time.Millisecond))
		if err := p.Start(); err != nil {
			return done, err
		}
		k.down = time.Since(start) - k.at
		done = append(done, k)
	}
	return done, nil
}

func hasBoth(ps []*proctest.Proc, a, b *proctest.Proc) bool {
	var sawA, sawB bool
	for _, p := range ps {
		sawA, sawB = sawA || p == a, sawB || p == b
	}
	return sawA && sawB
}

// result is the line the test logs and scripts/kill-test records.
type result struct {
	n         int
	backend   string
	kills     []kill
	v         view
	converged time.Duration
	total     time.Duration
	rescued   int // jobs River's rescuer took over from a killed node
	retried   int // failed delivery attempts (receiver down) that were retried
}

func (r result) String() string {
	byVictim := map[string]int{}
	var ks []string
	for _, k := range r.kills {
		byVictim[k.victim]++
		ks = append(ks, fmt.Sprintf("%s@%.1fs(down %.1fs)", k.victim, k.at.Seconds(), k.down.Seconds()))
	}
	return fmt.Sprintf("kill test result: backend=%s escalations=%d kills=%d (standard %d, secure %d) secure_tickets=%d stubs=%d originals_left=%d duplicates=%d deliveries=%d failed_deliveries=%d retried_attempts=%d rescued_jobs=%d settled_after_last_kill=%s total=%s kills=[%s]",
		r.backend, r.n, len(r.kills), byVictim["standard"], byVictim["secure"], r.v.secure, r.v.stubs, r.v.originalsLeft, r.v.duplicates,
		r.v.deliveries, r.v.failed, r.retried, r.rescued, r.converged.Round(time.Second), r.total.Round(time.Second), strings.Join(ks, " "))
}
