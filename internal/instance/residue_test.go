package instance_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// rowsContaining returns the rows of table (every column as text) that contain s.
func rowsContaining(t *testing.T, db *sql.DB, table, s string) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), "SELECT * FROM "+table)
	if err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var hits []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		line := fmt.Sprintf("%s", vals)
		if strings.Contains(line, s) {
			hits = append(hits, line)
		}
	}
	return hits
}

// TestPurgeLeavesNoURLResidue: a webhook URL rendered from ticket data (here the
// external id, in the path and the query) must not survive the ticket's purge in
// the deliveries table, River's job rows or the log (issue 16, item 7). One
// delivery went through after a retry; another was still retrying, against an
// endpoint that refuses connections, when the ticket was purged.
func TestPurgeLeavesNoURLResidue(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		d := newDeployment(t, b)
		logs := &syncBuffer{}
		d.log = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		n := d.open(true)
		canary := "CANARY" + itoa(time.Now().UnixNano())
		rcv := newReceiver(t)
		rcv.setAnswer(func(n int, _ []byte) int {
			if n == 1 {
				return http.StatusServiceUnavailable
			}
			return http.StatusOK
		})
		down := newReceiver(t)
		down.down()
		tmpl := "/hook/{{ticket.external_id}}?ref={{ticket.external_id}}"
		ok := n.webhook(strings.TrimSuffix(rcv.URL(), "/hook") + tmpl)
		refused := n.webhook(strings.TrimSuffix(down.URL(), "/hook") + tmpl)
		n.triggerOnCreate("to the receiver", ok, `{"t": "{{ticket.id}}"}`)
		n.triggerOnCreate("to the refusing endpoint", refused, `{"t": "{{ticket.id}}"}`)
		var out struct{ Ticket struct{ ID int64 } }
		n.must(http.StatusCreated, "POST", "/api/v2/tickets", map[string]any{"ticket": map[string]any{
			"subject": "s", "external_id": canary, "comment": map[string]any{"body": "b"}}}, &out)
		waitFor(t, 15*time.Second, "the delivery after a retry", func() bool { return len(rcv.ok()) == 1 })
		waitFor(t, 15*time.Second, "a failed attempt to the refusing endpoint", func() bool {
			inv := n.invocations(refused)
			return len(inv) == 1 && inv[0].State == model.DeliveryRetrying
		})
		db := n.In.Desk.DB().WriteDB()
		if len(rowsContaining(t, db, "deliveries", canary)) == 0 {
			t.Fatal("the canary is not in the deliveries before the purge: the test checks nothing")
		}

		id := itoa(out.Ticket.ID)
		n.must(http.StatusNoContent, "DELETE", "/api/v2/tickets/"+id, nil, nil)
		n.must(http.StatusOK, "DELETE", "/api/v2/deleted_tickets/"+id, nil, nil)
		time.Sleep(3 * time.Second) // the refused delivery's next attempt would come by now

		for _, table := range []string{"deliveries", "river_job"} {
			if hits := rowsContaining(t, db, table, canary); len(hits) > 0 {
				t.Errorf("%s still holds the canary after the purge: %v", table, hits)
			}
		}
		if strings.Contains(logs.String(), canary) {
			for _, l := range strings.Split(logs.String(), "\n") {
				if strings.Contains(l, canary) {
					t.Errorf("log line carries the canary: %s", l)
				}
			}
		}
		inv := n.invocations(refused)
		if len(inv) != 1 || inv[0].State != model.DeliveryFailed {
			t.Errorf("the delivery pending at the purge: %+v, want failed (not sent)", inv)
		}
	})
}
