package web_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/twindesk/twindesk/internal/apitest"
)

// xssFile is a file name made of markup; it must show as text.
const xssFile = `"><img src=x onerror="window.__pwned=9">.txt`

// TestBrowserAttachments attaches a file through the new-ticket page's file
// input and a file dropped on the reply box, in headless Chromium, and sees
// both listed, the image previewed (its thumbnail loaded with the session
// cookie under the UI's CSP).
func TestBrowserAttachments(t *testing.T) {
	b := setup(t, apitest.SQLite)
	br := newBrowser(t, b.env.URL)
	br.open("/login")
	br.fill("email", apitest.AdminEmail)
	br.fill("password", password)
	br.clickAndLoad("form[action='/login'] button")

	dir := t.TempDir()
	shot := filepath.Join(dir, "screen.png")
	if err := os.WriteFile(shot, pngImage(t, 120, 60), 0o600); err != nil {
		t.Fatal(err)
	}
	br.open("/tickets/new")
	br.checkPage("new ticket with files")
	br.fill("requester_email", "dana@example.com")
	br.fill("subject", "Screen broken")
	br.fill("body", "Photo attached.")
	br.do(chromedp.SetUploadFiles(chromedp.ID("files"), []string{shot}))
	if got := br.text("#picked"); !strings.Contains(got, "screen.png") {
		t.Errorf("the picked file is not listed before submit: %q", got)
	}
	br.clickAndLoad("form[action='/tickets'] button[type=submit]")
	if loc := br.location(); !strings.HasSuffix(loc, "?flash=created") {
		t.Fatalf("after create at %s: %s", loc, br.bodyText())
	}
	if got := br.text(".comment .file-name"); got != "screen.png" {
		t.Fatalf("the first comment lists %q, want screen.png", got)
	}
	loaded := `(() => { const i = document.querySelector(".comment .file img"); return !!i && i.complete && i.naturalWidth > 0 })()`
	br.do(chromedp.Poll[chromedp.Void](loaded, chromedp.WithPollingTimeout(10*time.Second)))
	if w := eval[int](br, `document.querySelector(".comment .file img").naturalWidth`); w != 80 {
		t.Errorf("the preview is %d pixels wide, want the 80-pixel thumbnail", w)
	}
	br.screenshot("ticket-attachments")

	// Dropping a file on the reply box adds it to the reply's files; one
	// dropped beside it too, rather than the browser opening it over the draft.
	drop := func(sel, name, content string) int {
		return eval[int](br, `(() => {
			const dt = new DataTransfer();
			dt.items.add(new File([`+strconv.Quote(content)+`], `+strconv.Quote(name)+`, {type: "text/plain"}));
			const ev = new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true});
			document.querySelector(`+strconv.Quote(sel)+`).dispatchEvent(ev);
			return ev.defaultPrevented ? document.getElementById("files").files.length : -1;
		})()`)
	}
	if n := drop("#body", "dropped.txt", "dropped bytes"); n != 1 {
		t.Fatalf("after the drop on the reply box the file input holds %d files, want 1", n)
	}
	if n := drop(".ticket-title", "near.txt", "near miss"); n != 2 {
		t.Fatalf("after a drop beside the reply box the file input holds %d files, want 2", n)
	}
	if n := drop("#body", xssFile, "x"); n != 3 {
		t.Fatalf("after the third drop the file input holds %d files, want 3", n)
	}
	if got := br.text("#picked"); !strings.Contains(got, "dropped.txt") || !strings.Contains(got, "near.txt") {
		t.Errorf("the dropped files are not listed: %q", got)
	}
	br.fill("body", "And the log.")
	br.clickAndLoad("#submit")
	names := eval[[]string](br, `Array.from(document.querySelectorAll(".comment .file-name")).map(a => a.textContent)`)
	if strings.Join(names, ",") != "screen.png,dropped.txt,near.txt,"+xssFile {
		t.Fatalf("the thread lists %q, want screen.png, dropped.txt, near.txt and the markup name as text", names)
	}
	if pwned := eval[bool](br, `window.__pwned !== undefined`); pwned {
		t.Fatal("a file name ran as markup")
	}
	if got := eval[string](br, `document.querySelectorAll(".comment")[1].querySelector(".file-size").textContent`); got != "13 bytes" {
		t.Errorf("dropped.txt shows size %q, want 13 bytes", got)
	}
	br.checkPage("ticket with files")
	br.viewport(390, 844)
	br.open(br.location())
	br.checkPage("ticket with files on a phone")
	br.screenshot("ticket-attachments-phone")
}
