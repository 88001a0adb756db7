package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/twindesk/twindesk/internal/apitest"
)

var (
	onceRe  = regexp.MustCompile(`name="once" value="([^"]*)"`)
	stampRe = regexp.MustCompile(`name="updated_stamp" value="([^"]*)"`)
)

// formOf returns the hidden once and updated_stamp of a ticket page.
func formOf(t *testing.T, page string) (once, stamp string) {
	t.Helper()
	o, s := onceRe.FindStringSubmatch(page), stampRe.FindStringSubmatch(page)
	if o == nil || s == nil || o[1] == "" {
		t.Fatalf("ticket form lacks once or updated_stamp")
	}
	return o[1], s[1]
}

// TestReplyFormPostsOnce: back, resubmit, then "submit again" on the refused
// page used to post the public reply twice. The form's nonce makes every repeat
// of a saved form a no-op redirect; a fresh form still posts.
func TestReplyFormPostsOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	tk := b.ticket(t, "VPN down", "since this morning", "ann@example.com", true)
	c := b.client(t)
	c.login(apitest.AdminEmail)
	path := fmt.Sprintf("/tickets/%d", tk.ID)
	_, page := c.get(path)
	once, stamp := formOf(t, page)
	reply := url.Values{"body": {"Restart the client, please."}, "visibility": {"public"}, "once": {once}, "updated_stamp": {stamp}}

	if status, _, body := c.post(path, reply); status != http.StatusSeeOther {
		t.Fatalf("first submit: status %d\n%s", status, body)
	}
	// Back and resubmit: the same form again.
	if status, loc, _ := c.post(path, reply); status != http.StatusSeeOther || loc != path+"?flash=updated" {
		t.Fatalf("resubmit: status %d location %q, want a no-op redirect", status, loc)
	}
	// Submit again from a re-rendered page of the same form (newer stamp, same once).
	_, page = c.get(path)
	_, fresh := formOf(t, page)
	reply.Set("updated_stamp", fresh)
	if status, _, _ := c.post(path, reply); status != http.StatusSeeOther {
		t.Fatalf("submit again: status %d", status)
	}
	count := func() int {
		n := 0
		comments, err := b.env.Instance.DB.Read().Comments(context.Background(), tk.ID, storePageAll)
		if err != nil {
			t.Fatal(err)
		}
		for _, cm := range comments {
			if strings.Contains(cm.Body, "Restart the client") {
				n++
			}
		}
		return n
	}
	if n := count(); n != 1 {
		t.Fatalf("the reply was posted %d times, want once", n)
	}
	// A new form (a new page load) posts a new reply.
	_, page = c.get(path)
	once2, stamp2 := formOf(t, page)
	if once2 == once {
		t.Fatal("a new page load reuses the old form's nonce")
	}
	reply.Set("once", once2)
	reply.Set("updated_stamp", stamp2)
	if status, _, _ := c.post(path, reply); status != http.StatusSeeOther {
		t.Fatalf("second reply: status %d", status)
	}
	if n := count(); n != 2 {
		t.Fatalf("a new form's reply: %d copies, want 2", n)
	}
}
