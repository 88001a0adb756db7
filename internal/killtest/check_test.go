//go:build processtests

package killtest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/canarytest"
	"github.com/twindesk/twindesk/internal/escalation"
	"github.com/twindesk/twindesk/internal/instance"
	"github.com/twindesk/twindesk/internal/proctest"
)

// view is what both instances show about the escalations at one moment.
type view struct {
	secure        int // secure tickets tagged escalated_from_standard
	stubs         int // standard tickets tagged escalated_to_secure
	originalsLeft int // originals that don't answer 404
	duplicates    int // secure tickets or stubs beyond one per original
	deliveries    int
	failed        int
	problems      []string // anything short of "every ticket escalated exactly once"
	unsettled     []string // deliveries not yet delivered or failed
}

func (v *view) problem(format string, args ...any) {
	v.problems = append(v.problems, fmt.Sprintf(format, args...))
}

// converge polls until no delivery is in flight on either side and the state is
// complete, or the state stops changing with problems, or limit passes.
func (r *rig) converge(t *testing.T, originals []original, limit time.Duration) view {
	t.Helper()
	deadline := time.Now().Add(limit)
	var v view
	stableBad := 0
	for {
		v = r.observe(t, originals)
		settled := len(v.unsettled) == 0
		if settled && len(v.problems) == 0 {
			// Once more after a pause: nothing may arrive late (a duplicate from a
			// rescued job would show here).
			time.Sleep(3 * time.Second)
			if v = r.observe(t, originals); len(v.unsettled) == 0 && len(v.problems) == 0 {
				return v
			}
		}
		if settled {
			stableBad++
		} else {
			stableBad = 0
		}
		if stableBad >= 3 || time.Now().After(deadline) {
			t.Logf("gave up waiting: %d deliveries in flight:\n%s", len(v.unsettled), strings.Join(v.unsettled, "\n"))
			return v
		}
		time.Sleep(2 * time.Second)
	}
}

// observe reads both instances through the API.
func (r *rig) observe(t *testing.T, originals []original) view {
	t.Helper()
	ctx := context.Background()
	var v view
	secTickets, err := r.secAdmin.tickets(ctx)
	require.NoError(t, err)
	stdTickets, err := r.stdAdmin.tickets(ctx)
	require.NoError(t, err)
	byOrig := map[string]original{}
	for _, o := range originals {
		byOrig[fmt.Sprint(o.id)] = o
	}

	secureFor := map[string][]map[string]any{} // original id -> secure tickets
	for _, tk := range withTag(secTickets, escalation.TagEscalatedFromStd) {
		v.secure++
		orig, _ := field(tk, r.secStdID).(string)
		o, ok := byOrig[orig]
		if !ok {
			v.problem("secure ticket %v names standard ticket %q, which the test did not escalate", tk["id"], orig)
			continue
		}
		secureFor[orig] = append(secureFor[orig], tk)
		if desc, _ := tk["description"].(string); !strings.Contains(desc, o.canary) {
			v.problem("secure ticket %v for original %s lacks its canary", tk["id"], orig)
		}
	}
	stubFor := map[string][]map[string]any{} // secure id -> stubs
	for _, tk := range withTag(stdTickets, escalation.TagEscalatedToSecure) {
		v.stubs++
		ext, _ := tk["external_id"].(string)
		stubFor[ext] = append(stubFor[ext], tk)
	}

	for _, o := range originals {
		orig := fmt.Sprint(o.id)
		secs := secureFor[orig]
		if len(secs) != 1 {
			v.problem("original %s: %d secure tickets", orig, len(secs))
			v.duplicates += max(0, len(secs)-1)
		}
		for _, sec := range secs {
			secID := fmt.Sprint(sec["id"])
			stubs := stubFor[secID]
			if len(stubs) != 1 {
				v.problem("original %s, secure %s: %d stubs", orig, secID, len(stubs))
				v.duplicates += max(0, len(stubs)-1)
				continue
			}
			stubID := fmt.Sprint(stubs[0]["id"])
			if sec["external_id"] != stubID || !slices.Contains(sec["tags"].([]any), any(escalation.TagHasStandardID)) {
				v.problem("secure %s: external_id %v and tags %v, want stub %s and %s", secID, sec["external_id"], sec["tags"], stubID, escalation.TagHasStandardID)
			}
			if got := field(stubs[0], r.stdOrig); got != orig {
				v.problem("stub %s: Original ticket %v, want %s", stubID, got, orig)
			}
			r.checkTombstone(ctx, &v, orig, stubID)
		}
		if len(secs) == 0 {
			r.checkTombstone(ctx, &v, orig, "")
		}
	}
	r.checkNotSoftDeleted(ctx, &v, byOrig)
	r.checkDeliveries(ctx, &v, r.stdAdmin, "standard")
	r.checkDeliveries(ctx, &v, r.secAdmin, "secure")
	return v
}

