package instance_test

import (
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// blackhole accepts connections and never answers, until the test ends.
func blackhole(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return "http://" + ln.Addr().String() + "/hook"
}

// triggerOnCreate creates a trigger that notifies webhook whID of every new ticket.
func (n *node) triggerOnCreate(title, whID, body string) {
	n.must(http.StatusCreated, "POST", "/api/v2/triggers", map[string]any{"trigger": map[string]any{
		"title": title, "conditions": map[string]any{"all": []map[string]any{
			{"field": "update_type", "operator": "is", "value": "Create"}}},
		"actions": []map[string]any{{"field": "notification_webhook", "value": []string{whID, body}}}}}, nil)
}

// TestSlowEndpointHoldsNoOtherWorkers: 40 deliveries to an endpoint that never
// answers must not delay a delivery to a healthy one (issue 16, item 7: with 8
// workers each held 10 s per attempt, every escalation waited minutes). The bound
// is generous; it checks that the healthy delivery doesn't queue behind the slow
// ones, it is not a benchmark.
func TestSlowEndpointHoldsNoOtherWorkers(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		n := newDeployment(t, b).open(true)
		n.triggerOnCreate("to the slow endpoint", n.webhook(blackhole(t)), `{"ticket": "{{ticket.id}}"}`)
		for i := 0; i < 40; i++ {
			n.ticket("slow " + itoa(int64(i)))
		}
		rcv := newReceiver(t)
		n.triggerOnCreate("to the healthy endpoint", n.webhook(rcv.URL()), `{"ticket": "{{ticket.id}}"}`)
		start := time.Now()
		n.ticket("healthy")
		waitFor(t, 5*time.Second, "the delivery to the healthy endpoint", func() bool { return len(rcv.ok()) == 1 })
		t.Logf("healthy delivery after %s", time.Since(start))
	})
}
