package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestBrowserTimesInAgentsZone: in a browser set to Berlin, ticket times show
// Berlin time and name the zone; the server's UTC time stays as the title.
func TestBrowserTimesInAgentsZone(t *testing.T) {
	b := setup(t, apitest.SQLite)
	tk := b.ticket(t, "Clock", "what time is it", "ann@example.com", true)
	br := newBrowser(t, b.env.URL)
	br.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Europe/Berlin"})
		return err
	}))
	br.open("/login")
	br.fill("email", apitest.AdminEmail)
	br.fill("password", password)
	br.clickAndLoad("form[action='/login'] button")
	br.open(fmt.Sprintf("/tickets/%d", tk.ID))
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skipf("no tz data: %v", err)
	}
	local := tk.CreatedAt.In(berlin).Format("2006-01-02 15:04")
	text := br.text("p.meta time")
	if !strings.HasPrefix(text, local+" ") || strings.HasSuffix(text, "UTC") {
		t.Fatalf("created time shows %q, want Berlin time %s with its zone", text, local)
	}
	if title := eval[string](br, `document.querySelector("p.meta time").title`); title != tk.CreatedAt.UTC().Format("2006-01-02 15:04")+" UTC" {
		t.Fatalf("the UTC time is not kept as the title: %q", title)
	}
}