// checkTombstone: the original answers 404 with its stub, so it was purged by the
// escalation (a soft-deleted ticket answers a plain 404).
func (r *rig) checkTombstone(ctx context.Context, v *view, orig, stubID string) {
	code, out, err := r.stdAdmin.call(ctx, "GET", "/tickets/"+orig+".json", nil, nil)
	switch {
	case err != nil:
		v.problem("original %s: %v", orig, err)
	case code != http.StatusNotFound:
		v.originalsLeft++
		v.problem("original %s: still there (%d)", orig, code)
	case stubID != "":
		esc, _ := out["escalated"].(map[string]any)
		if fmt.Sprint(esc["stub_id"]) != stubID {
			v.problem("original %s: 404 names stub %v, want %s (%v)", orig, esc["stub_id"], stubID, out)
		}
	}
}

// checkNotSoftDeleted: no original lingers in the deleted tickets (deleted but not
// purged: its text would still be in standard).
func (r *rig) checkNotSoftDeleted(ctx context.Context, v *view, byOrig map[string]original) {
	code, out, err := r.stdAdmin.call(ctx, "GET", "/deleted_tickets.json?per_page=100", nil, nil)
	if err != nil || code != http.StatusOK {
		v.problem("deleted tickets: %d %v", code, err)
		return
	}
	list, _ := out["deleted_tickets"].([]any)
	for _, x := range list {
		if id := fmt.Sprint(x.(map[string]any)["id"]); byOrig[id].id != 0 {
			v.problem("original %s: soft-deleted but not purged", id)
		}
	}
}

// checkDeliveries reads every webhook's delivery log (newest 100 each).
func (r *rig) checkDeliveries(ctx context.Context, v *view, c *client, side string) {
	code, out, err := c.call(ctx, "GET", "/webhooks", nil, nil)
	if err != nil || code != http.StatusOK {
		v.unsettled = append(v.unsettled, fmt.Sprintf("%s: webhooks unreadable: %d %v", side, code, err))
		return
	}
	for _, h := range out["webhooks"].([]any) {
		h := h.(map[string]any)
		code, inv, err := c.call(ctx, "GET", fmt.Sprintf("/webhooks/%v/invocations", h["id"]), nil, nil)
		if err != nil || code != http.StatusOK {
			v.unsettled = append(v.unsettled, fmt.Sprintf("%s %v: invocations unreadable: %d %v", side, h["name"], code, err))
			continue
		}
		for _, d := range inv["invocations"].([]any) {
			d := d.(map[string]any)
			v.deliveries++
			desc := fmt.Sprintf("%s %q: delivery %v (ticket %v, step %v) %v after %v attempts, last status %v, error %v",
				side, h["name"], d["id"], d["ticket_id"], d["step"], d["latest_completion_status"], d["attempts"], d["status_code"], d["error"])
			switch d["latest_completion_status"] {
			case "delivered":
			case "failed":
				v.failed++
				v.problem("%s", desc)
			default:
				v.unsettled = append(v.unsettled, desc)
			}
		}
	}
}

