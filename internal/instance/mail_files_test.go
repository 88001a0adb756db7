package instance_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/mailpittest"
)

// TestMailCarriesAttachments: a public comment's files go with the requester's
// notification, read back by Mailpit with their non-ASCII names and the same
// SHA-256; a file over the per-file limit, and one past the total, go as links
// that download only for a signed-in user; a private note's file goes nowhere.
// The limits are set low (2 MB a file, 3 MB in all) to keep the files small.
func TestMailCarriesAttachments(t *testing.T) {
	t.Parallel()
	sink := mailpittest.Start(t)
	d := mailDeployment(t, sink, "full")
	configure := d.configure
	d.configure = func(c *config.Serve) {
		configure(c)
		c.MailOut.MailFileBytes, c.MailOut.MailFilesBytes = 2<<20, 3<<20
	}
	n := d.open(true)
	z, ctx := zendeskClient(t, n), context.Background()
	tk, err := z.CreateTicket(ctx, zendesk.Ticket{Subject: "Gehaltsabrechnung",
		Requester: &zendesk.Requester{Name: "Jürgen Weiß", Email: "juergen@example.org"},
		Comment:   &zendesk.TicketComment{Body: "Meine Abrechnung stimmt nicht."}})
	require.NoError(t, err)
	sink.WaitFor(1, 20*time.Second) // "request received"

	files := []struct {
		name   string
		data   []byte
		linked bool
	}{
		{"Abrechnung März 2026 – korrigiert.pdf", randomFile(t, 1500<<10), false},
		{"報告書.txt", []byte("日本語のテキスト\n"), false},
		{"scan-großformat.tif", randomFile(t, 2500<<10), true}, // over 2 MB
		{"foto.png", randomFile(t, 1600<<10), true},            // with the PDF over 3 MB
	}
	token := ""
	for _, f := range files {
		w := z.UploadAttachment(ctx, f.name, token)
		_, err := w.Write(f.data)
		require.NoError(t, err)
		up, err := w.Close()
		require.NoError(t, err)
		token = up.Token
	}
	public := true
	_, err = z.UpdateTicket(ctx, tk.ID, zendesk.Ticket{Comment: &zendesk.TicketComment{Body: "Hier die korrigierte Fassung.",
		Public: &public, Uploads: []string{token}}})
	require.NoError(t, err)
	noteFile := uploadOne(t, z, "note-canary.txt", []byte("internal-file-canary"))
	private := false
	_, err = z.UpdateTicket(ctx, tk.ID, zendesk.Ticket{Comment: &zendesk.TicketComment{Body: "internal",
		Public: &private, Uploads: []string{noteFile}}})
	require.NoError(t, err)

	got := sink.WaitFor(2, 20*time.Second)
	time.Sleep(time.Second) // a mail for the note would have arrived by now
	require.Len(t, sink.Messages(), 2, "the private note sent no mail")
	reply := bySubject(got, "Re: Gehaltsabrechnung")
	require.Len(t, reply, 1)
	m := sink.Message(reply[0].ID)
	require.Contains(t, m.Text, "Hier die korrigierte Fassung.")
	carried := map[string][32]byte{}
	for _, a := range m.Attachments {
		carried[a.FileName] = sha256.Sum256(sink.Part(reply[0].ID, a.PartID))
	}
	require.Len(t, carried, 2, "%+v", m.Attachments)
	for _, f := range files {
		if !f.linked {
			require.Equal(t, sha256.Sum256(f.data), carried[f.name], "%s carried byte for byte", f.name)
			continue
		}
		re := regexp.MustCompile(`- ` + regexp.QuoteMeta(f.name) + ` \([0-9.]+ MB\): (` + regexp.QuoteMeta(n.URL) + `/attachments/token/\S+)`)
		match := re.FindStringSubmatch(m.Text)
		require.NotNil(t, match, "%s is linked in:\n%s", f.name, m.Text)
		resp, err := http.Get(match[1])
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "the link alone downloads nothing")
		// Opened in a browser from the mail, it asks to sign in and comes back.
		req, err := http.NewRequest("GET", match[1], nil)
		require.NoError(t, err)
		req.Header.Set("Accept", "text/html,application/xhtml+xml")
		resp, err = http.DefaultTransport.RoundTrip(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		require.Equal(t, "/login?next="+url.QueryEscape(strings.TrimPrefix(match[1], n.URL)), resp.Header.Get("Location"))
		req, err = http.NewRequest("GET", match[1], nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+n.token)
		resp, err = http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, sha256.Sum256(f.data), sha256.Sum256(body), "%s through its link", f.name)
	}
	for _, s := range sink.Messages() {
		full := sink.Message(s.ID)
		require.NotContains(t, full.Text, "note-canary", "a private note's file went out")
		for _, a := range full.Attachments {
			require.NotEqual(t, "note-canary.txt", a.FileName)
		}
	}
}

