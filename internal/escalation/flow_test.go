package escalation_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
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
	"github.com/twindesk/twindesk/internal/model"
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

// twin is a standard and a secure instance with the recipe provisioned.
type twin struct {
	t        *testing.T
	ctx      context.Context
	std, sec *demo.Node
	stdAdmin api
	secAdmin api
	wg       *sync.WaitGroup
	cancel   context.CancelFunc
	dir      string
}

func startNode(t *testing.T, ctx context.Context, wg *sync.WaitGroup, name, addr, dir string) *demo.Node {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	n, err := demo.Start(ctx, name, addr, filepath.Join(dir, name), name == "secure", log, wg)
	require.NoError(t, err)
	require.NoError(t, n.Bootstrap(ctx, "admin@"+name+".example"))
	return n
}

func newTwin(t *testing.T) *twin {
	ctx, cancel := context.WithCancel(context.Background())
	tw := &twin{t: t, ctx: ctx, cancel: cancel, wg: &sync.WaitGroup{}, dir: t.TempDir()}
	tw.std = startNode(t, ctx, tw.wg, "standard", "127.0.0.1:0", tw.dir)
	tw.sec = startNode(t, ctx, tw.wg, "secure", "127.0.0.1:0", tw.dir)
	t.Cleanup(func() { tw.cancel(); tw.wg.Wait() })
	tw.stdAdmin = api{t, tw.std.URL, tw.std.Admin.Email, tw.std.Token}
	tw.secAdmin = api{t, tw.sec.URL, tw.sec.Admin.Email, tw.sec.Token}
	m, err := escalation.ParseMap("Payroll (secure)=Payroll,HR (secure)=HR")
	require.NoError(t, err)
	cfg := escalation.Config{
		Standard: escalation.Side{URL: tw.std.URL, Email: tw.std.Admin.Email, Token: tw.std.Token},
		Secure:   escalation.Side{URL: tw.sec.URL, Email: tw.sec.Admin.Email, Token: tw.sec.Token},
		Map:      m,
	}
	rep, err := escalation.Setup(ctx, cfg)
	require.NoError(t, err)
	require.True(t, rep.Changed())
	again, err := escalation.Setup(ctx, cfg)
	require.NoError(t, err)
	require.False(t, again.Changed(), "a second setup run must change nothing: %+v", again)
	return tw
}

// agent creates an agent in group on node and returns its API handle.
func (tw *twin) agent(n *demo.Node, name, email, groupName string) (api, int64) {
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
	deadline := time.Now().Add(15 * time.Second)
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

// grepDir returns the files under dir that contain needle.
func grepDir(t *testing.T, dir, needle string) []string {
	var hits []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(needle)) {
			hits = append(hits, path)
		}
		return nil
	})
	require.NoError(t, err)
	return hits
}

var _ = strings.Contains
var _ = model.StatusClosed
