package mailhealth

import (
	"errors"
	"testing"
	"time"
)

func TestFailing(t *testing.T) {
	h := &Health{}
	h.Fetched(1, "it", 2)
	now := time.Now()
	if st := h.States()[0]; st.Failing(now) || st.Fetched != 2 {
		t.Fatalf("a mailbox that just fetched: %+v", st)
	}
	if st := h.States()[0]; !st.Failing(now.Add(StaleAfter + time.Second)) {
		t.Fatal("a mailbox with no completed check for StaleAfter must count as failing (a stuck connection reports no error)")
	}
	h.Failed(1, "it", errors.New("imap: log in: NO"))
	if st := h.States()[0]; !st.Failing(now) || st.LastError == "" {
		t.Fatalf("a failed check: %+v", st)
	}
	h.Fetched(1, "it", 0)
	if st := h.States()[0]; st.Failing(time.Now()) || st.LastError != "" {
		t.Fatalf("recovered: %+v", st)
	}
	h.Forget(1)
	if len(h.States()) != 0 {
		t.Fatal("forgotten mailbox still listed")
	}
	var none *Health
	none.Fetched(1, "x", 1) // a nil Health records nothing, without panicking
	if none.States() != nil {
		t.Fatal("nil Health lists states")
	}
}