func withTag(tickets []map[string]any, tag string) []map[string]any {
	var out []map[string]any
	for _, tk := range tickets {
		if tags, _ := tk["tags"].([]any); slices.Contains(tags, any(tag)) {
			out = append(out, tk)
		}
	}
	return out
}

func field(tk map[string]any, id int64) any {
	list, _ := tk["custom_fields"].([]any)
	for _, f := range list {
		if f := f.(map[string]any); int64(f["id"].(float64)) == id {
			return f["value"]
		}
	}
	return nil
}

// stopAndInspect stops both instances gracefully, then checks what the API can't
// show: every delivery and River job is finished, no log line carries ticket text,
// and (SQLite) no byte of standard's data holds a ticket's body.
func (r *rig) stopAndInspect(t *testing.T, originals []original) {
	t.Helper()
	for _, p := range []*proctest.Proc{r.std, r.sec} {
		require.True(t, p.Stop(30*time.Second), "%s stops gracefully on SIGTERM after the kills", p.Name)
	}
	for _, p := range []*proctest.Proc{r.std, r.sec} {
		r.requireAllDone(t, p)
	}
	canaries := []string{r.subject}
	for _, o := range originals {
		canaries = append(canaries, o.canary)
	}
	for _, p := range []*proctest.Proc{r.std, r.sec} {
		logs, err := os.ReadFile(p.LogPath)
		require.NoError(t, err)
		require.NotEmpty(t, logs)
		for _, c := range canaries {
			require.False(t, bytes.Contains(logs, []byte(c)), "%s log %s carries ticket text %s", p.Name, p.LogPath, c)
		}
	}
	if dir := r.stores[r.std].DataDir; r.backend == "sqlite" {
		for _, o := range originals {
			require.Empty(t, canarytest.FilesContaining(t, dir, o.canary), "canary of original %d in standard's data", o.id)
		}
	}
}

// requireAllDone opens an instance's database after it stopped: every delivery
// delivered, every River job completed.
func (r *rig) requireAllDone(t *testing.T, p *proctest.Proc) {
	t.Helper()
	ctx := context.Background()
	db, err := instance.OpenStore(ctx, r.stores[p])
	require.NoError(t, err)
	defer db.Close()
	// A purge whose scrub failed or was cut off by a kill leaves its text in
	// freed pages; it stays owed until a scrub pays it, after a restart too.
	debt, err := db.ScrubDebt(ctx)
	require.NoError(t, err)
	require.Zero(t, debt.Count, "%s: scrubs still owed after the run: %+v", p.Name, debt)
	for table, want := range map[string]string{"deliveries": "delivered", "river_job": "completed"} {
		rows, err := db.WriteDB().QueryContext(ctx, "SELECT state, COUNT(*) FROM "+table+" GROUP BY state")
		require.NoError(t, err)
		got := map[string]int{}
		for rows.Next() {
			var state string
			var n int
			require.NoError(t, rows.Scan(&state, &n))
			got[state] = n
		}
		require.NoError(t, rows.Err())
		require.NoError(t, rows.Close())
		for state := range got {
			require.Equal(t, want, state, "%s %s by state: %v", p.Name, table, got)
		}
	}
}

// countLogged reads both logs: with a key, it sums that number over the lines
// carrying it (River's rescuer reports num_jobs_retry_scheduled); without, it
// counts the deliveries that will be retried.
func (r *rig) countLogged(t *testing.T, key string) int {
	n := 0
	for _, p := range []*proctest.Proc{r.std, r.sec} {
		f, err := os.Open(p.LogPath)
		require.NoError(t, err)
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var line map[string]any
			if json.Unmarshal(sc.Bytes(), &line) != nil {
				continue
			}
			if v, ok := line[key].(float64); ok && key != "" {
				n += int(v)
			} else if key == "" && line["msg"] == "delivery will be retried" {
				n++
			}
		}
		require.NoError(t, errors.Join(sc.Err(), f.Close()))
	}
	return n
}
