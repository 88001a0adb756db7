package api

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/twindesk/twindesk/internal/model"
)

// slaRoutes adds Zendesk's SLA policies and business-hours schedules APIs.
func (s *Server) slaRoutes(handle func(method, path string, h handlerFunc)) {
	handle("GET", "/slas/policies", s.listSLAPolicies)
	handle("POST", "/slas/policies", s.createSLAPolicy)
	handle("PUT", "/slas/policies/reorder", s.reorderSLAPolicies)
	handle("GET", "/slas/policies/{id}", s.showSLAPolicy)
	handle("PUT", "/slas/policies/{id}", s.updateSLAPolicy)
	handle("DELETE", "/slas/policies/{id}", s.deleteSLAPolicy)
	handle("GET", "/business_hours/schedules", s.listSchedules)
	handle("POST", "/business_hours/schedules", s.createSchedule)
	handle("GET", "/business_hours/schedules/{id}", s.showSchedule)
	handle("PUT", "/business_hours/schedules/{id}", s.updateSchedule)
	handle("DELETE", "/business_hours/schedules/{id}", s.deleteSchedule)
	handle("PUT", "/business_hours/schedules/{id}/workweek", s.updateWorkweek)
	handle("GET", "/business_hours/schedules/{id}/holidays", s.listHolidays)
	handle("POST", "/business_hours/schedules/{id}/holidays", s.createHoliday)
	handle("DELETE", "/business_hours/schedules/{id}/holidays/{holiday_id}", s.deleteHoliday)
}

type slaPolicyJSON struct {
	ID            int64             `json:"id"`
	URL           string            `json:"url"`
	Title         string            `json:"title"`
	Description   string            `json:"description"`
	Position      int64             `json:"position"`
	Filter        model.Conditions  `json:"filter"`
	PolicyMetrics []model.SLAMetric `json:"policy_metrics"`
	CreatedAt     string            `json:"created_at"`
	UpdatedAt     string            `json:"updated_at"`
}

func (s *Server) slaPolicyOut(p *model.SLAPolicy) slaPolicyJSON {
	f := p.Filter
	if f.All == nil {
		f.All = []model.Condition{}
	}
	if f.Any == nil {
		f.Any = []model.Condition{}
	}
	m := p.Metrics
	if m == nil {
		m = []model.SLAMetric{}
	}
	return slaPolicyJSON{ID: p.ID, URL: fmt.Sprintf("%s/api/v2/slas/policies/%d.json", s.cfg.BaseURL, p.ID), Title: p.Title,
		Description: p.Description, Position: p.Position, Filter: f, PolicyMetrics: m,
		CreatedAt: zt(p.CreatedAt), UpdatedAt: zt(p.UpdatedAt)}
}

type slaPolicyIn struct {
	Title       *string `json:"title"`
	Description *string `json:"description"`
	Position    *int64  `json:"position"`
	Filter      *struct {
		All []conditionIn `json:"all"`
		Any []conditionIn `json:"any"`
	} `json:"filter"`
	PolicyMetrics *[]model.SLAMetric `json:"policy_metrics"`
}

func (in *slaPolicyIn) apply(p *model.SLAPolicy) error {
	if in.Title != nil {
		p.Title = *in.Title
	}
	if in.Description != nil {
		p.Description = *in.Description
	}
	if in.Position != nil {
		p.Position = *in.Position
	}
	if in.Filter != nil {
		var err error
		if p.Filter.All, err = conditions(in.Filter.All); err != nil {
			return err
		}
		if p.Filter.Any, err = conditions(in.Filter.Any); err != nil {
			return err
		}
	}
	if in.PolicyMetrics != nil {
		p.Metrics = *in.PolicyMetrics
	}
	return nil
}

func decodeSLAPolicy(r *http.Request) (*slaPolicyIn, error) {
	return decodeEnvelope[slaPolicyIn](r, "sla_policy")
}

