package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// bigUploadBytes is the default size limit, the largest file an upload may carry.
const bigUploadBytes = 50 << 20

// patternReader yields n bytes cycling through a 64 KiB random block, without
// allocating, so the measurement sees the server's memory, not the client's.
type patternReader struct {
	block []byte
	left  int64
	off   int
}

func newPatternReader(n int64) *patternReader {
	block := make([]byte, 64<<10)
	_, _ = mrand.NewChaCha8([32]byte{7}).Read(block) // the same bytes on every call
	return &patternReader{block: block, left: n}
}

func (p *patternReader) Read(b []byte) (int, error) {
	if p.left == 0 {
		return 0, io.EOF
	}
	n := copy(b[:min(int64(len(b)), p.left)], p.block[p.off:])
	p.off = (p.off + n) % len(p.block)
	p.left -= int64(n)
	return n, nil
}

// memPeak samples the heap in use and the process RSS until stop, keeping the
// highest of each.
type memPeak struct {
	mu        sync.Mutex
	heap, rss uint64
}

func sampleMemory(ctx context.Context, every time.Duration) *memPeak {
	p := &memPeak{}
	go func() {
		var ms runtime.MemStats
		for ctx.Err() == nil {
			runtime.ReadMemStats(&ms)
			rss := processRSS()
			p.mu.Lock()
			p.heap, p.rss = max(p.heap, ms.HeapInuse), max(p.rss, rss)
			p.mu.Unlock()
			time.Sleep(every)
		}
	}()
	return p
}

func (p *memPeak) get() (uint64, uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.heap, p.rss
}

// processRSS reads VmRSS from /proc (Linux); 0 elsewhere.
func processRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

type uploadMeasure struct {
	heapGrowth, rssGrowth uint64
	took                  time.Duration
}

// measureBigUpload uploads bigUploadBytes through the API and reports how much
// the heap in use and the RSS grew above what they were before, at their peak.
func measureBigUpload(tb testing.TB, env *apitest.Env) uploadMeasure {
	tb.Helper()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	heap0, rss0 := ms.HeapInuse, processRSS()
	ctx, stop := context.WithCancel(context.Background())
	peak := sampleMemory(ctx, 2*time.Millisecond)
	req, err := http.NewRequest("POST", env.URL+"/api/v2/uploads.json?filename=big.bin", newPatternReader(bigUploadBytes))
	require.NoError(tb, err)
	req.ContentLength = bigUploadBytes
	req.Header.Set("Content-Type", "application/binary")
	req.SetBasicAuth(apitest.AdminEmail+"/token", env.AdminToken)
	start := time.Now()
	res, err := http.DefaultClient.Do(req)
	require.NoError(tb, err)
	body, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	took := time.Since(start)
	stop()
	require.Equal(tb, http.StatusCreated, res.StatusCode, string(body))
	var out struct {
		Upload struct {
			Attachment struct {
				Size int64 `json:"size"`
			} `json:"attachment"`
		} `json:"upload"`
	}
	require.NoError(tb, json.Unmarshal(body, &out))
	require.Equal(tb, int64(bigUploadBytes), out.Upload.Attachment.Size)
	heap, rss := peak.get()
	return uploadMeasure{heapGrowth: sub(heap, heap0), rssGrowth: sub(rss, rss0), took: took}
}

func sub(a, b uint64) uint64 {
	if a < b {
		return 0
	}
	return a - b
}

// TestBigUploadStaysStreamed uploads a 50 MB file and requires the heap in use
// to grow by well under 20 MB at its peak: the body goes to the blob store in
// small buffers, never whole.
func TestBigUploadStaysStreamed(t *testing.T) {
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			env := apitest.New(t, b)
			m := measureBigUpload(t, env)
			t.Logf("%s: 50 MB upload in %v (%.0f MB/s), heap in use +%.1f MB, RSS +%.1f MB at peak",
				b, m.took.Round(time.Millisecond), 50/m.took.Seconds(), mb(m.heapGrowth), mb(m.rssGrowth))
			require.Less(t, m.heapGrowth, uint64(20<<20), "the upload was held in memory")
		})
	}
}

// BenchmarkBigUpload reports the 50 MB upload's throughput and peak memory
// growth per backend (docs/benchmarks.md).
func BenchmarkBigUpload(b *testing.B) {
	for _, be := range apitest.Backends {
		b.Run(string(be), func(b *testing.B) {
			env := apitest.New(b, be)
			var worstHeap, worstRSS uint64
			var took time.Duration
			for b.Loop() {
				m := measureBigUpload(b, env)
				worstHeap, worstRSS, took = max(worstHeap, m.heapGrowth), max(worstRSS, m.rssGrowth), took+m.took
			}
			b.ReportMetric(mb(worstHeap), "heap-MB-peak")
			b.ReportMetric(mb(worstRSS), "rss-MB-peak")
			b.ReportMetric(float64(b.N)*50/took.Seconds(), "MB/s")
		})
	}
}

func mb(n uint64) float64 { return float64(n) / (1 << 20) }

// TestBigUploadDownloadsIdentical: the 50 MB file comes back byte for byte.
func TestBigUploadDownloadsIdentical(t *testing.T) {
	env := apitest.New(t, apitest.SQLite)
	up := upload(t, env.AdminClient(), "big.bin", "", mustRead(t, newPatternReader(8<<20)))
	res, body := download(t, up.Attachment.ContentURL, apitest.AdminEmail, env.AdminToken)
	require.Equal(t, http.StatusOK, res.StatusCode)
	want := sha256.Sum256(mustRead(t, newPatternReader(8<<20)))
	require.Equal(t, want, sha256.Sum256(body))
	require.Equal(t, fmt.Sprint(8<<20), res.Header.Get("Content-Length"))
}

func mustRead(t *testing.T, r io.Reader) []byte {
	t.Helper()
	var buf bytes.Buffer
	_, err := io.Copy(&buf, r)
	require.NoError(t, err)
	return buf.Bytes()
}
