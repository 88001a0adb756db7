package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/demo"
)

// TestDemoRunTwice starts the demo (with the recipe provisioned as `twindesk demo` does), waits until it is ready, stops it, and starts it
// again on the same data: the second run must find everything in place.
func TestDemoRunTwice(t *testing.T) {
	dir := t.TempDir()
	stdAddr, secAddr := "127.0.0.1:0", "127.0.0.1:0"
	for run := 0; run < 2; run++ {
		ctx, cancel := context.WithCancel(context.Background())
		out := &syncBuffer{}
		done := make(chan error, 1)
		go func() {
			done <- demo.Run(ctx, demo.Config{DataDir: dir, StandardAddr: stdAddr, SecureAddr: secAddr, Recipe: demoRecipe}, out,
				slog.New(slog.NewTextHandler(io.Discard, nil)))
		}()
		require.Eventually(t, func() bool { return strings.Contains(out.String(), "Both instances are running") },
			30*time.Second, 50*time.Millisecond, "demo output so far: %s", out.String())
		text := out.String()
		for _, want := range []string{"it.agent@standard.example", "payroll.agent@secure.example", "hr.agent@secure.example", "phone@standard.example"} {
			require.Contains(t, text, want)
		}
		if run == 1 {
			require.Contains(t, text, "0 created, 0 updated", "a second demo run on the same data and ports changes nothing")
		}
		stdAddr, secAddr = addrAfter(t, text, "standard (IT):"), addrAfter(t, text, "secure (HR/Payroll):")
		requirePayrollPrivate(t, secAddr, text)
		if run == 0 {
			requireSampleAttachment(t, stdAddr, text)
			// The sample tickets' requesters are notified through the demo's outbox.
			// The banner itself mentions "mail sent: ...", so wait for a real line naming the sender.
			require.Eventually(t, func() bool { return strings.Contains(out.String(), "<it@it.demo.example> -> ") },
				30*time.Second, 50*time.Millisecond, "no notification reached the demo's outbox: %s", out.String())
			// The printer ticket's file went with its "request received" mail.
			require.Eventually(t, func() bool {
				return strings.Contains(out.String(), `"[Request received] Printer on floor 3 jams" with printer-error-log.txt`)
			}, 30*time.Second, 50*time.Millisecond, "the printer mail carries no file: %s", out.String())
		}
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(20 * time.Second):
			t.Fatal("demo did not stop within 20 s of Ctrl-C")
		}
	}
}

// addrAfter finds the host:port printed after label.
func addrAfter(t *testing.T, text, label string) string {
	_, rest, ok := strings.Cut(text, label)
	require.True(t, ok, label)
	fields := strings.Fields(rest)
	require.NotEmpty(t, fields)
	return strings.TrimPrefix(fields[0], "http://")
}

// requireSampleAttachment: the demo shows attachments: the printer ticket's first
// comment carries the error log, downloadable by an agent.
func requireSampleAttachment(t *testing.T, addr, text string) {
	t.Helper()
	_, rest, ok := strings.Cut(text, "it.agent@standard.example")
	require.True(t, ok)
	token := strings.Fields(rest)[0]
	get := func(url string) []byte {
		req, err := http.NewRequest("GET", url, nil)
		require.NoError(t, err)
		req.SetBasicAuth("it.agent@standard.example/token", token)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, "GET %s: %s", url, body)
		return body
	}
	var out struct {
		Comments []struct {
			Attachments []struct {
				FileName   string `json:"file_name"`
				ContentURL string `json:"content_url"`
			} `json:"attachments"`
		} `json:"comments"`
	}
	require.NoError(t, json.Unmarshal(get("http://"+addr+"/api/v2/tickets/1/comments.json"), &out))
	require.NotEmpty(t, out.Comments)
	require.Len(t, out.Comments[0].Attachments, 1)
	a := out.Comments[0].Attachments[0]
	require.Equal(t, "printer-error-log.txt", a.FileName)
	require.Contains(t, string(get(a.ContentURL)), "paper jam")
}

// requirePayrollPrivate: on the secure demo instance Payroll is a private group,
// as the banner says, on every run.
func requirePayrollPrivate(t *testing.T, addr, text string) {
	t.Helper()
	require.Contains(t, text, "Payroll is a private group")
	_, rest, ok := strings.Cut(text, "hr.agent@secure.example")
	require.True(t, ok)
	req, err := http.NewRequest("GET", "http://"+addr+"/api/v2/groups.json", nil)
	require.NoError(t, err)
	req.SetBasicAuth("hr.agent@secure.example/token", strings.Fields(rest)[0])
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out struct {
		Groups []struct {
			Name     string `json:"name"`
			IsPublic bool   `json:"is_public"`
		} `json:"groups"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	public := map[string]bool{}
	for _, g := range out.Groups {
		public[g.Name] = g.IsPublic
	}
	require.Equal(t, map[string]bool{"HR": true, "Payroll": false}, public)
}
