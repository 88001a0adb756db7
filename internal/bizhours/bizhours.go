// Package bizhours does business-hours arithmetic for SLA targets: a weekly
// schedule of open intervals in a time zone, minus holidays. Intervals are
// Zendesk's: minutes from Sunday 00:00 local time. Days are walked in wall
// clock time, so a DST change moves the instants, not the opening hours.
package bizhours

import (
	"fmt"
	"time"
)

const (
	minutesPerDay  = 24 * 60
	minutesPerWeek = 7 * minutesPerDay
	// searchDays bounds the walk: a schedule open less than once a year is
	// treated as never open.
	searchDays = 800
)

// Interval is an open period of the week, [Start, End) in minutes from Sunday 00:00.
type Interval struct {
	Start, End int
}

// Holiday closes whole local days, From to To inclusive ("2006-01-02").
type Holiday struct {
	From, To string
}

// Schedule is a weekly schedule in a time zone.
type Schedule struct {
	Location  *time.Location
	Intervals []Interval
	Holidays  []Holiday
}

// Validate reports what is wrong with intervals and holidays, or nil.
func Validate(intervals []Interval, holidays []Holiday) error {
	for i, iv := range intervals {
		if iv.Start < 0 || iv.End > minutesPerWeek || iv.End <= iv.Start {
			return fmt.Errorf("intervals[%d]: start_time and end_time must satisfy 0 <= start < end <= %d", i, minutesPerWeek)
		}
	}
	for i, h := range holidays {
		from, err1 := time.Parse(time.DateOnly, h.From)
		to, err2 := time.Parse(time.DateOnly, h.To)
		if err1 != nil || err2 != nil || to.Before(from) {
			return fmt.Errorf("holidays[%d]: start_date and end_date must be dates (YYYY-MM-DD), end not before start", i)
		}
	}
	return nil
}

// open returns the open periods of the local day that starts at day.
func (s *Schedule) open(day time.Time) [][2]time.Time {
	date := day.Format(time.DateOnly)
	for _, h := range s.Holidays {
		if date >= h.From && date <= h.To {
			return nil
		}
	}
	lo := int(day.Weekday()) * minutesPerDay
	hi := lo + minutesPerDay
	var out [][2]time.Time
	for _, iv := range s.Intervals {
		a, b := max(iv.Start, lo), min(iv.End, hi)
		if a >= b {
			continue
		}
		y, m, d := day.Date()
		// time.Date reads minutes past midnight in wall-clock time, DST included.
		out = append(out, [2]time.Time{
			time.Date(y, m, d, 0, a-lo, 0, 0, s.Location),
			time.Date(y, m, d, 0, b-lo, 0, 0, s.Location),
		})
	}
	return out
}

// startOfDay is local midnight of t's day (or the first instant of the day
// when midnight itself does not exist).
func startOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// Add returns the instant at which d of open time has passed since from. ok
// is false when the schedule opens too rarely (or never) to get there.
func (s *Schedule) Add(from time.Time, d time.Duration) (at time.Time, ok bool) {
	from = from.In(s.Location)
	left := d
	day := startOfDay(from)
	for range searchDays {
		for _, p := range s.open(day) {
			a, b := p[0], p[1]
			if b.Before(from) || b.Equal(from) {
				continue
			}
			if a.Before(from) {
				a = from
			}
			span := b.Sub(a)
			if span >= left {
				return a.Add(left).UTC(), true
			}
			left -= span
		}
		day = startOfDay(day.AddDate(0, 0, 1))
	}
	return time.Time{}, false
}

// Elapsed returns the open time between from and to (0 if to is not after from).
func (s *Schedule) Elapsed(from, to time.Time) time.Duration {
	from, to = from.In(s.Location), to.In(s.Location)
	var sum time.Duration
	for day := startOfDay(from); day.Before(to); day = startOfDay(day.AddDate(0, 0, 1)) {
		for _, p := range s.open(day) {
			a, b := p[0], p[1]
			if a.Before(from) {
				a = from
			}
			if b.After(to) {
				b = to
			}
			if b.After(a) {
				sum += b.Sub(a)
			}
		}
	}
	return sum
}
