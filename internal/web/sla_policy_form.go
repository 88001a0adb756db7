package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
)

// The SLA policy form: title, description, the filter as the trigger form's
// condition rows (rule_form.go), and a target per metric and priority, each in
// minutes or hours and in business or calendar time. Which targets are
// acceptable is desk.SaveSLAPolicy's decision, as for the API; its messages
// are shown next to the target or condition they concern.

// slaMetricLabels are the metrics the form offers, in the order shown.
var slaMetricLabels = []struct{ Metric, Label string }{
	{model.MetricFirstReply, "First reply time"},
	{model.MetricNextReply, "Next reply time"},
	{model.MetricPeriodicUpdate, "Periodic update time"},
	{model.MetricRequesterWait, "Requester wait time"},
	{model.MetricAgentWork, "Agent work time"},
	{model.MetricPausableUpdate, "Pausable update time"},
}

var slaPriorities = []string{"urgent", "high", "normal", "low"}

// slaCell is one metric's target for one priority; Value empty means none.
type slaCell struct {
	Priority, Name, Value, Error string
	Hours, Business              bool
}

// slaBlock is one metric's targets.
type slaBlock struct {
	Metric, Label string
	Cells         []slaCell
}

// policyEdit is the policy form.
type policyEdit struct {
	ID                 int64
	Title, Description string
	ruleRows
	Targets []slaBlock
	Fields  []model.TicketField
}

// Suggest holds the datalists' words (an SLA filter takes the automation's
// non-time conditions).
func (e *policyEdit) Suggest() map[string][]string {
	return map[string][]string{"conds": ticketCondFields, "ops": autoOperators}
}

// targetBlocks lays out the grid from stored metrics.
func targetBlocks(ms []model.SLAMetric) []slaBlock {
	out := make([]slaBlock, len(slaMetricLabels))
	for i, ml := range slaMetricLabels {
		out[i] = slaBlock{Metric: ml.Metric, Label: ml.Label}
		for _, prio := range slaPriorities {
			c := slaCell{Priority: prio, Name: ml.Metric + "_" + prio}
			for _, m := range ms {
				if m.Metric == ml.Metric && m.Priority == prio {
					c.Business, c.Value = m.BusinessHours, strconv.Itoa(m.Target)
					if m.Target >= 60 && m.Target%60 == 0 {
						c.Hours, c.Value = true, strconv.Itoa(m.Target/60)
					}
				}
			}
			out[i].Cells = append(out[i].Cells, c)
		}
	}
	return out
}

// parseTargets reads the grid as typed (kept for a refused form), the metrics
// for desk with each one's cell, and whether a value is not a whole number.
func parseTargets(f url.Values) ([]slaBlock, []model.SLAMetric, []*slaCell, bool) {
	blocks := targetBlocks(nil)
	var ms []model.SLAMetric
	var cells []*slaCell
	bad := false
	for i := range blocks {
		for j := range blocks[i].Cells {
			c := &blocks[i].Cells[j]
			c.Value = strings.TrimSpace(f.Get("t_" + c.Name))
			c.Hours, c.Business = f.Get("u_"+c.Name) == "hours", f.Get("b_"+c.Name) == "true"
			if c.Value == "" {
				continue
			}
			n, err := strconv.Atoi(c.Value)
			if err != nil {
				c.Error, bad = "Enter a whole number.", true
				continue
			}
			if c.Hours {
				n *= 60
			}
			ms = append(ms, model.SLAMetric{Priority: c.Priority, Metric: blocks[i].Metric, Target: n, BusinessHours: c.Business})
			cells = append(cells, c)
		}
	}
	return blocks, ms, cells, bad
}

// placePolicyErrors puts desk's messages next to their target ("policy_metrics[2]: ..."),
// condition ("filter.all[0]" or "conditions.all[0]") or the title.
func (e *policyEdit) placePolicyErrors(ve *model.ValidationError, cells []*slaCell) {
	rest := &model.ValidationError{}
	for _, fe := range ve.Errors {
		var i int
		switch {
		case fe.Field == "title":
			e.TitleError = fe.Description
		case fe.Field == "policy_metrics" && scanPrefix(fe.Description, "policy_metrics[%d]", &i) && i < len(cells):
			cells[i].Error = afterPrefix(fe.Description)
		default:
			fe.Field = strings.Replace(fe.Field, "filter.", "conditions.", 1)
			rest.Errors = append(rest.Errors, fe)
		}
	}
	e.placeErrors(rest)
}

// scanPrefix reads i out of a message such as "policy_metrics[2]: ..." when
// its head has the given shape.
func scanPrefix(desc, format string, i *int) bool {
	head, _, ok := strings.Cut(desc, ":")
	return ok && scanIndex(head, format, i)
}

// afterPrefix is the message without its "policy_metrics[2]:" head.
func afterPrefix(desc string) string {
	_, rest, _ := strings.Cut(desc, ":")
	return strings.TrimSpace(rest)
}

func (s *Server) newPolicyForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.renderPolicy(w, r, rq, http.StatusOK, &policyEdit{Targets: targetBlocks(nil)})
}

func (s *Server) editPolicyForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.desk.SLAPolicy(r.Context(), rq.user, id)
	if err != nil {
		return err
	}
	return s.renderPolicy(w, r, rq, http.StatusOK, &policyEdit{ID: p.ID, Title: p.Title, Description: p.Description,
		ruleRows: rowsOf(p.Filter, nil), Targets: targetBlocks(p.Metrics)})
}

func (s *Server) renderPolicy(w http.ResponseWriter, r *http.Request, rq *request, status int, e *policyEdit) error {
	var err error
	if e.Fields, err = s.desk.Fields(r.Context(), rq.user); err != nil {
		return err
	}
	e.addBlank()
	title := "New SLA policy"
	if e.ID != 0 {
		title = "SLA policy " + e.Title
	}
	s.render(w, r, rq, status, "sla_policy.html", title, e)
	return nil
}

// savePolicy creates (POST /admin/slas) or updates a policy, keeping its place
// in the order; a refused form is shown again as typed and nothing is stored.
func (s *Server) savePolicy(w http.ResponseWriter, r *http.Request, rq *request) error {
	var p model.SLAPolicy
	if r.PathValue("id") != "" {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		if p, err = s.desk.SLAPolicy(r.Context(), rq.user, id); err != nil {
			return err
		}
	}
	f := r.PostForm
	e := &policyEdit{ID: p.ID, Title: f.Get("title"), Description: f.Get("description"), ruleRows: parseRuleRows(f)}
	targets, metrics, cells, bad := parseTargets(f)
	e.Targets = targets
	if bad {
		return s.renderPolicy(w, r, rq, http.StatusUnprocessableEntity, e)
	}
	p.Title, p.Description, p.Filter, p.Metrics = e.Title, e.Description, e.conditions(), metrics
	_, err := s.desk.SaveSLAPolicy(r.Context(), rq.user, p)
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		e.placePolicyErrors(ve, cells)
		return s.renderPolicy(w, r, rq, http.StatusUnprocessableEntity, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/slas?flash=saved", http.StatusSeeOther)
	return nil
}