func (s *Server) listSLAPolicies(w http.ResponseWriter, r *http.Request) error {
	list, err := s.desk.SLAPolicies(r.Context(), currentUser(r.Context()))
	if err != nil {
		return err
	}
	out := make([]slaPolicyJSON, len(list))
	for i := range list {
		out[i] = s.slaPolicyOut(&list[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"sla_policies": out, "count": len(out), "next_page": nil, "previous_page": nil})
	return nil
}

// reorderSLAPolicies is Zendesk's PUT /slas/policies/reorder
// {"sla_policy_ids": [...]}: every policy once, in the order they are tried.
func (s *Server) reorderSLAPolicies(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		IDs []int64 `json:"sla_policy_ids"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	if err := s.desk.ReorderSLAPolicies(r.Context(), currentUser(r.Context()), body.IDs); err != nil {
		return err
	}
	return s.listSLAPolicies(w, r)
}

func (s *Server) createSLAPolicy(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeSLAPolicy(r)
	if err != nil {
		return err
	}
	var p model.SLAPolicy
	if err := in.apply(&p); err != nil {
		return err
	}
	if p, err = s.desk.SaveSLAPolicy(r.Context(), currentUser(r.Context()), p); err != nil {
		return err
	}
	out := s.slaPolicyOut(&p)
	w.Header().Set("Location", out.URL)
	writeJSON(w, http.StatusCreated, map[string]any{"sla_policy": out})
	return nil
}

func (s *Server) showSLAPolicy(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.desk.SLAPolicy(r.Context(), currentUser(r.Context()), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"sla_policy": s.slaPolicyOut(&p)})
	return nil
}

func (s *Server) updateSLAPolicy(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in, err := decodeSLAPolicy(r)
	if err != nil {
		return err
	}
	actor := currentUser(r.Context())
	p, err := s.desk.SLAPolicy(r.Context(), actor, id)
	if err != nil {
		return err
	}
	if err := in.apply(&p); err != nil {
		return err
	}
	if p, err = s.desk.SaveSLAPolicy(r.Context(), actor, p); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"sla_policy": s.slaPolicyOut(&p)})
	return nil
}

func (s *Server) deleteSLAPolicy(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.desk.DeleteSLAPolicy(r.Context(), currentUser(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type scheduleJSON struct {
	ID        int64                    `json:"id"`
	Name      string                   `json:"name"`
	TimeZone  string                   `json:"time_zone"`
	Intervals []model.ScheduleInterval `json:"intervals"`
	CreatedAt string                   `json:"created_at"`
	UpdatedAt string                   `json:"updated_at"`
}

func scheduleOut(sc *model.Schedule) scheduleJSON {
	iv := sc.Intervals
	if iv == nil {
		iv = []model.ScheduleInterval{}
	}
	return scheduleJSON{ID: sc.ID, Name: sc.Name, TimeZone: sc.TimeZone, Intervals: iv,
		CreatedAt: zt(sc.CreatedAt), UpdatedAt: zt(sc.UpdatedAt)}
}

type scheduleIn struct {
	Name      *string                   `json:"name"`
	TimeZone  *string                   `json:"time_zone"`
	Intervals *[]model.ScheduleInterval `json:"intervals"`
}

func decodeSchedule(r *http.Request) (*scheduleIn, error) {
	return decodeEnvelope[scheduleIn](r, "schedule")
}

func (in *scheduleIn) apply(sc *model.Schedule) {
	if in.Name != nil {
		sc.Name = *in.Name
	}
	if in.TimeZone != nil {
		sc.TimeZone = *in.TimeZone
	}
	if in.Intervals != nil {
		sc.Intervals = *in.Intervals
	}
}

// defaultWorkweek is Zendesk's for a new schedule: Monday to Friday, 09:00-17:00.
func defaultWorkweek() []model.ScheduleInterval {
	var out []model.ScheduleInterval
	for d := 1; d <= 5; d++ {
		out = append(out, model.ScheduleInterval{StartTime: d*1440 + 9*60, EndTime: d*1440 + 17*60})
	}
	return out
}

func (s *Server) listSchedules(w http.ResponseWriter, r *http.Request) error {
	list, err := s.desk.Schedules(r.Context(), currentUser(r.Context()))
	if err != nil {
		return err
	}
	out := make([]scheduleJSON, len(list))
	for i := range list {
		out[i] = scheduleOut(&list[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"schedules": out})
	return nil
}

func (s *Server) createSchedule(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeSchedule(r)
	if err != nil {
		return err
	}
	sc := model.Schedule{Intervals: defaultWorkweek()}
	in.apply(&sc)
	if sc, err = s.desk.SaveSchedule(r.Context(), currentUser(r.Context()), sc); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"schedule": scheduleOut(&sc)})
	return nil
}

// scheduleFor loads the schedule of the request's {id} for a change.
func (s *Server) scheduleFor(r *http.Request) (model.Schedule, error) {
	id, err := pathID(r)
	if err != nil {
		return model.Schedule{}, err
	}
	return s.desk.Schedule(r.Context(), currentUser(r.Context()), id)
}

func (s *Server) showSchedule(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.scheduleFor(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"schedule": scheduleOut(&sc)})
	return nil
}

func (s *Server) updateSchedule(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeSchedule(r)
	if err != nil {
		return err
	}
	sc, err := s.scheduleFor(r)
	if err != nil {
		return err
	}
	in.apply(&sc)
	if sc, err = s.desk.SaveSchedule(r.Context(), currentUser(r.Context()), sc); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"schedule": scheduleOut(&sc)})
	return nil
}

func (s *Server) deleteSchedule(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.desk.DeleteSchedule(r.Context(), currentUser(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// updateWorkweek serves PUT .../workweek {"workweek": {"intervals": [...]}}.
func (s *Server) updateWorkweek(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Workweek *struct {
			Intervals []model.ScheduleInterval `json:"intervals"`
		} `json:"workweek"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	if body.Workweek == nil {
		return recordInvalid(model.Invalid("workweek", "BlankValue", "workweek: the body must be {\"workweek\": {\"intervals\": [...]}}"))
	}
	sc, err := s.scheduleFor(r)
	if err != nil {
		return err
	}
	sc.Intervals = body.Workweek.Intervals
	if sc, err = s.desk.SaveSchedule(r.Context(), currentUser(r.Context()), sc); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"workweek": map[string]any{"intervals": scheduleOut(&sc).Intervals}})
	return nil
}

