package instance_test

import (
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/smtp"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/mail/dovecottest"
	"github.com/twindesk/twindesk/internal/model"
)

func inMail(from, subject, body string) []byte {
	return []byte(strings.ReplaceAll(fmt.Sprintf("From: %s\nTo: it@company.example\nSubject: %s\nMessage-ID: <%s@example.com>\nContent-Type: text/plain; charset=utf-8\n\n%s\n",
		from, subject, rand.Text(), body), "\n", "\r\n"))
}

type mailboxOut struct {
	Mailbox struct {
		ID          int64   `json:"id"`
		URL         string  `json:"url"`
		HasSecret   bool    `json:"has_secret"`
		Status      string  `json:"status"`
		LastFetchAt *string `json:"last_fetch_at"`
		LastError   string  `json:"last_error"`
	} `json:"mailbox"`
}

// TestServedMailIn: a served instance fetches a mailbox an admin adds through the
// API (its password sealed and never shown), files mail pushed to --smtp-listen,
// shows each mailbox's state in the API and /metrics (a mailbox with a wrong
// password is failing at once), and refuses the mailbox API to agents and bad
// input with Zendesk-shaped errors.
func TestServedMailIn(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		srv := dovecottest.Start(t, dovecottest.Options{Users: map[string]string{"helpdesk": "s3cret-pw"}})
		imap := srv.Client(t, "helpdesk", "s3cret-pw")
		smtpAddr, metricsAddr := freeAddr(t), freeAddr(t)
		dep := newDeployment(t, b)
		dep.configure = func(c *config.Serve) {
			c.SMTPListen, c.MailPoll, c.MetricsAddr = smtpAddr, 500*time.Millisecond, metricsAddr
		}
		n := dep.open(true)
		var group struct {
			Group struct{ ID int64 } `json:"group"`
		}
		n.must(http.StatusCreated, "POST", "/api/v2/groups.json", map[string]any{"group": map[string]any{"name": "IT"}}, &group)

		var mb mailboxOut
		n.must(http.StatusCreated, "POST", "/api/v2/twindesk/mailboxes.json", map[string]any{"mailbox": map[string]any{
			"name": "it", "address": "it@company.example", "url": "imap://helpdesk:s3cret-pw@" + srv.Addr + "/INBOX?tls=none",
			"group_id": group.Group.ID}}, &mb)
		if strings.Contains(mb.Mailbox.URL, "s3cret-pw") || !mb.Mailbox.HasSecret {
			t.Fatalf("the password must move to the sealed secret: %+v", mb.Mailbox)
		}
		srv.Append(t, imap, inMail("Jo Doe <jo@example.com>", "VPN down", "Since this morning."))
		var found struct {
			Tickets []struct {
				ID      int64  `json:"id"`
				GroupID int64  `json:"group_id"`
				Subject string `json:"subject"`
				Via     struct {
					Channel string `json:"channel"`
				} `json:"via"`
			} `json:"tickets"`
		}
		waitFor(t, 30*time.Second, "the fetched mail as a ticket", func() bool {
			n.must(http.StatusOK, "GET", "/api/v2/tickets.json", nil, &found)
			return len(found.Tickets) == 1
		})
		tk := found.Tickets[0]
		if tk.Subject != "VPN down" || tk.GroupID != group.Group.ID || tk.Via.Channel != "email" {
			t.Fatalf("ticket: %+v", tk)
		}
		waitFor(t, 10*time.Second, "the mailbox shown as ok", func() bool {
			n.must(http.StatusOK, "GET", fmt.Sprintf("/api/v2/twindesk/mailboxes/%d.json", mb.Mailbox.ID), nil, &mb)
			return mb.Mailbox.Status == "ok" && mb.Mailbox.LastFetchAt != nil
		})

		// Pushed over SMTP.
		if err := smtp.SendMail(smtpAddr, nil, "ann@example.com", []string{"it@company.example"}, inMail("ann@example.com", "Printer", "Jammed.")); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 10*time.Second, "the pushed mail as a ticket", func() bool {
			n.must(http.StatusOK, "GET", "/api/v2/tickets.json", nil, &found)
			return len(found.Tickets) == 2
		})

		// A mailbox that can't log in is failing, in the API and in /metrics.
		var bad mailboxOut
		n.must(http.StatusCreated, "POST", "/api/v2/twindesk/mailboxes.json", map[string]any{"mailbox": map[string]any{
			"name": "hr", "url": "imap://helpdesk@" + srv.Addr + "/INBOX?tls=none", "secret": "wrong"}}, &bad)
		waitFor(t, 20*time.Second, "the bad mailbox failing", func() bool {
			n.must(http.StatusOK, "GET", fmt.Sprintf("/api/v2/twindesk/mailboxes/%d.json", bad.Mailbox.ID), nil, &bad)
			return bad.Mailbox.Status == "failing" && bad.Mailbox.LastError != ""
		})
		// Admin > Mailboxes says so at the top.
		if page := adminPage(t, n, "/admin/mailboxes"); !strings.Contains(page, `id="mailbox-alert"`) || !strings.Contains(page, "1 mailbox stopped fetching") {
			t.Fatalf("no alert on the mailboxes page:\n%s", page)
		}
		fams, raw := scrape(t, metricsAddr)
		if up := value(fams, "twindesk_mailbox_up", map[string]string{"mailbox": itoa(bad.Mailbox.ID)}); up != 0 {
			t.Fatalf("twindesk_mailbox_up of the bad mailbox = %v\n%s", up, raw)
		}
		if up := value(fams, "twindesk_mailbox_up", map[string]string{"mailbox": itoa(mb.Mailbox.ID)}); up != 1 {
			t.Fatalf("twindesk_mailbox_up of the good mailbox = %v", up)
		}
		if strings.Contains(raw, "s3cret") || strings.Contains(raw, srv.Addr) {
			t.Fatal("/metrics shows a mailbox's URL or password")
		}

		// Bad input and agents.
		var invalid struct {
			Error   string         `json:"error"`
			Details map[string]any `json:"details"`
		}
		if st, _ := n.do("POST", "/api/v2/twindesk/mailboxes.json", map[string]any{"mailbox": map[string]any{"name": "x", "url": "http://x", "auth": "magic"}}, nil, &invalid); st != http.StatusUnprocessableEntity || invalid.Error != "RecordInvalid" || invalid.Details["url"] == nil || invalid.Details["auth"] == nil {
			t.Fatalf("bad mailbox: %d %+v", st, invalid)
		}
		name, email, role := "Ada", "ada@example.com", string(model.RoleAgent)
		if _, err := n.In.Desk.CreateUser(t.Context(), n.admin, desk.UserInput{Name: &name, Email: &email, Role: &role}); err != nil {
			t.Fatal(err)
		}
		agentToken, err := n.In.Desk.CreateToken(t.Context(), email)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("GET", n.URL+"/api/v2/twindesk/mailboxes.json", nil)
		req.Header.Set("Authorization", "Bearer "+agentToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("agent listing mailboxes: %d, want 403", resp.StatusCode)
		}
		n.must(http.StatusNoContent, "DELETE", fmt.Sprintf("/api/v2/twindesk/mailboxes/%d.json", bad.Mailbox.ID), nil, nil)
		n.must(http.StatusNotFound, "GET", fmt.Sprintf("/api/v2/twindesk/mailboxes/%d.json", bad.Mailbox.ID), nil, nil)
	})
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// adminPage logs in to the web UI as the admin and returns the page at path.
func adminPage(t *testing.T, n *node, path string) string {
	t.Helper()
	const pw = "a long enough test password"
	if err := n.In.Desk.SetPassword(t.Context(), n.admin.Email, pw); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	get := func(p string) string {
		resp, err := c.Get(n.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	m := csrfField.FindStringSubmatch(get("/login"))
	if m == nil {
		t.Fatal("no CSRF token on the login page")
	}
	resp, err := c.PostForm(n.URL+"/login", url.Values{"csrf": {m[1]}, "email": {n.admin.Email}, "password": {pw}, "next": {path}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
