package web

import (
	"fmt"
	"testing"
	"time"
)

// TestAgo: relative times round down to the largest unit.
func TestAgo(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	for d, want := range map[time.Duration]string{
		30 * time.Second: "just now", time.Minute: "1 minute ago", 59 * time.Minute: "59 minutes ago",
		3*time.Hour + 59*time.Minute: "3 hours ago", 49 * time.Hour: "2 days ago", 65 * 24 * time.Hour: "2 months ago",
		800 * 24 * time.Hour: "2 years ago",
	} {
		if got := ago(now.Add(-d), now); got != want {
			t.Errorf("ago(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestPageSetsBounded: the per-zone page cache never holds more than
// maxZoneSets zones, however many an agent goes through.
func TestPageSetsBounded(t *testing.T) {
	p := newPageSets()
	for i := range maxZoneSets + 3 {
		p.in(time.FixedZone(fmt.Sprintf("Z%d", i), i*60))
		if n := len(p.byZone); n > maxZoneSets {
			t.Fatalf("after %d zones the cache holds %d", i+1, n)
		}
	}
	if _, ok := p.byZone["UTC"]; !ok {
		t.Fatal("the UTC pages were dropped")
	}
}

// BenchmarkPagesForNewZone is the cost of the first page an agent sees in a
// zone no one used since the start: every page template parsed once.
func BenchmarkPagesForNewZone(b *testing.B) {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		b.Skip(err)
	}
	for b.Loop() {
		mustParsePages(loc)
	}
}
