//go:build processtests

package scaleout

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/webhook"
)

// maxHold bounds how long a held request waits: under the sender's timeout, so a
// held request is never timed out and sent again by a node that is alive.
const maxHold = webhook.Timeout - 2*time.Second

// arrival is one request the receiver got.
type arrival struct {
	key    string // Idempotency-Key: the delivery id, the same on every attempt
	ticket int64
	// acked is set once the receiver answered 200 to a sender it saw connected;
	// a sender killed a moment before may never read it (checkSends).
	acked bool
}

// receiver is the webhook endpoint. It records every request and answers 200, at
// once, or, while holding, only when released: the test holds requests so that the
// node it kills certainly has deliveries in flight.
type receiver struct {
	srv *httptest.Server

	mu       sync.Mutex
	arrivals []arrival
	bad      []string
	release  chan struct{} // non-nil while holding
	held     int           // requests waiting to be released
	cut      int           // held requests whose sender went away
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{}
	r.srv = httptest.NewServer(r)
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	// Reading the whole body first also lets the server notice a sender that
	// goes away while the request is held: its context is then cancelled.
	raw, err := io.ReadAll(req.Body)
	var body struct {
		TicketID string `json:"ticket_id"`
	}
	if err == nil {
		err = json.Unmarshal(raw, &body)
	}
	id, idErr := strconv.ParseInt(body.TicketID, 10, 64)
	key := req.Header.Get("Idempotency-Key")
	r.mu.Lock()
	if err != nil || idErr != nil || key == "" {
		// Answered 200 all the same: a refusal would only turn into retries, and
		// the test fails on bad anyway.
		r.bad = append(r.bad, fmt.Sprintf("%s %s key=%q body=%q err=%v", req.Method, req.URL, key, raw, err))
		r.mu.Unlock()
		return
	}
	i := len(r.arrivals)
	r.arrivals = append(r.arrivals, arrival{key: key, ticket: id})
	release := r.release
	if release != nil {
		r.held++
	}
	r.mu.Unlock()

	if release != nil && !r.wait(req, release) {
		return
	}
	w.WriteHeader(http.StatusOK)
	r.mu.Lock()
	r.arrivals[i].acked = true
	r.mu.Unlock()
}

// wait holds a request until release, and reports false if its sender went away
// first.
func (r *receiver) wait(req *http.Request, release chan struct{}) bool {
	gone := false
	select {
	case <-release:
	case <-time.After(maxHold):
	case <-req.Context().Done():
		gone = true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.held--
	if gone {
		r.cut++
	}
	return !gone
}

func (r *receiver) endpoint() string { return r.srv.URL + "/hook" }

// hold makes new requests wait until releaseAll.
func (r *receiver) hold() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.release == nil {
		r.release = make(chan struct{})
	}
}

// releaseAll answers the held requests and stops holding.
func (r *receiver) releaseAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.release != nil {
		close(r.release)
		r.release = nil
	}
}

// counts returns how many requests are held now and how many were cut off.
func (r *receiver) counts() (held, cut int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.held, r.cut
}

// seen is a copy of what the receiver got.
type seen struct {
	arrivals []arrival
	bad      []string // requests that could not be read
}

// since returns the arrivals from index from on, and every unreadable request.
func (r *receiver) since(from int) seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return seen{arrivals: append([]arrival(nil), r.arrivals[from:]...), bad: append([]string(nil), r.bad...)}
}

func (r *receiver) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.arrivals)
}

// tally is what the receiver saw of one phase's tickets.
type tally struct {
	arrivals   int
	delivered  int // tickets with an acknowledged delivery
	duplicates int // arrivals beyond the first of their ticket
	problems   []string
}

// tallyOf checks the arrivals of one phase against the tickets it created: every
// ticket is delivered, with one Idempotency-Key. Whether a ticket was sent again
// only when it should have been is for checkSends, from the senders' records: a
// 200 the receiver wrote says nothing of whether its sender lived to read it.
func tallyOf(s seen, tickets map[int64]bool) tally {
	var tl tally
	for _, b := range s.bad {
		tl.problems = append(tl.problems, "unreadable request: "+b)
	}
	byTicket := map[int64][]arrival{}
	for _, a := range s.arrivals {
		if !tickets[a.ticket] {
			tl.problems = append(tl.problems, fmt.Sprintf("delivery %s for ticket %d, which this phase did not create", a.key, a.ticket))
			continue
		}
		tl.arrivals++
		byTicket[a.ticket] = append(byTicket[a.ticket], a)
	}
	for id := range tickets {
		as := byTicket[id]
		acked := false
		for _, a := range as {
			if a.key != as[0].key {
				tl.problems = append(tl.problems, fmt.Sprintf("ticket %d delivered under two Idempotency-Keys, %s and %s: its trigger fired twice", id, as[0].key, a.key))
			}
			acked = acked || a.acked
		}
		if acked {
			tl.delivered++
		}
		tl.duplicates += max(0, len(as)-1)
	}
	return tl
}
