package jobs

import (
	"errors"
	"testing"

	"github.com/twindesk/twindesk/internal/webhook"
)

// TestAlreadyGone: a DELETE answered 404/410 on a retry counts as done (an earlier
// attempt whose answer was lost did it); on a first attempt, or for other methods,
// it stays a failure. The kill test (internal/killtest) found this.
func TestAlreadyGone(t *testing.T) {
	t.Parallel()
	failed := func(code int) webhook.Outcome { return webhook.Outcome{StatusCode: code, Err: errors.New("answered")} }
	for _, tc := range []struct {
		method  string
		code    int
		attempt int
		want    bool
	}{
		{"DELETE", 404, 2, true},
		{"delete", 410, 5, true},
		{"DELETE", 404, 1, false},
		{"DELETE", 403, 2, false},
		{"DELETE", 500, 2, false},
		{"PUT", 404, 2, false},
		{"POST", 404, 3, false},
	} {
		if got := alreadyGone(webhook.Request{Method: tc.method}, failed(tc.code), tc.attempt); got != tc.want {
			t.Errorf("alreadyGone(%s, %d, attempt %d) = %v, want %v", tc.method, tc.code, tc.attempt, got, tc.want)
		}
	}
}
