package adversarial

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/escalation"
	"github.com/twindesk/twindesk/internal/proctest"
)

const password = "correct horse battery staple"

// envDir names a directory to keep the binary, data and logs in for a look
// after a failure, one subdirectory per test (give a fresh one each run).
const envDir = "TWINDESK_ADVERSARIAL_DIR"

// rig is a standard and a secure process with the recipe provisioned, the people
// who use them, and the listeners the attackers own.
type rig struct {
	dir      string
	bin      string
	keyFile  string // outside both data dirs, as an operator keeps it
	std, sec *proctest.Proc
	stdData  string // SQLite data dir (unused on PostgreSQL)
	secData  string
	stdStore []string // standard's database flags
	secStore []string
	stdPG    *pgFiles // standard's PostgreSQL files, when it runs on PostgreSQL

	stdAdmin, itAgent  api // IT
	secAdmin, hrAgent  api // HR
	stdToken, secToken string

	pseudo   int64 // standard's "Payroll (secure)"
	secStdID int64 // secure's "Standard ticket" field
	stdText  int64 // a text field of standard's, for canaries

	// Listeners owned by attackers; see newListeners.
	itAllowed *listener // an IT admin's, allowed by standard's outbound policy
	itRefused *listener // an IT admin's, on no list
	redirect  *listener // on secure's host list; redirects to target
	target    *listener // where redirect points; not on secure's host list
	secProxy  *listener // standard's way to secure, recording what standard sends
	itHang    *listener // an IT admin's endpoint that never answers, allowed by standard
}

// newRig builds the binary, starts both instances and runs escalation setup.
// Standard runs on PostgreSQL when stdDatabaseURL is set (with rewrite
// scrubs), else on SQLite.
func newRig(t *testing.T, stdDatabaseURL string) *rig {
	r := &rig{dir: t.TempDir()}
	if keep := os.Getenv(envDir); keep != "" {
		r.dir = filepath.Join(keep, t.Name())
	}
	require.NoError(t, os.MkdirAll(r.dir, 0o755))
	r.bin = proctest.BuildBinary(t, r.dir)
	r.newListeners(t)
	r.keyFile = r.newKeyFile(t)
	stdAddr, secAddr := proctest.FreeAddr(t), proctest.FreeAddr(t)
	r.stdData, r.secData = filepath.Join(r.dir, "standard-data"), filepath.Join(r.dir, "secure-data")
	r.stdStore, r.secStore = []string{"--data", r.stdData, "--database-url="}, []string{"--data", r.secData, "--database-url="}
	var stdExtra []string
	if stdDatabaseURL != "" {
		// On PostgreSQL the promise that purged text leaves the table files is
		// kept by rewrite scrubs (docs/operations.md, "Purges and scrubs").
		stdExtra = []string{"--scrub-rewrite"}
		r.stdStore = []string{"--database-url", stdDatabaseURL}
		r.stdPG = openPGFiles(t, stdDatabaseURL)
	}
	r.std = &proctest.Proc{Name: "standard", Bin: r.bin, Addr: stdAddr, LogPath: filepath.Join(r.dir, "standard.log"),
		Args: r.serveArgs(r.stdStore, stdExtra, secAddr, r.secProxy.addr, r.itAllowed.addr, r.itHang.addr)}
	r.secProxy.forwardTo(secAddr)
	r.sec = &proctest.Proc{Name: "secure", Bin: r.bin, Addr: secAddr, LogPath: filepath.Join(r.dir, "secure.log"),
		Args: r.serveArgs(r.secStore, []string{"--confidential", "--webhook-hosts", stdAddr + "," + r.redirect.addr},
			stdAddr, r.redirect.addr, r.target.addr)}
	for _, p := range []*proctest.Proc{r.std, r.sec} {
		require.NoError(t, p.Start())
		t.Cleanup(p.Kill)
	}
	r.stdAdmin, r.stdToken = r.user(t, r.std, r.stdStore, "admin@standard.example", "admin")
	r.secAdmin, r.secToken = r.user(t, r.sec, r.secStore, "admin@secure.example", "admin")
	r.setup(t)
	r.itAgent, _ = r.user(t, r.std, r.stdStore, "it.agent@standard.example", "agent")
	r.hrAgent, _ = r.user(t, r.sec, r.secStore, "hr.agent@secure.example", "agent")
	r.joinGroup(t, r.secAdmin, r.hrAgent.email, "Payroll")
	r.pseudo = r.stdAdmin.idOfNamed(t, "/groups.json", "groups", "name", "Payroll (secure)")
	r.secStdID = r.secAdmin.idOfNamed(t, "/ticket_fields.json", "ticket_fields", "title", escalation.FieldStandardTicket)
	r.stdText = idOf(r.stdAdmin.must(t, "POST", "/ticket_fields.json", map[string]any{"ticket_field": map[string]any{
		"type": "text", "title": "Employee reference"}})["ticket_field"])
	return r
}

