package api_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// update is the -update flag: rewrite testdata/*.golden with the current answers
// instead of comparing (go test ./internal/api -run TestGolden -update).
var update = boolFlag("update", "rewrite testdata/*.golden files with the current output")

// boolFlag defines a bool flag, or reuses it when another test file of this test
// binary already did, so two files can't panic on a redefinition.
func boolFlag(name, usage string) func() bool {
	if f := flag.Lookup(name); f != nil {
		return func() bool { return f.Value.String() == "true" }
	}
	p := flag.Bool(name, false, usage)
	return func() bool { return *p }
}

// goldenStep is one request whose answer is compared with testdata/<name>.golden.
type goldenStep struct {
	name         string
	method, path string
	body         any
	opts         []apitest.RequestOption
}

// TestGolden pins the JSON of every resource and error body. Both backends must
// produce byte-identical answers (after normalising times and the server address),
// so they are compared with the same files.
func TestGolden(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			if !update() {
				t.Parallel() // when updating, SQLite writes the files before PostgreSQL reads them
			}
			env := apitest.New(t, b)
			env.CreateAgent(t, "Ada Agent", "ada@example.com")                // user 2
			_, endToken := env.CreateEndUser(t, "Eve End", "eve@example.com") // user 3
			for _, s := range goldenSteps(endToken) {
				res := env.Do(t, s.method, s.path, s.body, s.opts...)
				checkGolden(t, env, b, s.name, res)
			}
		})
	}
}

func goldenSteps(endToken string) []goldenStep {
	return []goldenStep{
		{name: "group_create", method: "POST", path: "/api/v2/groups.json",
			body: `{"group": {"name": "IT", "description": "Workstations and printers"}}`},
		{name: "group_show", method: "GET", path: "/api/v2/groups/1.json"},
		{name: "group_membership_create", method: "POST", path: "/api/v2/group_memberships.json",
			body: `{"group_membership": {"user_id": 2, "group_id": 1}}`},
		{name: "ticket_create", method: "POST", path: "/api/v2/tickets.json", body: `{"ticket": {
			"subject": "Printer on fire", "priority": "urgent", "type": "incident", "external_id": "crm-42",
			"tags": ["printer", "Fire"], "comment": {"body": "It is on fire.\n\nPlease <help>."},
			"requester": {"name": "Rita Requester", "email": "rita@example.com", "locale_id": "1"}}}`},
		{name: "ticket_show", method: "GET", path: "/api/v2/tickets/1.json"},
		{name: "ticket_update", method: "PUT", path: "/api/v2/tickets/1.json", body: `{"ticket": {
			"status": "pending", "assignee_id": 2, "group_id": 1, "additional_tags": ["hardware"], "remove_tags": ["fire"],
			"comment": {"body": "Extinguisher on its way", "public": false}}}`},
		{name: "comments", method: "GET", path: "/api/v2/tickets/1/comments.json"},
		{name: "audits", method: "GET", path: "/api/v2/tickets/1/audits.json"},
		{name: "user_show", method: "GET", path: "/api/v2/users/4.json"},
		{name: "user_me_end_user", method: "GET", path: "/api/v2/users/me.json", opts: []apitest.RequestOption{apitest.As("eve@example.com", endToken)}},
		{name: "ticket_create_minimal", method: "POST", path: "/api/v2/tickets.json",
			body: `{"ticket": {"subject": "Second", "comment": {"body": "b"}}}`},
		{name: "tickets_offset_page", method: "GET", path: "/api/v2/tickets.json?per_page=1&page=1"},
		{name: "tickets_cursor_page", method: "GET", path: "/api/v2/tickets.json?page%5Bsize%5D=1"},
		{name: "error_400_malformed_json", method: "POST", path: "/api/v2/tickets.json", body: `{"ticket": {"subject": "x",`},
		{name: "error_401_no_credentials", method: "GET", path: "/api/v2/tickets.json", opts: []apitest.RequestOption{apitest.NoAuth()}},
		{name: "error_403_end_user", method: "GET", path: "/api/v2/tickets.json", opts: []apitest.RequestOption{apitest.As("eve@example.com", endToken)}},
		{name: "error_404_ticket", method: "GET", path: "/api/v2/tickets/999.json"},
		{name: "error_413_body_too_large", method: "POST", path: "/api/v2/groups.json", body: oversizedBody(1 << 20)},
		{name: "error_422_wrong_type", method: "PUT", path: "/api/v2/tickets/1.json", body: `{"ticket": {"status": 5, "group_id": "abc"}}`},
		{name: "error_422_no_comment", method: "POST", path: "/api/v2/tickets.json", body: `{"ticket": {"subject": "No description"}}`},
		{name: "ticket_close", method: "PUT", path: "/api/v2/tickets/2.json", body: `{"ticket": {"status": "closed"}}`},
		{name: "error_422_closed_ticket", method: "PUT", path: "/api/v2/tickets/2.json", body: `{"ticket": {"subject": "x"}}`},
	}
}

