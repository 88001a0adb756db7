package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/model"
)

// TestBrowserTimesInAgentsZone, at 1280 and 390 px: an agent's times follow
// the zone in their settings, not the browser's: with none set they are in the
// account schedule's zone (Tokyo); after the agent chooses Berlin on the
// settings page, the ticket page shows Berlin time naming the zone, with the
// UTC time as the title, and the list shows "… ago" with the Berlin time as
// its title. A zone that doesn't exist is refused on the form.
func TestBrowserTimesInAgentsZone(t *testing.T) {
	berlin, err1 := time.LoadLocation("Europe/Berlin")
	tokyo, err2 := time.LoadLocation("Asia/Tokyo")
	if err1 != nil || err2 != nil {
		t.Skipf("no tz data: %v %v", err1, err2)
	}
	for _, width := range []int64{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			b := setup(t, apitest.SQLite)
			ctx := context.Background()
			d := b.env.Instance.Desk
			week := []model.ScheduleInterval{{StartTime: 0, EndTime: 7 * 24 * 60}}
			if _, err := d.SaveSchedule(ctx, b.admin, model.Schedule{Name: "Office", TimeZone: "Asia/Tokyo", Intervals: week}); err != nil {
				t.Fatal(err)
			}
			ada := viewAgent(t, b, "Ada Agent", "ada@example.com")
			tk := b.ticket(t, "Clock", "what time is it", "ann@example.com", false)
			br := newBrowser(t, b.env.URL)
			br.viewport(width, 900)
			br.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "America/New_York"})
				return err
			}))
			br.open("/login")
			br.fill("email", "ada@example.com")
			br.fill("password", password)
			br.clickAndLoad("form[action='/login'] button")
			created := func() string { return br.text("p.meta time") }
			br.open(fmt.Sprintf("/tickets/%d", tk.ID))
			if want := tk.CreatedAt.In(tokyo).Format("2006-01-02 15:04 MST"); created() != want {
				t.Fatalf("with no zone set, the created time shows %q, want the schedule's zone: %q", created(), want)
			}

			br.clickAndLoad("#my-settings")
			br.fill("time_zone", "Mars/Olympus")
			br.clickAndLoad("#save-settings")
			if msg := br.text("#zone-error"); !strings.Contains(msg, "Mars/Olympus") {
				t.Fatalf("an unknown zone: the form says %q", msg)
			}
			if u, _ := d.User(ctx, b.admin, ada.ID); u.TimeZone != "" {
				t.Fatalf("a refused zone was stored: %q", u.TimeZone)
			}
			br.fill("time_zone", "Europe/Berlin")
			br.checkPage(fmt.Sprintf("settings at %d px", width))
			br.clickAndLoad("#save-settings")
			if got := br.text("#zone-now"); !strings.Contains(got, "Europe/Berlin") {
				t.Fatalf("after saving, the settings say %q", got)
			}

			br.open(fmt.Sprintf("/tickets/%d", tk.ID))
			if want := tk.CreatedAt.In(berlin).Format("2006-01-02 15:04 MST"); created() != want {
				t.Fatalf("the created time shows %q, want Berlin time with its zone %q", created(), want)
			}
			if title := eval[string](br, `document.querySelector("p.meta time").title`); title != tk.CreatedAt.UTC().Format("2006-01-02 15:04")+" UTC" {
				t.Fatalf("the UTC time is not kept as the title: %q", title)
			}
			br.open("/views/open")
			cell := fmt.Sprintf(`tr:has(a[href="/tickets/%d"]) time`, tk.ID)
			if got := br.text(cell); !strings.HasSuffix(got, " ago") && got != "just now" {
				t.Fatalf("the list's updated time reads %q, want a relative time", got)
			}
			if title := eval[string](br, `document.querySelector(`+fmt.Sprintf("%q", cell)+`).title`); !strings.HasPrefix(title, tk.UpdatedAt.In(berlin).Format("2006-01-02 15:04")) {
				t.Fatalf("the relative time's title is %q, want the Berlin time", title)
			}
			br.screenshot(fmt.Sprintf("time-zone-%d", width))
		})
	}
}

// TestSettingsWhoMaySetAZone: an admin sets an agent's zone on the agent's
// settings page; an agent can't open or post another agent's settings.
func TestSettingsWhoMaySetAZone(t *testing.T) {
	b := setup(t, apitest.SQLite)
	ctx := context.Background()
	d := b.env.Instance.Desk
	ada := viewAgent(t, b, "Ada Agent", "ada@example.com")
	viewAgent(t, b, "Bob Agent", "bob@example.com")
	admin := b.client(t)
	admin.login(apitest.AdminEmail)
	admin.get(fmt.Sprintf("/settings/%d", ada.ID))
	if status, _, body := admin.post(fmt.Sprintf("/settings/%d", ada.ID), url.Values{"time_zone": {"Asia/Kolkata"}}); status != http.StatusSeeOther {
		t.Fatalf("admin sets Ada's zone: status %d\n%s", status, body)
	}
	if u, _ := d.User(ctx, b.admin, ada.ID); u.TimeZone != "Asia/Kolkata" {
		t.Fatalf("Ada's zone is %q", u.TimeZone)
	}
	c := b.client(t)
	c.login("bob@example.com")
	if status, _ := c.get(fmt.Sprintf("/settings/%d", ada.ID)); status != http.StatusNotFound {
		t.Errorf("Bob opens Ada's settings: status %d, want 404", status)
	}
	if status, _, _ := c.post(fmt.Sprintf("/settings/%d", ada.ID), url.Values{"time_zone": {"UTC"}}); status != http.StatusNotFound {
		t.Errorf("Bob posts Ada's settings: status %d, want 404", status)
	}
	if u, _ := d.User(ctx, b.admin, ada.ID); u.TimeZone != "Asia/Kolkata" {
		t.Fatalf("Bob changed Ada's zone to %q", u.TimeZone)
	}
}
