//go:build processtests

package scaleout

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// result is what one phase did and saw.
type result struct {
	created     int
	replayed    int // creates answered from their Idempotency-Key: a retry of a create the kill cut off
	resent      int // creates sent again to a after b failed them
	tally       tally
	cut         int // held requests whose sender the receiver saw go away
	unrecorded  int // sends whose outcome no node recorded: the kill cut them off
	rescued     int // River jobs attempted more than once
	deliveredBy map[string]int
	kill        string
	settled     time.Duration // from the last create to every webhook delivered
	total       time.Duration
}

func (r result) String() string {
	return fmt.Sprintf("created=%d replayed_creates=%d creates_resent_to_a=%d delivered=%d arrivals=%d duplicates=%d cut_by_kill=%d seen_cut_by_receiver=%d jobs_attempted_twice=%d delivered_by_a=%d delivered_by_b=%d settled_after_creates=%s total=%s%s",
		r.created, r.replayed, r.resent, r.tally.delivered, r.tally.arrivals, r.tally.duplicates, r.unrecorded, r.cut, r.rescued,
		r.deliveredBy["a"], r.deliveredBy["b"], r.settled.Round(100*time.Millisecond), r.total.Round(100*time.Millisecond), r.kill)
}

// phase creates n tickets over both nodes, SIGKILLs b a third of the way through
// when kill is set, waits until every ticket's webhook is delivered and checks
// that nothing was lost or duplicated.
func (c *cluster) phase(t *testing.T, name string, n int, kill bool) result {
	t.Helper()
	ctx := context.Background()
	began := time.Now()
	from := c.rec.len()
	_, cutBefore := c.rec.counts()
	before, _ := c.deliveredLogged(t)

	var once sync.Once
	var killErr error
	var killDesc string
	var creates atomic.Int64
	killed := make(chan struct{})
	progress := func(done int) {
		creates.Store(int64(done))
		if kill && done >= n/3 {
			once.Do(func() {
				go func() { defer close(killed); killDesc, killErr = c.killB(began, creates.Load) }()
			})
		}
	}
	if !kill {
		close(killed)
	}
	ids, res, err := c.createAll(ctx, name, n, progress)
	<-killed
	require.NoError(t, err, "creates")
	require.NoError(t, killErr, "kill and restart of node b")
	createsDone := time.Now()

	limit := time.Minute
	if kill {
		limit = rescueLimit
	}
	tickets := map[int64]bool{}
	for _, id := range ids {
		tickets[id] = true
	}
	require.Len(t, tickets, n, "two creates answered with the same ticket")
	res.tally = c.waitDelivered(t, from, tickets, ids, limit)
	res.settled = time.Since(createsDone)
	_, cutAfter := c.rec.counts()
	res.cut = cutAfter - cutBefore
	res.kill = killDesc

	c.checkTickets(t, name, ids)
	res.rescued = c.checkJobs(t, ids)
	after, perDelivery := c.deliveredLogged(t)
	res.deliveredBy = map[string]int{"a": after["a"] - before["a"], "b": after["b"] - before["b"]}
	var sendProblems []string
	res.unrecorded, sendProblems = c.checkSends(t, c.rec.since(from), ids, perDelivery)
	res.tally.problems = append(res.tally.problems, sendProblems...)
	res.total = time.Since(began)
	t.Logf("%s phase: %s", name, res)
	require.Empty(t, res.tally.problems, "%d problems:\n%s", len(res.tally.problems), strings.Join(res.tally.problems, "\n"))
	require.Equal(t, n, res.tally.delivered)
	return res
}

// createAll creates n tickets, creators at a time, alternating between the nodes
// (only a while b is down). A create that b fails or never answers is sent to a
// with the same Idempotency-Key: it may have committed before b died.
func (c *cluster) createAll(ctx context.Context, phase string, n int, progress func(done int)) ([]int64, result, error) {
	ids := make([]int64, n)
	errs := make([]error, n)
	var done, replayed, resent atomic.Int64
	next := make(chan int)
	go func() {
		defer close(next)
		for i := range n {
			next <- i
		}
	}()
	var wg sync.WaitGroup
	for range creators {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				var again, replay bool
				ids[i], again, replay, errs[i] = c.create(ctx, phase, i)
				if again {
					resent.Add(1)
				}
				if replay {
					replayed.Add(1)
				}
				progress(int(done.Add(1)))
			}
		}()
	}
	wg.Wait()
	return ids, result{created: n, replayed: int(replayed.Load()), resent: int(resent.Load())}, errors.Join(errs...)
}

