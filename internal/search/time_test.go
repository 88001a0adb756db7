package search

import (
	"testing"
	"time"
)

func TestCondTime(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		value string
		want  time.Time
	}{
		{"2026-01-01", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"2026-01-01T10:00:00Z", time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)},
		{"2026-01-01T10:00:00+02:00", time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)},
		{"2026-01-01T10:00:00.5Z", time.Date(2026, 1, 1, 10, 0, 0, 5e8, time.UTC)},
		{"2026-01-01T10:00:00", time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)},
		{"2026-01-01T10:00", time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)},
		{"2026-01-01 10:00", time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)},
		{"30minutes", now.Add(-30 * time.Minute)},
		{"1minute", now.Add(-time.Minute)},
		{"90min", now.Add(-90 * time.Minute)},
		{"2hours", now.Add(-2 * time.Hour)},
		{"1HOUR", now.Add(-time.Hour)},
		{"3days", time.Date(2026, 3, 28, 12, 0, 0, 0, time.UTC)},
		{"0days", now},
		{"2weeks", time.Date(2026, 3, 17, 12, 0, 0, 0, time.UTC)},
		{"1month", time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)}, // Feb 31 normalises to Mar 3
		{"1year", time.Date(2025, 3, 31, 12, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got, err := Cond{Field: "created", Op: OpGT, Value: tt.value}.Time(now)
		if err != nil {
			t.Errorf("Time(%q): %v", tt.value, err)
			continue
		}
		if !got.Equal(tt.want) {
			t.Errorf("Time(%q) = %v, want %v", tt.value, got, tt.want)
		}
	}
}

func TestCondTimeInvalid(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)
	for _, v := range []string{"", "days", "3", "3s", "3 days", "-3days", "3fortnights",
		"1000001days", "99999999999999999999days", "2026-02-30", "01/02/2026", "yesterday"} {
		if got, err := (Cond{Field: "created", Value: v}).Time(now); err == nil {
			t.Errorf("Time(%q) = %v, want an error", v, got)
		}
	}
}

func TestParsedDatesResolve(t *testing.T) {
	t.Parallel()
	q, err := Parse("created>3days updated<2026-01-01T10:00:00Z")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)
	for _, c := range q.Conds {
		if _, err := c.Time(now); err != nil {
			t.Errorf("%+v.Time: %v", c, err)
		}
	}
}
