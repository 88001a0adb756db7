package desk

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/bizhours"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/rules"
	"github.com/twindesk/twindesk/internal/store"
)

// Schedules lists the business-hours schedules for staff.
func (s *Service) Schedules(ctx context.Context, actor model.User) ([]model.Schedule, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	return s.db.Read().ListSchedules(ctx)
}

// Schedule loads one schedule for staff.
func (s *Service) Schedule(ctx context.Context, actor model.User, id int64) (model.Schedule, error) {
	if err := requireStaff(actor); err != nil {
		return model.Schedule{}, err
	}
	return s.db.Read().Schedule(ctx, id)
}

// SaveSchedule validates and stores a schedule (ID 0 creates); admins only.
func (s *Service) SaveSchedule(ctx context.Context, actor model.User, sc model.Schedule) (model.Schedule, error) {
	if err := requireAdmin(actor); err != nil {
		return sc, err
	}
	if err := validateSchedule(&sc); err != nil {
		return sc, err
	}
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		now := s.clock()
		if sc.ID != 0 {
			old, err := tx.Schedule(ctx, sc.ID)
			if err != nil {
				return err
			}
			sc.CreatedAt = old.CreatedAt
		} else {
			sc.CreatedAt = now
		}
		sc.UpdatedAt = now
		for i := range sc.Holidays {
			if sc.Holidays[i].ID == 0 {
				sc.Holidays[i].ID = nextHolidayID(sc.Holidays)
			}
		}
		var err error
		sc.ID, err = tx.SaveSchedule(ctx, &sc)
		return err
	})
	return sc, err
}

func nextHolidayID(hs []model.Holiday) int64 {
	var top int64
	for _, h := range hs {
		top = max(top, h.ID)
	}
	return top + 1
}

func validateSchedule(sc *model.Schedule) error {
	v := &model.ValidationError{}
	if strings.TrimSpace(sc.Name) == "" {
		v.Add("name", "BlankValue", "Name: cannot be blank")
	}
	if _, err := time.LoadLocation(sc.TimeZone); err != nil || sc.TimeZone == "" {
		v.Add("time_zone", "InvalidValue", "Time zone: %q is not a known time zone (an IANA name such as Europe/Berlin)", sc.TimeZone)
	}
	if err := bizhours.Validate(intervalsOf(sc), holidaysOf(sc)); err != nil {
		v.Add("intervals", "InvalidValue", "%v", err)
	}
	return v.OrNil()
}

func intervalsOf(sc *model.Schedule) []bizhours.Interval {
	out := make([]bizhours.Interval, len(sc.Intervals))
	for i, iv := range sc.Intervals {
		out[i] = bizhours.Interval{Start: iv.StartTime, End: iv.EndTime}
	}
	return out
}

func holidaysOf(sc *model.Schedule) []bizhours.Holiday {
	out := make([]bizhours.Holiday, len(sc.Holidays))
	for i, h := range sc.Holidays {
		out[i] = bizhours.Holiday{From: h.StartDate, To: h.EndDate}
	}
	return out
}

// DeleteSchedule removes a schedule; admins only.
func (s *Service) DeleteSchedule(ctx context.Context, actor model.User, id int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error { return tx.DeleteSchedule(ctx, id) })
}

// SLAPolicies lists the SLA policies for staff.
func (s *Service) SLAPolicies(ctx context.Context, actor model.User) ([]model.SLAPolicy, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	return s.db.Read().ListSLAPolicies(ctx)
}

// SLAPolicy loads one policy for staff.
func (s *Service) SLAPolicy(ctx context.Context, actor model.User, id int64) (model.SLAPolicy, error) {
	if err := requireStaff(actor); err != nil {
		return model.SLAPolicy{}, err
	}
	return s.db.Read().SLAPolicy(ctx, id)
}

// SaveSLAPolicy validates and stores a policy (ID 0 creates); admins only.
// Tickets take the new targets at their next change.
func (s *Service) SaveSLAPolicy(ctx context.Context, actor model.User, p model.SLAPolicy) (model.SLAPolicy, error) {
	if err := requireAdmin(actor); err != nil {
		return p, err
	}
	if err := validatePolicy(&p); err != nil {
		return p, err
	}
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		now := s.clock()
		if p.ID != 0 {
			old, err := tx.SLAPolicy(ctx, p.ID)
			if err != nil {
				return err
			}
			p.CreatedAt = old.CreatedAt
		} else {
			p.CreatedAt = now
			if p.Position == 0 {
				all, err := tx.ListSLAPolicies(ctx)
				if err != nil {
					return err
				}
				p.Position = int64(len(all)) + 1
			}
		}
		p.UpdatedAt = now
		var err error
		p.ID, err = tx.SaveSLAPolicy(ctx, &p)
		return err
	})
	return p, err
}

// slaMetrics are the metrics a policy may set.
var slaMetrics = []string{model.MetricFirstReply, model.MetricNextReply, model.MetricRequesterWait, model.MetricAgentWork,
	model.MetricPeriodicUpdate, model.MetricPausableUpdate}

func validatePolicy(p *model.SLAPolicy) error {
	v := &model.ValidationError{}
	if strings.TrimSpace(p.Title) == "" {
		v.Add("title", "BlankValue", "Title: cannot be blank")
	}
	if err := rules.ValidateFilter(p.Filter); err != nil {
		return err
	}
	seen := map[[2]string]bool{}
	for i, m := range p.Metrics {
		switch {
		case !slices.Contains(slaMetrics, m.Metric):
			v.Add("policy_metrics", "InvalidValue", "policy_metrics[%d]: metric %q is not supported (%s)", i, m.Metric, strings.Join(slaMetrics, ", "))
		case !slices.Contains([]string{"low", "normal", "high", "urgent"}, m.Priority):
			v.Add("policy_metrics", "InvalidValue", "policy_metrics[%d]: priority must be low, normal, high or urgent", i)
		case m.Target <= 0:
			v.Add("policy_metrics", "InvalidValue", "policy_metrics[%d]: target must be a positive number of minutes", i)
		case seen[[2]string{m.Priority, m.Metric}]:
			v.Add("policy_metrics", "InvalidValue", "policy_metrics[%d]: %s for %s is set twice", i, m.Metric, m.Priority)
		}
		seen[[2]string{m.Priority, m.Metric}] = true
	}
	return v.OrNil()
}

// DeleteSLAPolicy removes a policy; admins only.
func (s *Service) DeleteSLAPolicy(ctx context.Context, actor model.User, id int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error { return tx.DeleteSLAPolicy(ctx, id) })
}
