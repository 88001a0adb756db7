package web

import (
	"slices"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// TestPresenceExpires: an agent who stops polling drops out after the TTL,
// tickets are kept apart, and a swept ticket leaves no entry behind.
func TestPresenceExpires(t *testing.T) {
	p := newPresence()
	t0 := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	ada, bo := model.User{ID: 1, Name: "Ada"}, model.User{ID: 2, Name: "Bo"}
	p.see(7, ada, t0)
	if got := p.see(7, bo, t0.Add(10*time.Second)); !slices.Equal(got, []string{"Ada"}) {
		t.Fatalf("Bo sees %v", got)
	}
	if got := p.see(8, bo, t0.Add(11*time.Second)); len(got) != 0 {
		t.Fatalf("another ticket shows %v", got)
	}
	if got := p.see(7, bo, t0.Add(presenceTTL+time.Second)); len(got) != 0 {
		t.Fatalf("Ada stopped polling but is still shown: %v", got)
	}
	p.see(9, ada, t0.Add(3*presenceTTL))
	if _, ok := p.seen[7]; ok {
		t.Fatal("a ticket nobody polls keeps its entries")
	}
}
