package canarytest

import (
	"slices"
	"testing"
)

func TestNeedles(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		canary string
		want   []string
	}{
		{"CANARY-7f3a9c01d2e4b5a6", []string{"CANARY-7f3a9c01d2e4b5a6", "canary-7f3a9c01d2e4b5a6", "7f3a9c01d2e4b5a6"}},
		{"zqxcanary7731", []string{"zqxcanary7731"}},
		{"Salary of Ann: 71234 EUR", []string{"Salary of Ann: 71234 EUR", "salary of ann: 71234 eur"}},
	} {
		if got := Needles(tc.canary); !slices.Equal(got, tc.want) {
			t.Errorf("Needles(%q) = %q, want %q", tc.canary, got, tc.want)
		}
	}
}
