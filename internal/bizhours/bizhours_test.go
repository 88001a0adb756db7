package bizhours_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/bizhours"
)

// weekdays9to17 is Monday to Friday, 09:00-17:00.
func weekdays9to17() []bizhours.Interval {
	var out []bizhours.Interval
	for d := 1; d <= 5; d++ {
		out = append(out, bizhours.Interval{Start: d*1440 + 9*60, End: d*1440 + 17*60})
	}
	return out
}

func zone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func TestAddWithinAndAcrossDays(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	s := bizhours.Schedule{Location: berlin, Intervals: weekdays9to17()}
	at := func(y int, m time.Month, d, h, mi int) time.Time { return time.Date(y, m, d, h, mi, 0, 0, berlin) }
	cases := []struct {
		name string
		from time.Time
		d    time.Duration
		want time.Time
	}{
		{"inside the day", at(2026, 12, 7, 10, 0), 2 * time.Hour, at(2026, 12, 7, 12, 0)},
		{"before opening", at(2026, 12, 7, 6, 0), time.Hour, at(2026, 12, 7, 10, 0)},
		{"runs into the next day", at(2026, 12, 7, 16, 0), 2 * time.Hour, at(2026, 12, 8, 10, 0)},
		{"friday evening to monday", at(2026, 12, 11, 16, 30), time.Hour, at(2026, 12, 14, 9, 30)},
		{"saturday", at(2026, 12, 12, 12, 0), 8 * time.Hour, at(2026, 12, 14, 17, 0)},
		{"exactly at closing", at(2026, 12, 7, 9, 0), 8 * time.Hour, at(2026, 12, 7, 17, 0)},
	}
	for _, c := range cases {
		got, ok := s.Add(c.from, c.d)
		require.True(t, ok, c.name)
		require.True(t, c.want.Equal(got), "%s: want %v, got %v", c.name, c.want, got.In(berlin))
		require.Equal(t, c.d, s.Elapsed(c.from, got), "%s: Elapsed inverts Add", c.name)
	}
}

// TestDST: opening hours are wall-clock hours, so across a DST change they
// move in UTC, and a calendar day that is 23 or 25 hours long holds the same
// 8 open hours.
func TestDST(t *testing.T) {
	ny := zone(t, "America/New_York")
	s := bizhours.Schedule{Location: ny, Intervals: weekdays9to17()}
	// Friday 2026-03-06 16:00 EST; DST starts Sunday 2026-03-08; Monday opens 09:00 EDT = 13:00 UTC.
	got, ok := s.Add(time.Date(2026, 3, 6, 16, 0, 0, 0, ny), 2*time.Hour)
	require.True(t, ok)
	require.Equal(t, time.Date(2026, 3, 9, 14, 0, 0, 0, time.UTC), got, "10:00 EDT")
	// Autumn: 2026-11-01 DST ends; Monday 09:00 EST = 14:00 UTC.
	got, ok = s.Add(time.Date(2026, 10, 30, 17, 0, 0, 0, ny), time.Hour)
	require.True(t, ok)
	require.Equal(t, time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC), got, "10:00 EST")

	// A schedule open around the clock on Sunday has 23 hours on the day clocks spring forward.
	sunday := bizhours.Schedule{Location: ny, Intervals: []bizhours.Interval{{Start: 0, End: 1440}}}
	require.Equal(t, 23*time.Hour, sunday.Elapsed(time.Date(2026, 3, 8, 0, 0, 0, 0, ny), time.Date(2026, 3, 9, 0, 0, 0, 0, ny)))
	require.Equal(t, 25*time.Hour, sunday.Elapsed(time.Date(2026, 11, 1, 0, 0, 0, 0, ny), time.Date(2026, 11, 2, 0, 0, 0, 0, ny)))
}

func TestTimeZonesAndHolidays(t *testing.T) {
	tokyo := zone(t, "Asia/Tokyo")
	s := bizhours.Schedule{Location: tokyo, Intervals: weekdays9to17(),
		Holidays: []bizhours.Holiday{{From: "2026-12-28", To: "2027-01-01"}}}
	// Monday 2026-12-28 00:00 UTC is 09:00 in Tokyo, but the office is closed until Monday 4 January.
	got, ok := s.Add(time.Date(2026, 12, 28, 0, 0, 0, 0, time.UTC), 30*time.Minute)
	require.True(t, ok)
	require.Equal(t, time.Date(2027, 1, 4, 9, 30, 0, 0, tokyo).UTC(), got)

	never := bizhours.Schedule{Location: time.UTC}
	_, ok = never.Add(time.Now(), time.Minute)
	require.False(t, ok, "a schedule with no intervals never reaches a target")

	require.Error(t, bizhours.Validate([]bizhours.Interval{{Start: 600, End: 500}}, nil))
	require.Error(t, bizhours.Validate(nil, []bizhours.Holiday{{From: "2026-13-01", To: "2026-12-01"}}))
	require.NoError(t, bizhours.Validate(weekdays9to17(), []bizhours.Holiday{{From: "2026-12-24", To: "2026-12-26"}}))
}
