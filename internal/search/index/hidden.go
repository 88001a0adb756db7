package index

import (
	"slices"
	"strconv"

	"github.com/twindesk/twindesk/internal/search"
)

// hideGroups returns p with its HiddenGroups turned into negated group
// conditions on a copy of the query. The search's every plan (SQL, in-memory
// sets, counts from the indexes) already honours those, so none of them can
// return a hidden group's ticket or count it.
func (p Params) hideGroups() Params {
	if len(p.HiddenGroups) == 0 {
		return p
	}
	q := *p.Query
	q.Conds = slices.Clip(q.Conds)
	for _, id := range p.HiddenGroups {
		q.Conds = append(q.Conds, search.Cond{Field: "group", Op: search.OpEq, Value: strconv.FormatInt(id, 10), Negate: true})
	}
	p.Query, p.HiddenGroups = &q, nil
	return p
}
