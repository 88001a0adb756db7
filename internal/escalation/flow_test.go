package escalation_test

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/demo"
	"github.com/twindesk/twindesk/internal/escalation"
)

// api is a tiny JSON client for one user of one instance.
type api struct {
	t     *testing.T
	base  string
	email string
	token string
}

func (a api) call(method, path string, in any) (int, map[string]any) {
	a.t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		require.NoError(a.t, err)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.base+"/api/v2"+path, body)
	require.NoError(a.t, err)
	req.SetBasicAuth(a.email+"/token", a.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

func (a api) must(method, path string, in any) map[string]any {
	a.t.Helper()
	code, out := a.call(method, path, in)
	require.Truef(a.t, code/100 == 2, "%s %s: %d %v", method, path, code, out)
	return out
}

// node is one instance of a twin that can be stopped and started again on the
// same address and data directory.
type node struct {
	*demo.Node
	name   string
	addr   string
	dir    string
	cancel context.CancelFunc
	wg     *sync.WaitGroup
	// allow makes the node confidential, allowed to call only these hosts.
	allow string
	// peer is the other instance's address, which a standard node may call
	// although it is on loopback.
	peer string
}

func (n *node) start(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	n.cancel, n.wg = cancel, &sync.WaitGroup{}
	// The log goes beside the data directory, where tests look for canaries.
	require.NoError(t, os.MkdirAll(filepath.Dir(n.dir), 0o700))
	logFile, err := os.OpenFile(n.dir+".log", os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	require.NoError(t, err)
	t.Cleanup(func() { _ = logFile.Close() })
	log := slog.New(slog.NewTextHandler(logFile, nil))
	for i := 0; i < 50; i++ { // the old listener may take a moment to release the port
		if n.Node, err = demo.Start(ctx, n.name, n.addr, n.dir, n.allow != "", cmp.Or(n.allow, n.peer), log, n.wg); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	require.NoError(t, err)
	n.addr = strings.TrimPrefix(n.URL, "http://")
}

// freeAddr reserves a loopback address for a node that must be known before the
// node starts: the other node is allowed to call it.
func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

func (n *node) stop() {
	n.cancel()
	n.wg.Wait()
}

// twin is a standard and a secure instance with the recipe provisioned.
type twin struct {
	t        *testing.T
	ctx      context.Context
	std, sec *node
	stdAdmin api
	secAdmin api
}

func newTwin(t *testing.T) *twin {
	dir := t.TempDir()
	tw := &twin{t: t, ctx: context.Background()}
	tw.std = &node{name: "standard", addr: "127.0.0.1:0", dir: filepath.Join(dir, "standard")}
	tw.sec = &node{name: "secure", addr: freeAddr(t), dir: filepath.Join(dir, "secure")}
	tw.std.peer = tw.sec.addr // standard may call secure, on loopback
	for _, n := range []*node{tw.std, tw.sec} {
		if n == tw.sec {
			n.allow = tw.std.addr // the secure instance may only call standard
		}
		n.start(t)
		require.NoError(t, n.Bootstrap(tw.ctx, "admin@"+n.name+".example"))
		t.Cleanup(n.stop)
	}
	tw.stdAdmin = api{t, tw.std.URL, tw.std.Admin.Email, tw.std.Token}
	tw.secAdmin = api{t, tw.sec.URL, tw.sec.Admin.Email, tw.sec.Token}
	m, err := escalation.ParseMap("Payroll (secure)=Payroll,HR (secure)=HR")
	require.NoError(t, err)
	cfg := escalation.Config{
		Standard: escalation.Side{URL: tw.std.URL, Email: tw.std.Admin.Email, Token: tw.std.Token},
		Secure:   escalation.Side{URL: tw.sec.URL, Email: tw.sec.Admin.Email, Token: tw.sec.Token},
		Map:      m,
	}
	rep, err := escalation.Setup(tw.ctx, cfg)
	require.NoError(t, err)
	require.True(t, rep.Changed())
	again, err := escalation.Setup(tw.ctx, cfg)
	require.NoError(t, err)
	require.False(t, again.Changed(), "a second setup run must change nothing: %+v", again)
	return tw
}

// agent creates an agent in group on node and returns its API handle.
func (tw *twin) agent(n *node, name, email, groupName string) (api, int64) {
	admin := api{tw.t, n.URL, n.Admin.Email, n.Token}
	u := admin.must("POST", "/users.json", map[string]any{"user": map[string]any{"name": name, "email": email, "role": "agent"}})
	uid := int64(u["user"].(map[string]any)["id"].(float64))
	gid := groupID(tw.t, admin, groupName)
	admin.must("POST", "/group_memberships.json", map[string]any{"group_membership": map[string]any{"user_id": uid, "group_id": gid}})
	tok, err := n.Instance.Desk.CreateToken(tw.ctx, email)
	require.NoError(tw.t, err)
	return api{tw.t, n.URL, email, tok}, uid
}

func groupID(t *testing.T, a api, name string) int64 {
	out := a.must("GET", "/groups.json", nil)
	for _, g := range out["groups"].([]any) {
		if g := g.(map[string]any); g["name"] == name {
			return int64(g["id"].(float64))
		}
	}
	if name == "IT Support" {
		g := a.must("POST", "/groups.json", map[string]any{"group": map[string]any{"name": name}})
		return int64(g["group"].(map[string]any)["id"].(float64))
	}
	t.Fatalf("group %q not found", name)
	return 0
}

func canary(t *testing.T, label string) string {
	b := make([]byte, 8)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return label + "-" + hex.EncodeToString(b)
}

// eventually polls cond until it holds or 15 s pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	eventuallyWithin(t, 15*time.Second, what, cond)
}

func eventuallyWithin(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func ticketsByExternalID(a api, ext string) []map[string]any {
	_, out := a.call("GET", "/tickets.json?external_id="+ext, nil)
	var res []map[string]any
	if out == nil {
		return nil
	}
	list, _ := out["tickets"].([]any)
	for _, x := range list {
		res = append(res, x.(map[string]any))
	}
	return res
}

func fieldValue(tk map[string]any, id int64) any {
	for _, f := range tk["custom_fields"].([]any) {
		if f := f.(map[string]any); int64(f["id"].(float64)) == id {
			return f["value"]
		}
	}
	return nil
}

func fieldIDs(t *testing.T, a api) map[string]int64 {
	out := a.must("GET", "/ticket_fields.json", nil)
	ids := map[string]int64{}
	for _, f := range out["ticket_fields"].([]any) {
		f := f.(map[string]any)
		ids[f["title"].(string)] = int64(f["id"].(float64))
	}
	return ids
}

func ticketID(out map[string]any) int64 { return int64(out["ticket"].(map[string]any)["id"].(float64)) }

func comments(a api, id int64) string {
	_, out := a.call("GET", fmt.Sprintf("/tickets/%d/comments.json", id), nil)
	b, _ := json.Marshal(out)
	return string(b)
}
