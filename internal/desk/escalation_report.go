package desk

import (
	"cmp"
	"slices"
	"sort"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// ReportCount is one row of a breakdown.
type ReportCount struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

// EscalationReport summarises the stubs of escalated tickets in standard.
type EscalationReport struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// TimeZone names the zone the days and months are counted in.
	TimeZone    string        `json:"time_zone"`
	Total       int           `json:"total"`
	Open        int           `json:"open"`
	Closed      int           `json:"closed"`
	ByCategory  []ReportCount `json:"by_category"`
	ByMonth     []ReportCount `json:"by_month"`
	ByGroup     []ReportCount `json:"by_pseudo_group"`
	ByEscalator []ReportCount `json:"by_escalated_by"`
	// MedianHoursToClose is over closed stubs; nil when none closed.
	MedianHoursToClose *float64 `json:"median_hours_to_close"`
	// ByCategoryMonth feeds the chart: month -> category -> count.
	ByCategoryMonth map[string]map[string]int `json:"by_category_month"`
}

// monthBounds splits [from, to) at the starts of the months in loc: the
// periods the report counts escalations by, as the viewer's calendar has them.
func monthBounds(from, to time.Time, loc *time.Location) []time.Time {
	out := []time.Time{from}
	f := from.In(loc)
	for m := time.Date(f.Year(), f.Month()+1, 1, 0, 0, 0, 0, loc); m.Before(to); m = m.AddDate(0, 1, 0) {
		out = append(out, m)
	}
	return append(out, to)
}

// buildEscalationReport sums the stubs' counts (store.TagReportCounts by month
// in loc and category, by escalator, by group) into the report; closed holds
// how long each closed stub was open.
func buildEscalationReport(counts []store.TagReportCount, closed []time.Duration, bounds []time.Time, loc *time.Location,
	catField, byField *model.TicketField, groups []model.Group) EscalationReport {
	r := EscalationReport{From: bounds[0], To: bounds[len(bounds)-1], TimeZone: loc.String(), ByCategoryMonth: map[string]map[string]int{}}
	groupName := map[int64]string{}
	for _, g := range groups {
		groupName[g.ID] = g.Name
	}
	cats, months, grps, who := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	for _, c := range counts {
		switch c.Kind {
		case 1:
			if byField != nil {
				who[cmp.Or(c.Value, "(unknown)")] += c.Count
			}
			continue
		case 2:
			grps[cmp.Or(groupName[c.GroupID], "(none)")] += c.Count
			continue
		}
		r.Total += c.Count
		cat := "Uncategorised"
		if catField != nil && c.Value != "" {
			cat = cmp.Or(catField.OptionTitle(c.Value), c.Value)
		}
		month := bounds[c.Period].In(loc).Format("2006-01")
		cats[cat] += c.Count
		months[month] += c.Count
		if r.ByCategoryMonth[month] == nil {
			r.ByCategoryMonth[month] = map[string]int{}
		}
		r.ByCategoryMonth[month][cat] += c.Count
		if c.Closed {
			r.Closed += c.Count
		} else {
			r.Open += c.Count
		}
	}
	r.ByCategory, r.ByGroup, r.ByEscalator = byCount(cats), byCount(grps), byCount(who)
	r.ByMonth = byKey(months)
	if len(closed) > 0 {
		hours := make([]float64, len(closed))
		for i, d := range closed {
			hours[i] = d.Hours()
		}
		m := median(hours)
		r.MedianHoursToClose = &m
	}
	return r
}

func fieldByID(fields []model.TicketField, id int64) *model.TicketField {
	for i := range fields {
		if fields[i].ID == id {
			return &fields[i]
		}
	}
	return nil
}

// byCount sorts a breakdown by count, largest first, then by key.
func byCount(m map[string]int) []ReportCount {
	out := byKey(m)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	return out
}

func byKey(m map[string]int) []ReportCount {
	out := make([]ReportCount, 0, len(m))
	for k, v := range m {
		out = append(out, ReportCount{Key: k, Count: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
