package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
)

// The SLA pages (/admin/slas): the policies in the order they are tried, with
// arrows to reorder them, and the business-hours schedules. Policies and
// schedules are saved through the same desk functions as the API
// (/api/v2/slas/policies, /api/v2/business_hours/schedules), so the forms
// hold no rules of their own.

// slasPageData is the SLA overview.
type slasPageData struct {
	Policies  []ruleSummary
	Schedules []model.Schedule
}

// targetsText writes a policy's targets out, e.g. "urgent first_reply_time 60 min".
func targetsText(p model.SLAPolicy) string {
	targets := make([]string, len(p.Metrics))
	for i, m := range p.Metrics {
		hours := ""
		if m.BusinessHours {
			hours = " (business hours)"
		}
		targets[i] = fmt.Sprintf("%s %s %d min%s", m.Priority, m.Metric, m.Target, hours)
	}
	return strings.Join(targets, ", ")
}

func (s *Server) slasPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	policies, err := s.desk.SLAPolicies(ctx, rq.user)
	if err != nil {
		return err
	}
	var d slasPageData
	for i, p := range policies {
		d.Policies = append(d.Policies, ruleSummary{ID: p.ID, Title: p.Title, When: whenText(p.Filter),
			Then: targetsText(p), Active: true, First: i == 0, Last: i == len(policies)-1})
	}
	if d.Schedules, err = s.desk.Schedules(ctx, rq.user); err != nil {
		return err
	}
	s.render(w, r, rq, http.StatusOK, "slas.html", "SLA policies and business hours", d)
	return nil
}

// moveSLAPolicy moves a policy one place up or down: the first policy whose
// filter matches a ticket sets its targets.
func (s *Server) moveSLAPolicy(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	all, err := s.desk.SLAPolicies(r.Context(), rq.user)
	if err != nil {
		return err
	}
	ids := make([]int64, len(all))
	for i, p := range all {
		ids[i] = p.ID
	}
	ids, ok := swapNeighbour(ids, id, r.PostFormValue("dir") == "down")
	if !ok {
		return errNotFound
	}
	if err := s.desk.ReorderSLAPolicies(r.Context(), rq.user, ids); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/slas?flash=saved", http.StatusSeeOther)
	return nil
}

func (s *Server) deleteSLAPolicy(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.desk.DeleteSLAPolicy(r.Context(), rq.user, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/slas?flash=saved", http.StatusSeeOther)
	return nil
}

func (s *Server) deleteSchedule(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.desk.DeleteSchedule(r.Context(), rq.user, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/slas?flash=saved", http.StatusSeeOther)
	return nil
}

// slaEditorRoutes mounts the SLA pages; admins only (agents get 403, and desk
// refuses their changes again).
func (s *Server) slaEditorRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/slas", s.admin(s.slasPage))
	mux.Handle("GET /admin/slas/new", s.admin(s.newPolicyForm))
	mux.Handle("POST /admin/slas", s.admin(s.savePolicy))
	mux.Handle("GET /admin/slas/{id}", s.admin(s.editPolicyForm))
	mux.Handle("POST /admin/slas/{id}", s.admin(s.savePolicy))
	mux.Handle("POST /admin/slas/{id}/move", s.admin(s.moveSLAPolicy))
	mux.Handle("POST /admin/slas/{id}/delete", s.admin(s.deleteSLAPolicy))
	mux.Handle("GET /admin/schedules/new", s.admin(s.newScheduleForm))
	mux.Handle("POST /admin/schedules", s.admin(s.saveSchedule))
	mux.Handle("GET /admin/schedules/{id}", s.admin(s.editScheduleForm))
	mux.Handle("POST /admin/schedules/{id}", s.admin(s.saveSchedule))
	mux.Handle("POST /admin/schedules/{id}/delete", s.admin(s.deleteSchedule))
}
