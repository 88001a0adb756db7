package loadgen

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twindesk/twindesk/internal/peer"
)

// EscalationConfig is a run of escalation round trips between a standard and a
// secure instance that have the recipe provisioned (twindesk escalation setup).
type EscalationConfig struct {
	// N is the number of round trips.
	N int
	// Concurrency is the number of round trips in flight at once.
	Concurrency int
	// Pseudo is the standard pseudo group that escalates.
	Pseudo string
	// Poll is the interval between checks of a round trip; it bounds the
	// measurement's resolution.
	Poll time.Duration
	// Timeout fails a round trip that has not completed by then.
	Timeout time.Duration
}

func (cfg *EscalationConfig) defaults() {
	cfg.N, cfg.Concurrency = max(cfg.N, 1), max(cfg.Concurrency, 1)
	if cfg.Pseudo == "" {
		cfg.Pseudo = "Payroll (secure)"
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 5 * time.Millisecond
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
}

// escRun holds what every round trip needs.
type escRun struct {
	std, sec    *Client
	cfg         EscalationConfig
	pseudoID    int64
	stdTicketID int64 // secure's "Standard ticket" field
	rec         *Recorder
	bodies      [][]byte
}

// RunEscalation measures round trips: a standard ticket is put in the pseudo
// group (clock starts just before that PUT) and the round trip ends when the
// secure copy carries the stub's id as external_id and the stub in standard
// carries the secure id, i.e. every webhook of DESIGN section 7's first three
// steps has been delivered and acted on.
func RunEscalation(ctx context.Context, std, sec *Client, cfg EscalationConfig) (Result, error) {
	cfg.defaults()
	r := &escRun{std: std, sec: sec, cfg: cfg, rec: NewRecorder(), bodies: createBodies(64, 9)}
	var err error
	if r.pseudoID, err = groupID(ctx, std, cfg.Pseudo); err != nil {
		return Result{}, err
	}
	if r.stdTicketID, err = fieldID(ctx, sec, peer.FieldStandardTicket); err != nil {
		return Result{}, err
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range cfg.Concurrency {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(cfg.N) && ctx.Err() == nil; i = next.Add(1) - 1 {
				r.roundTrip(ctx, int(i))
			}
		})
	}
	wg.Wait()
	params := fmt.Sprintf("%d round trips, %d at a time, polled every %s, pseudo group %q", cfg.N, cfg.Concurrency, cfg.Poll, cfg.Pseudo)
	res := r.rec.Result("bench escalation", params, time.Since(start))
	res.Ops = slices.DeleteFunc(res.Ops, func(o OpResult) bool { return o.Op == "all" }) // two different things
	return res, ctx.Err()
}

// roundTrip runs one escalation and records it; failures are recorded too.
func (r *escRun) roundTrip(ctx context.Context, i int) {
	var created struct {
		Ticket struct {
			ID int64 `json:"id"`
		} `json:"ticket"`
	}
	code, err := r.std.Do(ctx, "POST", "/api/v2/tickets.json", r.bodies[i%len(r.bodies)], &created)
	if err != nil {
		r.rec.Record("round_trip", 0, code)
		return
	}
	orig := created.Ticket.ID
	move := mustJSON(map[string]any{"ticket": map[string]any{"group_id": r.pseudoID}})
	t0 := time.Now()
	code, err = r.std.Do(ctx, "PUT", fmt.Sprintf("/api/v2/tickets/%d.json", orig), move, nil)
	r.rec.Record("set_group", time.Since(t0), code)
	if err != nil {
		r.rec.Record("round_trip", time.Since(t0), code)
		return
	}
	code = 200
	if err := r.waitLinked(ctx, orig, t0.Add(r.cfg.Timeout)); err != nil {
		code = 0 // counted as a failure: no complete answer
	}
	r.rec.Record("round_trip", time.Since(t0), code)
}

var errNotYet = errors.New("not linked yet")

// waitLinked polls until the escalation of standard ticket orig is linked both
// ways, or the deadline passes.
func (r *escRun) waitLinked(ctx context.Context, orig int64, deadline time.Time) error {
	for {
		err := r.linked(ctx, orig)
		if err == nil || !errors.Is(err, errNotYet) {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("loadgen: escalation of ticket %d not linked after %s", orig, r.cfg.Timeout)
		}
		select {
		case <-time.After(r.cfg.Poll):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

type ticketRef struct {
	ID         int64   `json:"id"`
	ExternalID *string `json:"external_id"`
}

// linked finds the secure copy by its "Standard ticket" field and checks both
// external ids.
func (r *escRun) linked(ctx context.Context, orig int64) error {
	var found struct {
		Results []ticketRef `json:"results"`
	}
	q := url.QueryEscape(fmt.Sprintf("type:ticket custom_field_%d:%d", r.stdTicketID, orig))
	if _, err := r.sec.Do(ctx, "GET", "/api/v2/search.json?query="+q, nil, &found); err != nil {
		return errors.Join(errNotYet, err) // secure may be busy or restarting: keep polling
	}
	if len(found.Results) == 0 || found.Results[0].ExternalID == nil || *found.Results[0].ExternalID == "" {
		return errNotYet
	}
	secID, stubID := found.Results[0].ID, *found.Results[0].ExternalID
	var stubs struct {
		Tickets []ticketRef `json:"tickets"`
	}
	if _, err := r.std.Do(ctx, "GET", fmt.Sprintf("/api/v2/tickets.json?external_id=%d", secID), nil, &stubs); err != nil {
		return errors.Join(errNotYet, err)
	}
	if len(stubs.Tickets) != 1 || fmt.Sprint(stubs.Tickets[0].ID) != stubID {
		return errNotYet
	}
	return nil
}

// groupID finds a group by name.
func groupID(ctx context.Context, c *Client, name string) (int64, error) {
	var out struct {
		Groups []struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"groups"`
	}
	if _, err := c.Do(ctx, "GET", "/api/v2/groups.json?per_page=100", nil, &out); err != nil {
		return 0, fmt.Errorf("loadgen: list groups: %w", err)
	}
	for _, g := range out.Groups {
		if g.Name == name {
			return g.ID, nil
		}
	}
	return 0, fmt.Errorf("loadgen: no group %q on %s: run twindesk escalation setup first", name, c.URLs()[0])
}

// fieldID finds a ticket field by title.
func fieldID(ctx context.Context, c *Client, title string) (int64, error) {
	var out struct {
		Fields []struct {
			ID    int64  `json:"id"`
			Title string `json:"title"`
		} `json:"ticket_fields"`
	}
	if _, err := c.Do(ctx, "GET", "/api/v2/ticket_fields.json", nil, &out); err != nil {
		return 0, fmt.Errorf("loadgen: list ticket fields: %w", err)
	}
	for _, f := range out.Fields {
		if f.Title == title {
			return f.ID, nil
		}
	}
	return 0, fmt.Errorf("loadgen: no ticket field %q on %s: run twindesk escalation setup first", title, c.URLs()[0])
}
