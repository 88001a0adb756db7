package rules

import (
	"fmt"

	"github.com/twindesk/twindesk/internal/model"
)

// ValidateFilter checks conditions that judge a ticket as it stands, with no
// change to look at: an SLA policy's filter. They are a trigger's conditions
// without the ones about the change (update_type, comments, role, "changed").
func ValidateFilter(c model.Conditions) error {
	v := &model.ValidationError{}
	for i, cd := range c.All {
		if IsTimeCondition(cd.Field) {
			v.Add(fmt.Sprintf("filter.all[%d]", i), "InvalidValue", "%s: time conditions are for automations", cd.Field)
			continue
		}
		checkAutoCond(v, "all", i, cd)
	}
	for i, cd := range c.Any {
		if IsTimeCondition(cd.Field) {
			v.Add(fmt.Sprintf("filter.any[%d]", i), "InvalidValue", "%s: time conditions are for automations", cd.Field)
			continue
		}
		checkAutoCond(v, "any", i, cd)
	}
	return v.OrNil()
}

// Filter is compiled filter conditions; read-only once built.
type Filter struct{ c compiled }

// CompileFilter parses c once for many Matches.
func CompileFilter(c model.Conditions) *Filter {
	cp := newCompiler([]model.Trigger{{Active: true, Conditions: c}})
	return &Filter{c: cp.trigger(&model.Trigger{Conditions: c})}
}

// Matches reports whether t, as it stands, meets the filter. An empty filter
// matches every ticket.
func (f *Filter) Matches(t *model.Ticket, env Env) bool {
	ch := &model.Change{Before: t, After: t}
	return f.c.matches(&evalCtx{ch: ch, env: env})
}
