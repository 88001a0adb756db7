package desk

import (
	"context"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
)

// EscalationReportIn builds the escalation report of the stubs created in
// [from, to), by month in loc (the viewer's time zone, or the one an API client
// names): an escalation made on a Berlin evening counts on the Berlin day and
// month it was made. Agents and admins only. The database counts (store.TagReportCounts); only closed
// stubs' durations come back one by one, for the median.
func (s *Service) EscalationReportIn(ctx context.Context, actor model.User, from, to time.Time, loc *time.Location) (EscalationReport, error) {
	if err := requireStaff(actor); err != nil {
		return EscalationReport{}, err
	}
	read := s.db.Read()
	fields, err := read.ListFields(ctx)
	if err != nil {
		return EscalationReport{}, err
	}
	ids, _, _, err := recipeFieldIDs(ctx, read)
	if err != nil {
		return EscalationReport{}, err
	}
	catField, byField := fieldByID(fields, ids[peer.FieldSecureCategory]), fieldByID(fields, ids[peer.FieldEscalatedBy])
	var catID, byID int64
	if catField != nil {
		catID = catField.ID
	}
	if byField != nil {
		byID = byField.ID
	}
	bounds := monthBounds(from, to, loc)
	counts, err := read.TagReportCounts(ctx, peer.TagEscalatedToSecure, bounds, catID, byID)
	if err != nil {
		return EscalationReport{}, err
	}
	closed, err := read.ClosedTagDurations(ctx, peer.TagEscalatedToSecure, from, to)
	if err != nil {
		return EscalationReport{}, err
	}
	groups, err := read.ListGroups(ctx, store.Page{Limit: 10000})
	if err != nil {
		return EscalationReport{}, err
	}
	return buildEscalationReport(counts, closed, bounds, loc, catField, byField, groups), nil
}
