package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// TestSearchErrorsArePlainWords: a malformed query is explained in words an
// agent reads, not the parser's "search: position 0: unterminated quote".
func TestSearchErrorsArePlainWords(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	c := b.client(t)
	c.login(apitest.AdminEmail)
	status, page := c.get("/search?q=" + url.QueryEscape(`"printer`))
	if status != http.StatusBadRequest {
		t.Fatalf("malformed query: status %d", status)
	}
	if strings.Contains(page, "position 0") || strings.Contains(page, "search: ") {
		t.Fatal("the search error is a developer message")
	}
	if !strings.Contains(page, "Search couldn&#39;t read your query: a quote is not closed") {
		t.Fatalf("the search error doesn't say what is wrong:\n%s", page)
	}
}

// TestCommentURLsAreSafeLinks: http(s) URLs in a comment are links that give
// the linked site no opener or referrer; markup and other schemes stay text.
func TestCommentURLsAreSafeLinks(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	body := `See https://wiki.example.com/vpn?a=1&b=2. Not javascript:alert(1) nor <b>bold</b> nor http://"><script>x</script>`
	tk := b.ticket(t, "VPN", body, "ann@example.com", true)
	c := b.client(t)
	c.login(apitest.AdminEmail)
	_, page := c.get(fmt.Sprintf("/tickets/%d", tk.ID))
	want := `<a href="https://wiki.example.com/vpn?a=1&amp;b=2" rel="noopener noreferrer nofollow" target="_blank">https://wiki.example.com/vpn?a=1&amp;b=2</a>.`
	if !strings.Contains(page, want) {
		t.Fatalf("the URL is not a safe link:\n%s", page)
	}
	for _, bad := range []string{"<b>bold", "<script>x", `href="javascript`, `href="http://"`} {
		if strings.Contains(page, bad) {
			t.Fatalf("comment markup reached the page: %q", bad)
		}
	}
}

// TestTimesSayUTC: times on the pages name their zone.
func TestTimesSayUTC(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	tk := b.ticket(t, "Clock", "what time is it", "ann@example.com", true)
	c := b.client(t)
	c.login(apitest.AdminEmail)
	_, page := c.get(fmt.Sprintf("/tickets/%d", tk.ID))
	stamp := tk.CreatedAt.UTC().Format("2006-01-02 15:04")
	if !strings.Contains(page, stamp+" UTC</time>") {
		t.Fatalf("ticket time %s shown without its zone", stamp)
	}
}

// TestClosedTicketIsReadOnly: a closed ticket can't change, so its page shows
// no edit form, only its properties as text.
func TestClosedTicketIsReadOnly(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	tk := b.ticket(t, "Old request", "done long ago", "ann@example.com", true)
	ctx := context.Background()
	err := b.env.Instance.DB.WriteTx(ctx, func(tx *store.Tx) error {
		before := tk.Clone()
		tk.Status = model.StatusClosed
		return tx.UpdateTicket(ctx, &before, &tk)
	})
	if err != nil {
		t.Fatal(err)
	}
	c := b.client(t)
	c.login(apitest.AdminEmail)
	_, page := c.get(fmt.Sprintf("/tickets/%d", tk.ID))
	for _, bad := range []string{`id="ticket-form"`, `<textarea id="body"`, `<select id="status"`, `id="submit"`} {
		if strings.Contains(page, bad) {
			t.Fatalf("a closed ticket shows its edit form (%s)", bad)
		}
	}
	for _, want := range []string{`id="closed-note"`, "<dt>Status</dt><dd>Closed</dd>", "<dt>Group</dt><dd>Support</dd>", "done long ago"} {
		if !strings.Contains(page, want) {
			t.Fatalf("closed ticket page lacks %q", want)
		}
	}
}
