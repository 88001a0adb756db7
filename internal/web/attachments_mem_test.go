package web_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"mime/multipart"
	"net/http"
	"regexp"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/apitest"
)

// bigFileBytes is the default per-file limit, the largest file a form may carry.
const bigFileBytes = 50 << 20

// pattern yields n bytes cycling through a 64 KiB random block without
// allocating, so the measurement sees the server's memory, not the client's.
type pattern struct {
	block []byte
	left  int64
	off   int
}

func newPattern(n int64) *pattern {
	block := make([]byte, 64<<10)
	_, _ = mrand.NewChaCha8([32]byte{9}).Read(block)
	return &pattern{block: block, left: n}
}

func (p *pattern) Read(b []byte) (int, error) {
	if p.left == 0 {
		return 0, io.EOF
	}
	n := copy(b[:min(int64(len(b)), p.left)], p.block[p.off:])
	p.off = (p.off + n) % len(p.block)
	p.left -= int64(n)
	return n, nil
}

// TestBigFileThroughFormStreams posts a 50 MB file through the ticket form: the
// heap in use grows by less than 20 MB while it arrives (the file is streamed
// to the store, never held whole or spilled by ParseMultipartForm), and the
// download is identical.
func TestBigFileThroughFormStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 100 MB")
	}
	b := setup(t, apitest.SQLite)
	tk := b.ticket(t, "Scan", "big scan", "emp@example.com", true)
	c := b.client(t)
	c.login(apitest.AdminEmail)
	path := fmt.Sprintf("/tickets/%d", tk.ID)
	c.get(path)

	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		_ = mw.WriteField("csrf", c.csrf)
		_ = mw.WriteField("body", "The scan")
		fw, err := mw.CreateFormFile("files", "scan.bin")
		if err == nil {
			_, err = io.Copy(fw, newPattern(bigFileBytes))
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequest("POST", c.base+path, pr)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())

	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	heap0 := ms.HeapInuse
	var peak atomic.Uint64
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		for ctx.Err() == nil {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	start := time.Now()
	res, err := c.http.Do(req)
	stop()
	<-done
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("50 MB file through the form: status %d", res.StatusCode)
	}
	growth := int64(peak.Load()) - int64(heap0)
	t.Logf("50 MB through the ticket form in %v: peak heap in use +%.1f MB", time.Since(start).Round(time.Millisecond), float64(growth)/(1<<20))
	if growth > 20<<20 {
		t.Fatalf("the heap in use grew by %d MB while the file arrived, want under 20 MB", growth>>20)
	}
	_, page := c.get(path)
	link := regexp.MustCompile(`<a href="(/attachments/token/[^"]+)" class="file-name">scan.bin</a>`).FindStringSubmatch(page)
	if link == nil {
		t.Fatalf("scan.bin is not listed:\n%s", page)
	}
	h := sha256.New()
	_, _ = io.Copy(h, newPattern(bigFileBytes))
	if got := sha256.Sum256(c.download(link[1])); string(got[:]) != string(h.Sum(nil)) {
		t.Fatal("the downloaded file differs from the one posted")
	}
}
