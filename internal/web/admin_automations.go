package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// automationsPageData is the overview of automations: what they say and what
// the latest scheduled runs did. Automations are edited here
// (admin_automation_edit.go) and through the API; SLA policies on their own
// pages (admin_slas.go).
type automationsPageData struct {
	Automations []ruleSummary
	Runs        []store.AutomationRun
}

// ruleSummary is a rule written out as text.
type ruleSummary struct {
	ID                int64
	Title, When, Then string
	Active            bool
	First, Last       bool
}

func condText(cs []model.Condition, join string) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = strings.TrimSpace(fmt.Sprintf("%s %s %s", c.Field, c.Operator, c.Value))
	}
	return strings.Join(parts, join)
}

func whenText(c model.Conditions) string {
	all, anyOf := condText(c.All, " and "), condText(c.Any, " or ")
	switch {
	case anyOf == "":
		return all
	case all == "":
		return anyOf
	}
	return all + " and (" + anyOf + ")"
}

func (s *Server) automationsPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	autos, err := s.desk.Automations(ctx, rq.user, false)
	if err != nil {
		return err
	}
	var d automationsPageData
	for i, a := range autos {
		acts := make([]string, len(a.Actions))
		for i, ac := range a.Actions {
			acts[i] = ac.Field + " " + strings.Join(ac.Value, " ")
		}
		d.Automations = append(d.Automations, ruleSummary{ID: a.ID, Title: a.Title, When: whenText(a.Conditions),
			Then: strings.Join(acts, ", "), Active: a.Active, First: i == 0, Last: i == len(autos)-1})
	}
	if d.Runs, err = s.desk.AutomationRuns(ctx, rq.user, 20); err != nil {
		return err
	}
	s.render(w, r, rq, http.StatusOK, "automations.html", "Automations", d)
	return nil
}