func subject(runID, phase string, i int) string {
	return fmt.Sprintf("scaleout %s %s #%d", runID, phase, i)
}

// create makes ticket i and returns its id; again reports that it was sent to a
// after b failed it, replayed that the answer came from the Idempotency-Key.
func (c *cluster) create(ctx context.Context, phase string, i int) (id int64, again, replayed bool, err error) {
	in := map[string]any{"ticket": map[string]any{
		"subject": subject(c.runID, phase, i),
		"comment": map[string]any{"body": "created by the scale-out test"},
	}}
	header := map[string]string{"Idempotency-Key": fmt.Sprintf("scaleout-%s-%s-%d", c.runID, phase, i)}
	node := c.ca
	if i%2 == 1 && c.bUp.Load() {
		node = c.cb
	}
	for deadline := time.Now().Add(time.Minute); ; {
		a, err := node.call(ctx, "POST", "/tickets.json", in, header)
		if err != nil {
			return 0, again, false, err
		}
		if a.ok() {
			t, _ := a.body["ticket"].(map[string]any)
			f, _ := t["id"].(float64)
			return int64(f), again, a.header.Get("Idempotent-Replayed") == "true", nil
		}
		if !a.retryable() || time.Now().After(deadline) {
			return 0, again, false, fmt.Errorf("create %d on %s: %d %v", i, node.base, a.code, a.body)
		}
		if node == c.cb {
			node, again = c.ca, true // a is never killed
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// killB SIGKILLs node b while every worker of both nodes is busy with a delivery
// the receiver holds, so b certainly dies with deliveries in flight: their jobs
// stay "running" in the shared queue until River rescues them. b is started again
// after a second; creates go to a meanwhile.
func (c *cluster) killB(began time.Time, creates func() int64) (string, error) {
	c.rec.hold()
	defer c.rec.releaseAll()
	if !waitFor(5*time.Second, func() bool { held, _ := c.rec.counts(); return held >= 2*perHost }) {
		held, _ := c.rec.counts()
		return "", fmt.Errorf("only %d deliveries in flight after 5s of holding, want %d (%d per node): has the per-host bound or River's MaxWorkers changed?", held, 2*perHost, perHost)
	}
	at, createsAt := time.Since(began), creates()
	c.bUp.Store(false)
	c.b.Kill()
	// Released only once the receiver has seen b's connections close, so that a
	// request of b is never answered as if b were alive. How many b had in flight
	// isn't known here (up to its workers), so wait for all of them or 2 s.
	waitFor(2*time.Second, func() bool { _, cut := c.rec.counts(); return cut >= maxWorkers })
	c.rec.releaseAll()
	time.Sleep(time.Second)
	if err := c.b.Start(); err != nil {
		return "", err
	}
	c.bUp.Store(true)
	return fmt.Sprintf(" killed_b_at=%s after_creates=%d b_down=%s", at.Round(100*time.Millisecond), createsAt,
		(time.Since(began) - at).Round(100*time.Millisecond)), nil
}

func waitFor(limit time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// waitDelivered polls the receiver until every ticket has an acknowledged
// delivery and the senders have recorded every delivery as delivered (a 200
// written to a sender the kill had just cut off counts for the receiver, but
// its delivery is sent again), then waits a little more so that a late
// duplicate would be counted.
func (c *cluster) waitDelivered(t *testing.T, from int, tickets map[int64]bool, ids []int64, limit time.Duration) tally {
	t.Helper()
	deadline := time.Now().Add(limit)
	lastLog := time.Now()
	for {
		tl := tallyOf(c.rec.since(from), tickets)
		if tl.delivered == len(tickets) && c.undelivered(t, slices.Min(ids), slices.Max(ids)) == 0 {
			time.Sleep(2 * time.Second)
			return tallyOf(c.rec.since(from), tickets)
		}
		if time.Now().After(deadline) {
			tl.problems = append(tl.problems, fmt.Sprintf("after %s only %d of %d tickets had their webhook delivered", limit, tl.delivered, len(tickets)))
			return tl
		}
		if time.Since(lastLog) > 15*time.Second {
			held, cut := c.rec.counts()
			t.Logf("waiting: %d of %d tickets delivered (%d held, %d cut off by the kill; River rescues those after a minute)", tl.delivered, len(tickets), held, cut)
			lastLog = time.Now()
		}
		time.Sleep(250 * time.Millisecond)
	}
}