// oversizedBody is a valid ticket body one byte over limit.
func oversizedBody(limit int) string {
	prefix, suffix := `{"ticket": {"subject": "big", "comment": {"body": "`, `"}}}`
	return prefix + strings.Repeat("x", limit+1-len(prefix)-len(suffix)) + suffix
}

var (
	timestampRE = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z`)
	requestIDRE = regexp.MustCompile(`the request id is [0-9a-f]+`)
)

// normalize renders an answer as the golden text: status, the headers clients
// read, and the indented JSON body, with volatile values replaced.
func normalize(t *testing.T, env *apitest.Env, res *apitest.Response) []byte {
	t.Helper()
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP %d\n", res.Status)
	for _, h := range []string{"Content-Type", "Location", "Retry-After"} {
		if v := res.Header.Get(h); v != "" {
			fmt.Fprintf(&b, "%s: %s\n", h, v)
		}
	}
	b.WriteString("\n")
	if len(res.Body) > 0 {
		var pretty bytes.Buffer
		require.NoErrorf(t, json.Indent(&pretty, res.Body, "", "  "), "answer is not JSON: %s", res.Body)
		b.Write(pretty.Bytes())
	}
	out := strings.ReplaceAll(b.String(), env.URL, "http://twindesk.test")
	out = timestampRE.ReplaceAllString(out, "2026-01-01T00:00:00Z")
	out = requestIDRE.ReplaceAllString(out, "the request id is REQUEST_ID")
	return []byte(strings.TrimRight(out, "\n") + "\n")
}

func checkGolden(t *testing.T, env *apitest.Env, b apitest.Backend, name string, res *apitest.Response) {
	t.Helper()
	got := normalize(t, env, res)
	path := filepath.Join("testdata", name+".golden")
	if update() && b == apitest.SQLite {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoErrorf(t, err, "missing golden file; run go test ./internal/api -run TestGolden -update")
	require.Equalf(t, string(want), string(got), "%s differs from %s (refresh with -update if the change is intended)", name, path)
}

// TestGoldenStatuses guards the golden files themselves: each error file holds the
// status its name promises, and each body is Zendesk's error shape.
func TestGoldenStatuses(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "error_*.golden"))
	require.NoError(t, err)
	require.Len(t, files, 8)
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		code := strings.SplitN(filepath.Base(f), "_", 3)[1]
		require.True(t, strings.HasPrefix(string(raw), "HTTP "+code+"\n"), "%s starts with HTTP %s", f, code)
		_, body, _ := strings.Cut(string(raw), "\n\n")
		var e struct {
			Error string `json:"error"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &e), f)
		require.NotEmpty(t, e.Error, "%s has an error member", f)
		if code == "404" {
			require.Equal(t, "RecordNotFound", e.Error)
		}
		if code == "401" {
			require.Equal(t, "Couldn't authenticate you", e.Error)
		}
		if code == "422" {
			require.Equal(t, "RecordInvalid", e.Error)
		}
	}
}