// serveArgs are the serve flags of one instance: debug logs (one line per
// request, so the log scan covers the most text), the key that seals stored
// credentials and the private addresses it may call.
func (r *rig) serveArgs(store, extra []string, allow ...string) []string {
	args := append(append([]string{}, store...), "--log-level", "debug", "--shutdown-timeout", "5s",
		"--secret-key-file", r.keyFile, "--outbound-allow", strings.Join(allow, ","))
	return append(args, extra...)
}

// newKeyFile writes the secret key both instances seal credentials with, outside
// both data dirs, as docs/operations.md tells an operator to keep it.
func (r *rig) newKeyFile(t *testing.T) string {
	path := filepath.Join(r.dir, "keys", "twindesk.key")
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o700))
	r.cli(t, "", nil, "admin", "gen-key", "--out", path)
	return path
}

// cli runs a twindesk command with stdin and extra environment.
func (r *rig) cli(t *testing.T, stdin string, env []string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.bin, args...)
	cmd.Env = proctest.ChildEnv(env...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "twindesk %s:\n%s", strings.Join(args, " "), out)
	return string(out)
}

// user creates a user with the CLI (admin) or the admin API (others), gives
// them a password and an API token, and returns their API client and token.
func (r *rig) user(t *testing.T, p *proctest.Proc, store []string, email, role string) (api, string) {
	if role == "admin" {
		r.cli(t, "", nil, append([]string{"admin", "create-user", "--email", email, "--name", "Admin " + p.Name, "--role", role}, store...)...)
	} else {
		admin := r.stdAdmin
		if p == r.sec {
			admin = r.secAdmin
		}
		admin.must(t, "POST", "/users.json", map[string]any{"user": map[string]any{"name": email, "email": email, "role": role}})
	}
	r.cli(t, password+"\n", nil, append([]string{"admin", "set-password", "--email", email}, store...)...)
	lines := strings.Split(strings.TrimSpace(r.cli(t, "", nil, append([]string{"admin", "create-token", "--email", email}, store...)...)), "\n")
	token := lines[len(lines)-1]
	return api{base: p.URL(), email: email, token: token}, token
}

func (r *rig) joinGroup(t *testing.T, admin api, email, group string) {
	uid := idOf(admin.must(t, "GET", "/users/search.json?query="+email, nil)["users"].([]any)[0])
	gid := admin.idOfNamed(t, "/groups.json", "groups", "name", group)
	admin.must(t, "POST", "/group_memberships.json", map[string]any{"group_membership": map[string]any{"user_id": uid, "group_id": gid}})
}

// setup runs `twindesk escalation setup` with both admins' tokens, as the
// operator does; a second run (after an attack) restores the recipe.
func (r *rig) setup(t *testing.T) string {
	env := []string{"TWINDESK_STANDARD_TOKEN=" + r.stdToken, "TWINDESK_SECURE_TOKEN=" + r.secToken}
	return r.cli(t, "", env, "escalation", "setup", "--standard", r.std.URL(), "--secure", r.secProxy.url(),
		"--standard-email", r.stdAdmin.email, "--secure-email", r.secAdmin.email)
}