func randomFile(t *testing.T, n int) []byte {
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return b
}

// uploadOne uploads one file with go-zendesk and returns its token.
func uploadOne(t *testing.T, z *zendesk.Client, name string, data []byte) string {
	t.Helper()
	w := z.UploadAttachment(context.Background(), name, "")
	_, err := w.Write(data)
	require.NoError(t, err)
	up, err := w.Close()
	require.NoError(t, err)
	return up.Token
}

// TestMailFilesFollowContentSetting: files leave only in mail that may carry
// the comment. On a confidential instance the requester gets the file but an
// end user a trigger also mails (not the requester) gets neither the file nor
// its name; with --mail-content none even the requester gets neither.
func TestMailFilesFollowContentSetting(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name         string
		content      string
		confidential bool
	}{{"confidential", "full", true}, {"content-none", "none", false}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sink := mailpittest.Start(t)
			d := mailDeployment(t, sink, tc.content)
			configure := d.configure
			d.configure = func(c *config.Serve) {
				configure(c)
				c.Confidential, c.WebhookHosts = tc.confidential, "127.0.0.1:9"
			}
			n := d.open(true)
			z, ctx := zendeskClient(t, n), context.Background()
			outsider, err := z.CreateUser(ctx, zendesk.User{Name: "Olga Outsider", Email: "olga@example.org", Role: "end-user"})
			require.NoError(t, err)
			_, err = z.CreateTrigger(ctx, zendesk.Trigger{Title: "Copy Olga",
				Conditions: struct {
					All []zendesk.TriggerCondition `json:"all"`
					Any []zendesk.TriggerCondition `json:"any"`
				}{All: []zendesk.TriggerCondition{{Field: "comment_is_public", Operator: "is", Value: "true"},
					{Field: "update_type", Operator: "is", Value: "Change"}}},
				Actions: []zendesk.TriggerAction{{Field: "notification_user", Value: []any{outsider.ID,
					"Copy: {{ticket.title}}", "{{ticket.latest_public_comment}}"}}}})
			require.NoError(t, err)
			tk, err := z.CreateTicket(ctx, zendesk.Ticket{Subject: "Sick note",
				Requester: &zendesk.Requester{Name: "Jo Doe", Email: "jo@example.org"},
				Comment:   &zendesk.TicketComment{Body: "Please file it."}})
			require.NoError(t, err)
			sink.WaitFor(1, 20*time.Second)
			data := []byte("diagnosis-canary-7f3a")
			public := true
			_, err = z.UpdateTicket(ctx, tk.ID, zendesk.Ticket{Comment: &zendesk.TicketComment{Body: "Filed, see the form.",
				Public: &public, Uploads: []string{uploadOne(t, z, "arztbrief-geheim.txt", data)}}})
			require.NoError(t, err)
			got := sink.WaitFor(3, 20*time.Second)
			toJo := 0
			for _, s := range got {
				m := sink.Message(s.ID)
				if s.To[0].Address == "jo@example.org" {
					toJo++
				}
				if strings.Contains(s.Subject, "Re: Sick note") && tc.content == "full" {
					require.Len(t, m.Attachments, 1, "the requester gets the file")
					require.Equal(t, sha256.Sum256(data), sha256.Sum256(sink.Part(s.ID, m.Attachments[0].PartID)))
					continue
				}
				require.Empty(t, m.Attachments, "%s to %s carries no file", s.Subject, s.To[0].Address)
				require.NotContains(t, m.Text+m.HTML, "arztbrief", "%s to %s names no file", s.Subject, s.To[0].Address)
			}
			require.Equal(t, 2, toJo, "the requester got the received mail and the reply")
		})
	}
}