func (s *Server) listHolidays(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.scheduleFor(r)
	if err != nil {
		return err
	}
	out := sc.Holidays
	if out == nil {
		out = []model.Holiday{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"holidays": out})
	return nil
}

func (s *Server) createHoliday(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeEnvelope[model.Holiday](r, "holiday")
	if err != nil {
		return err
	}
	sc, err := s.scheduleFor(r)
	if err != nil {
		return err
	}
	h := *in
	h.ID = 0
	sc.Holidays = append(sc.Holidays, h)
	if sc, err = s.desk.SaveSchedule(r.Context(), currentUser(r.Context()), sc); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"holiday": sc.Holidays[len(sc.Holidays)-1]})
	return nil
}

func (s *Server) deleteHoliday(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.scheduleFor(r)
	if err != nil {
		return err
	}
	hid, err := strconv.ParseInt(r.PathValue("holiday_id"), 10, 64)
	if err != nil {
		return errNotFound
	}
	kept := sc.Holidays[:0]
	for _, h := range sc.Holidays {
		if h.ID != hid {
			kept = append(kept, h)
		}
	}
	if len(kept) == len(sc.Holidays) {
		return errNotFound
	}
	sc.Holidays = kept
	if _, err := s.desk.SaveSchedule(r.Context(), currentUser(r.Context()), sc); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
