package store

import (
	"strconv"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// hoursUntilBreach is the view condition "hours until next SLA breach": the
// whole hours left until the ticket's next breach, which is its earliest open
// target still ahead whose clock runs (a paused one is never next), as the
// automation condition of that name counts them. It reads ticket_sla, which
// holds open tickets' targets only.
func hoursUntilBreach(w *sqlWhere, c model.Condition, now time.Time) string {
	h, _ := strconv.ParseInt(c.Value, 10, 64) // CheckViewCond passed it
	at := func(hours int64) string { return w.arg(ts(now.Add(time.Duration(hours) * time.Hour))) }
	next := `MIN(CASE WHEN breach_at > ` + w.arg(ts(now)) + ` THEN breach_at END)`
	var have string
	switch c.Operator {
	case "less_than":
		have = next + " < " + at(h)
	case "greater_than":
		have = next + " >= " + at(h+1)
	default: // is
		have = next + " >= " + at(h) + " AND " + next + " < " + at(h+1)
	}
	return `id IN (SELECT ticket_id FROM ticket_sla WHERE fulfilled_at IS NULL AND paused_left IS NULL
		GROUP BY ticket_id HAVING ` + have + `)`
}
