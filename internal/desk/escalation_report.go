package desk

import (
	"cmp"
	"slices"
	"sort"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
)

// ReportCount is one row of a breakdown.
type ReportCount struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

// EscalationReport summarises the stubs of escalated tickets in standard.
type EscalationReport struct {
	From        time.Time     `json:"from"`
	To          time.Time     `json:"to"`
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

// buildEscalationReport computes the report from the stub tickets (tag escalated_to_secure)
// created in [from, to); ids are the recipe fields' (recipeFieldIDs). A closed
// ticket can't change, so its updated_at is when it closed.
func buildEscalationReport(stubs []model.Ticket, fields []model.TicketField, ids map[string]int64, groups []model.Group, from, to time.Time) EscalationReport {
	r := EscalationReport{From: from, To: to, ByCategoryMonth: map[string]map[string]int{}}
	catField, byField := fieldByID(fields, ids[peer.FieldSecureCategory]), fieldByID(fields, ids[peer.FieldEscalatedBy])
	groupName := map[int64]string{}
	for _, g := range groups {
		groupName[g.ID] = g.Name
	}
	cats, months, grps, who := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	var hours []float64
	for _, t := range stubs {
		if !t.HasTag(peer.TagEscalatedToSecure) {
			continue
		}
		r.Total++
		cat := "Uncategorised"
		if catField != nil {
			if v := t.Field(catField.ID); v != "" {
				cat = cmp.Or(catField.OptionTitle(v), v)
			}
		}
		month := t.CreatedAt.UTC().Format("2006-01")
		cats[cat]++
		months[month]++
		grps[cmp.Or(groupName[t.GroupID], "(none)")]++
		if byField != nil {
			who[cmp.Or(t.Field(byField.ID), "(unknown)")]++
		}
		if r.ByCategoryMonth[month] == nil {
			r.ByCategoryMonth[month] = map[string]int{}
		}
		r.ByCategoryMonth[month][cat]++
		if t.Status == model.StatusClosed {
			r.Closed++
			hours = append(hours, t.UpdatedAt.Sub(t.CreatedAt).Hours())
		} else {
			r.Open++
		}
	}
	r.ByCategory, r.ByGroup, r.ByEscalator = byCount(cats), byCount(grps), byCount(who)
	r.ByMonth = byKey(months)
	if len(hours) > 0 {
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
