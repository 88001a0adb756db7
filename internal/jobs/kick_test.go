package jobs

import (
	"testing"
	"time"
)

func TestKicksAreSpaced(t *testing.T) {
	t.Parallel()
	var k kicks
	t0 := time.Now()
	if !k.due("a", t0) {
		t.Fatal("first kick of an endpoint not due")
	}
	if k.due("a", t0.Add(kickSpacing/2)) {
		t.Error("a second kick within the spacing is due: a drain kicks after every success again")
	}
	if !k.due("b", t0.Add(kickSpacing/2)) {
		t.Error("another endpoint's kick waits for this one's")
	}
	if !k.due("a", t0.Add(kickSpacing)) {
		t.Error("a kick after the spacing is not due")
	}
	if n := len(k.last); n > 2 {
		t.Errorf("%d endpoints remembered, want at most 2", n)
	}
}