// idOfNamed finds the id of the item of list key at path whose attr is want.
func (a api) idOfNamed(t *testing.T, path, key, attr, want string) int64 {
	t.Helper()
	for _, x := range a.list(t, path, key) {
		if x[attr] == want {
			return idOf(x)
		}
	}
	t.Fatalf("%s: no %s with %s %q", path, key, attr, want)
	return 0
}

// webhookID finds a webhook by name (webhook ids are strings, as Zendesk's).
func (a api) webhookID(t *testing.T, name string) string {
	t.Helper()
	for _, h := range a.list(t, "/webhooks", "webhooks") {
		if h["name"] == name {
			return fmt.Sprint(h["id"])
		}
	}
	t.Fatalf("no webhook %q", name)
	return ""
}

// canary returns a word no one else writes: lower case letters and digits only,
// so the search index stores it as it is.
func canary(label string) string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	return label + hex.EncodeToString(b)
}

// tail is the random end of a canary: full-text indexes store a term after the
// prefix it shares with its neighbour, so scans look for the tail.
func tail(c string) string { return c[len(c)-16:] }

// settle waits until no webhook delivery of either instance is in flight, so
// what an attack set off has had its effect.
func (r *rig) settle(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		pending := append(r.pending(t, r.stdAdmin), r.pending(t, r.secAdmin)...)
		if len(pending) == 0 {
			time.Sleep(500 * time.Millisecond) // a trigger fired by the last delivery
			if len(r.pending(t, r.stdAdmin))+len(r.pending(t, r.secAdmin)) == 0 {
				return
			}
			continue
		}
		if time.Now().After(deadline) {
			t.Fatalf("deliveries still in flight after 60 s:\n%s", strings.Join(pending, "\n"))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// pending lists the deliveries of an instance's active webhooks neither
// delivered nor failed.
func (r *rig) pending(t *testing.T, admin api) []string {
	var out []string
	for _, h := range admin.must(t, "GET", "/webhooks", nil)["webhooks"].([]any) {
		h := h.(map[string]any)
		if h["status"] == "inactive" {
			continue // an attacker's, paused after the attack; its retries go on for hours
		}
		inv := admin.must(t, "GET", fmt.Sprintf("/webhooks/%v/invocations", h["id"]), nil)
		list, _ := inv["invocations"].([]any)
		for _, d := range list {
			d := d.(map[string]any)
			if st := d["latest_completion_status"]; st != "delivered" && st != "failed" {
				out = append(out, fmt.Sprintf("%v delivery %v: %v", h["name"], d["id"], st))
			}
		}
	}
	return out
}

// eventually polls cond every 100 ms until it holds or limit passes.
func eventually(t *testing.T, limit time.Duration, what string, cond func() bool) bool {
	t.Helper()
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// escalated is one legitimate escalation: the purged original, the secure
// ticket and the stub that replaced the original.
type escalated struct {
	orig, secure, stub int64
}

// ticketText is what an IT agent writes on a ticket they escalate.
type ticketText struct {
	subject, description, note, tag, field string
}

// newTicketText fills each part with its own canary.
func newTicketText() ticketText {
	return ticketText{subject: canary("subj"), description: canary("desc"), note: canary("note"),
		tag: canary("tag"), field: canary("field")}
}

func (x ticketText) canaries() []string {
	return []string{x.subject, x.description, x.note, x.tag, x.field}
}

// escalate is the legitimate flow: an IT agent writes a ticket, adds an internal
// note and moves it to the pseudo group; both sides link it.
func (r *rig) escalate(t *testing.T, x ticketText) escalated {
	t.Helper()
	e := escalated{orig: r.startEscalation(t, x)}
	r.waitLinked(t, &e, x.description, 30*time.Second)
	return e
}

// startEscalation writes the ticket and moves it to the pseudo group; it
// returns the original's id.
func (r *rig) startEscalation(t *testing.T, x ticketText) int64 {
	t.Helper()
	return r.startEscalationWith(t, x, func(string) {})
}

// startEscalationWith is startEscalation with more done to the ticket (its
// API path given) before it moves.
func (r *rig) startEscalationWith(t *testing.T, x ticketText, more func(path string)) int64 {
	t.Helper()
	orig := r.itAgent.createTicket(t, map[string]any{
		"subject":       "Salary of " + x.subject,
		"comment":       map[string]any{"body": "My salary is wrong: " + x.description},
		"requester":     map[string]any{"name": "Jo Requester", "email": "jo.requester@example.com"},
		"tags":          []string{x.tag},
		"custom_fields": []map[string]any{{"id": r.stdText, "value": x.field}},
	})
	path := fmt.Sprintf("/tickets/%d.json", orig)
	r.itAgent.must(t, "PUT", path, map[string]any{"ticket": map[string]any{
		"comment": map[string]any{"body": "Internal: forwarding " + x.note, "public": false}}})
	more(path)
	r.itAgent.must(t, "PUT", path, map[string]any{"ticket": map[string]any{"group_id": r.pseudo}})
	return orig
}

// waitLinked waits until the original answers 404 naming its stub, and the secure
// ticket naming the original holds the description.
func (r *rig) waitLinked(t *testing.T, e *escalated, description string, limit time.Duration) {
	t.Helper()
	ok := eventually(t, limit, "escalation linked", func() bool {
		res := r.stdAdmin.do(t, "GET", fmt.Sprintf("/tickets/%d.json", e.orig), nil)
		esc, _ := res.obj["escalated"].(map[string]any)
		if res.code != http.StatusNotFound || esc["stub_id"] == nil {
			return false
		}
		e.stub = int64(esc["stub_id"].(float64))
		e.secure = r.secureFor(t, e.orig)
		return e.secure != 0
	})
	require.True(t, ok, "the legitimate escalation of %d did not complete within %s (stub %d, secure %d)", e.orig, limit, e.stub, e.secure)
	desc, _ := r.secAdmin.ticket(t, e.secure)["description"].(string)
	require.Contains(t, desc, description, "secure ticket %d", e.secure)
}

// secureFor finds the secure ticket whose "Standard ticket" field names orig.
func (r *rig) secureFor(t *testing.T, orig int64) int64 {
	for _, tk := range r.secAdmin.list(t, "/tickets.json", "tickets") {
		if fieldValue(tk, r.secStdID) == fmt.Sprint(orig) {
			return idOf(tk)
		}
	}
	return 0
}

// noteFlows checks the recipe's one standard-to-secure call after linking: an IT
// agent's private note on the stub reaches the secure ticket.
func (r *rig) noteFlows(t *testing.T, e escalated) {
	t.Helper()
	note := canary("stubnote")
	r.itAgent.must(t, "PUT", fmt.Sprintf("/tickets/%d.json", e.stub), map[string]any{"ticket": map[string]any{
		"comment": map[string]any{"body": "Caller rang again " + note, "public": false}}})
	ok := eventually(t, 30*time.Second, "note on the secure ticket", func() bool {
		return bytes.Contains(r.secAdmin.do(t, "GET", fmt.Sprintf("/tickets/%d/comments.json", e.secure), nil).raw, []byte(note))
	})
	require.True(t, ok, "a note on stub %d did not reach secure ticket %d", e.stub, e.secure)
}

// comments counts a ticket's comments.
func (a api) comments(t *testing.T, id int64) int {
	return len(a.must(t, "GET", fmt.Sprintf("/tickets/%d/comments.json", id), nil)["comments"].([]any))
}

// hasTag reports whether a ticket carries tag.
func hasTag(tk map[string]any, tag string) bool { return slices.Contains(tagsOf(tk), tag) }
