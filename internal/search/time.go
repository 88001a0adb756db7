package search

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// maxRelative caps N in a relative value such as 3days, so the arithmetic
// cannot overflow (a million hours is about 114 years).
const maxRelative = 1_000_000

// epoch is the "now" used to validate date values while parsing.
var epoch = time.Unix(0, 0).UTC()

// absoluteLayouts are the accepted absolute date forms. Values without a
// zone are UTC.
var absoluteLayouts = []string{
	"2006-01-02",
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
}

// relativeUnits maps unit names to a function that steps t back n units.
var relativeUnits = map[string]func(t time.Time, n int) time.Time{
	"minute": func(t time.Time, n int) time.Time { return t.Add(-time.Duration(n) * time.Minute) },
	"hour":   func(t time.Time, n int) time.Time { return t.Add(-time.Duration(n) * time.Hour) },
	"day":    func(t time.Time, n int) time.Time { return t.AddDate(0, 0, -n) },
	"week":   func(t time.Time, n int) time.Time { return t.AddDate(0, 0, -7*n) },
	"month":  func(t time.Time, n int) time.Time { return t.AddDate(0, -n, 0) },
	"year":   func(t time.Time, n int) time.Time { return t.AddDate(-n, 0, 0) },
}

// unitAliases maps the other accepted spellings to a relativeUnits key.
var unitAliases = map[string]string{"min": "minute", "mins": "minute"}

// Time resolves the value of a date condition (created, updated, solved).
// Absolute values are 2026-01-01 (midnight UTC), RFC 3339 such as
// 2026-01-01T10:00:00Z, or 2026-01-01T10:00 (UTC). Relative values are
// N minutes, hours, days, weeks, months or years before now, written
// 3days, 1hour or 90min; so created>3days means "created in the last three
// days", as in Zendesk. Absolute results are in UTC, relative ones in now's
// location.
func (c Cond) Time(now time.Time) (time.Time, error) {
	return parseTime(c.Value, now)
}

func parseTime(v string, now time.Time) (time.Time, error) {
	if t, ok := parseRelative(v, now); ok {
		return t, nil
	}
	for _, layout := range absoluteLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("search: invalid date %q", v)
}

// parseRelative parses Nunit (3days, 12hours, 1week). ok is false when v is
// not of that form or N is out of range.
func parseRelative(v string, now time.Time) (time.Time, bool) {
	i := 0
	for i < len(v) && v[i] >= '0' && v[i] <= '9' {
		i++
	}
	if i == 0 || i == len(v) {
		return time.Time{}, false
	}
	n, err := strconv.Atoi(v[:i])
	if err != nil || n > maxRelative {
		return time.Time{}, false
	}
	u := strings.ToLower(v[i:])
	if a, ok := unitAliases[u]; ok {
		u = a
	}
	step, ok := relativeUnits[strings.TrimSuffix(u, "s")]
	if !ok {
		return time.Time{}, false
	}
	return step(now, n), true
}
