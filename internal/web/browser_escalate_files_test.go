package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/twindesk/twindesk/internal/demo"
	"github.com/twindesk/twindesk/internal/escalation"
)

// TestBrowserAttachedFileTravelsWithTheEscalation: an IT agent attaches a file
// in the standard UI (headless Chromium) and moves the ticket to a pseudo group
// there; the secure ticket gets the file byte for byte, and standard serves it
// no more (issue 18).
func TestBrowserAttachedFileTravelsWithTheEscalation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	dir := t.TempDir()
	stdLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	secLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sec, err := demo.StartOn(ctx, "secure", secLn, filepath.Join(dir, "secure"), true, stdLn.Addr().String(), log, &wg)
	if err != nil {
		t.Fatal(err)
	}
	std, err := demo.StartOn(ctx, "standard", stdLn, filepath.Join(dir, "standard"), false, secLn.Addr().String(), log, &wg)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []*demo.Node{std, sec} {
		if err := n.Bootstrap(ctx, "admin@"+n.Name+".example"); err != nil {
			t.Fatal(err)
		}
	}
	if err := std.Instance.Desk.SetPassword(ctx, std.Admin.Email, password); err != nil {
		t.Fatal(err)
	}
	m, _ := escalation.ParseMap("Payroll (secure)=Payroll")
	if _, err := escalation.Setup(ctx, escalation.Config{Map: m,
		Standard: escalation.Side{URL: std.URL, Email: std.Admin.Email, Token: std.Token},
		Secure:   escalation.Side{URL: sec.URL, Email: sec.Admin.Email, Token: sec.Token}}); err != nil {
		t.Fatal(err)
	}

	payslip := filepath.Join(t.TempDir(), "payslip.png")
	content := pngImage(t, 120, 60)
	if err := os.WriteFile(payslip, content, 0o600); err != nil {
		t.Fatal(err)
	}
	br := newBrowser(t, std.URL)
	br.open("/login")
	br.fill("email", std.Admin.Email)
	br.fill("password", password)
	br.clickAndLoad("form[action='/login'] button")
	br.open("/tickets/new")
	br.fill("requester_email", "jo@example.com")
	br.fill("subject", "Payslip")
	br.fill("body", "My payslip, attached.")
	br.do(chromedp.SetUploadFiles(chromedp.ID("files"), []string{payslip}))
	br.clickAndLoad("form[action='/tickets'] button[type=submit]")
	var orig int64
	if _, err := fmt.Sscanf(br.location(), "/tickets/%d", &orig); err != nil || orig == 0 {
		t.Fatalf("after create at %s", br.location())
	}
	stdFile := attachmentsOn(t, std, orig)
	if len(stdFile) != 1 {
		t.Fatalf("standard's ticket has %d files, want 1", len(stdFile))
	}

	var pseudo int64
	for _, g := range getJSON(t, std, "/api/v2/groups.json")["groups"].([]any) {
		if g := g.(map[string]any); g["name"] == "Payroll (secure)" {
			pseudo = int64(g["id"].(float64))
		}
	}
	br.do(chromedp.SetValue(chromedp.ID("group_id"), fmt.Sprint(pseudo)))
	br.do(chromedp.Evaluate[chromedp.Void](`window.confirm = function () { return true; }`))
	br.clickAndLoad("#submit")

	var onSecure []map[string]any
	var secID int64
	deadline := time.Now().Add(20 * time.Second)
	for len(onSecure) == 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		for _, tk := range getJSON(t, sec, "/api/v2/tickets.json")["tickets"].([]any) {
			secID = int64(tk.(map[string]any)["id"].(float64))
			onSecure = attachmentsOn(t, sec, secID)
		}
	}
	if len(onSecure) != 1 || onSecure[0]["file_name"] != "payslip.png" {
		t.Fatalf("secure's files: %v", onSecure)
	}
	code, body := fetch(t, sec, onSecure[0]["content_url"].(string))
	if code != http.StatusOK || sha256.Sum256(body) != sha256.Sum256(content) {
		t.Fatalf("secure's copy: %d, %d bytes, not the file attached in the UI", code, len(body))
	}
	for end := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if code, _ := fetch(t, std, stdFile[0]["content_url"].(string)); code == http.StatusNotFound {
			break
		} else if time.Now().After(end) {
			t.Fatalf("standard still answers %d for the file", code)
		}
	}
	stubNoteWithFile(t, br, std, sec, secID)
}

// stubNoteWithFile: the agent adds a note with a file on the stub in the UI;
// it reaches the secure ticket byte for byte and is deleted on standard once
// delivered.
func stubNoteWithFile(t *testing.T, br *browser, std, sec *demo.Node, secID int64) {
	t.Helper()
	var stub int64
	for end := time.Now().Add(20 * time.Second); stub == 0; time.Sleep(100 * time.Millisecond) {
		for _, tk := range getJSON(t, std, "/api/v2/tickets.json")["tickets"].([]any) {
			for _, tag := range tk.(map[string]any)["tags"].([]any) {
				if tag == "escalated_to_secure" {
					stub = int64(tk.(map[string]any)["id"].(float64))
				}
			}
		}
		if stub == 0 && time.Now().After(end) {
			t.Fatal("no stub on standard")
		}
	}
	late := filepath.Join(t.TempDir(), "late-scan.png")
	content := pngImage(t, 90, 40)
	if err := os.WriteFile(late, content, 0o600); err != nil {
		t.Fatal(err)
	}
	br.open(fmt.Sprintf("/tickets/%d", stub))
	br.fill("body", "The employee sent the scan late.")
	br.do(chromedp.SetUploadFiles(chromedp.ID("files"), []string{late}))
	br.clickAndLoad("#ticket-form button[type=submit]")
	for end := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		files := attachmentsOn(t, sec, secID)
		if len(files) == 2 && files[1]["file_name"] == "late-scan.png" && len(attachmentsOn(t, std, stub)) == 0 {
			code, body := fetch(t, sec, files[1]["content_url"].(string))
			if code != http.StatusOK || sha256.Sum256(body) != sha256.Sum256(content) {
				t.Fatalf("secure's copy of the note's file: %d, %d bytes", code, len(body))
			}
			return
		}
		if time.Now().After(end) {
			t.Fatalf("after 20 s: secure has %v, the stub %v", files, attachmentsOn(t, std, stub))
		}
	}
}

func getJSON(t *testing.T, n *demo.Node, path string) map[string]any {
	t.Helper()
	code, body := fetch(t, n, n.URL+path)
	out := map[string]any{}
	if err := json.Unmarshal(body, &out); err != nil || code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, code, body)
	}
	return out
}

func fetch(t *testing.T, n *demo.Node, url string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(n.Admin.Email+"/token", n.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// attachmentsOn lists the files on a ticket's comments; none for a ticket gone.
func attachmentsOn(t *testing.T, n *demo.Node, id int64) []map[string]any {
	t.Helper()
	code, body := fetch(t, n, fmt.Sprintf("%s/api/v2/tickets/%d/comments.json", n.URL, id))
	if code != http.StatusOK {
		return nil
	}
	var out struct {
		Comments []struct {
			Attachments []map[string]any `json:"attachments"`
		} `json:"comments"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	var files []map[string]any
	for _, c := range out.Comments {
		files = append(files, c.Attachments...)
	}
	return files
}
