package web_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// chromiumPath is where Debian installs Chromium (.ci/run installs it).
const chromiumPath = "/usr/bin/chromium"

// browser drives one headless Chromium tab against a test server.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
}

// newBrowser starts Chromium with a fresh profile. Without Chromium the test is
// skipped, except in CI, where it fails.
func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	path := chromiumPath
	if _, err := os.Stat(path); err != nil {
		if p, err := exec.LookPath("chromium"); err == nil {
			path = p
		} else if os.Getenv("CI") != "" {
			t.Fatalf("chromium is required in CI: %v (apt-get install -y chromium)", err)
		} else {
			t.Skipf("chromium not installed (apt-get install -y chromium): %v", err)
		}
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser, with no deadline
		t.Fatalf("start chromium: %v", err)
	}
	// Every later action shares one deadline, so a hung page fails the test instead
	// of the whole run. The flow takes about 25 s on a busy 2-core machine.
	tctx, cancel := context.WithTimeout(ctx, 120*time.Second)
	t.Cleanup(cancel)
	return &browser{t: t, ctx: tctx, base: base}
}

// do runs actions and fails the test on error.
func (b *browser) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// open loads a page of the server and waits for its main element.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("main")))
}

// clickAndLoad clicks sel and waits for the page it leads to.
func (b *browser) clickAndLoad(sel string) {
	b.t.Helper()
	_, err := chromedp.Run(b.ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(sel))))
	if err != nil {
		b.t.Fatalf("browser: click %s: %v", sel, err)
	}
}

// text returns the text of the first element matching sel.
func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("browser: text of %s: %v", sel, err)
	}
	return s
}

// eval evaluates a JavaScript expression.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("browser: eval %s: %v", expr, err)
	}
	return v
}

// location returns the current URL's path and query.
func (b *browser) location() string {
	b.t.Helper()
	u, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("browser: location: %v", err)
	}
	return strings.TrimPrefix(u, b.base)
}

// bodyText is the page's visible text.
func (b *browser) bodyText() string { return eval[string](b, `document.body.innerText`) }

// fill sets the field with this id to value, firing input and change events as
// typing would (typing key by key costs three protocol calls per character).
func (b *browser) fill(id, value string) {
	b.t.Helper()
	if value == "" { // chromedp's SetValue refuses an empty value
		b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById(` + strconv.Quote(id) + `).value = ""`))
		return
	}
	b.do(chromedp.SetValue(chromedp.ID(id), value))
}

// screenshot saves the page as testout/screenshots/name.png at the repository root.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("browser: screenshot %s: %v", name, err)
	}
	dir := filepath.Join(repoRoot(b.t), "testout", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// viewport resizes the tab, e.g. to 390 px for a phone.
func (b *browser) viewport(w, h int64) {
	b.t.Helper()
	b.do(chromedp.EmulateViewport(w, h))
}

// repoRoot finds the directory holding go.mod above the test's directory.
func repoRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

// checkPage asserts what every page must satisfy: each visible form control has
// a label, and nothing overflows the viewport horizontally (tables scroll inside
// their own box).
func (b *browser) checkPage(name string) {
	b.t.Helper()
	unlabelled := eval[[]string](b, `Array.from(document.querySelectorAll("input, select, textarea"))
		.filter(el => el.type !== "hidden" && !(el.labels && el.labels.length) && !el.getAttribute("aria-label"))
		.map(el => el.outerHTML)`)
	if len(unlabelled) > 0 {
		b.t.Errorf("%s: form controls without a label: %v", name, unlabelled)
	}
	if overflow := eval[bool](b, `document.documentElement.scrollWidth > window.innerWidth + 1`); overflow {
		b.t.Errorf("%s: the page is wider than the %dpx viewport", name, eval[int](b, `window.innerWidth`))
	}
}
