package desk_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// TestViewHoursAndCustomFields: "hours since created/updated" count back from
// the desk's clock at the time the view runs, and custom field conditions match
// the stored value; an end user can't run a view at all.
func TestViewHoursAndCustomFields(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	now.Store(t0.UnixMicro())
	clock := func() time.Time { return time.UnixMicro(now.Load()) }
	d, _, admin := openDesk(t, desk.WithClock(clock))
	ctx := context.Background()
	typ, title := "text", "Asset tag"
	field, err := d.SaveField(ctx, admin, 0, desk.FieldInput{Type: &typ, Title: &title})
	require.NoError(t, err)
	mk := func(subject, asset string) model.Ticket {
		in := desk.TicketInput{Subject: &subject, Comment: &desk.CommentInput{Body: "x"},
			Requester: &desk.RequesterInput{Email: "r@example.com"}}
		if asset != "" {
			in.CustomFields = []model.FieldValue{{ID: field.ID, Value: asset}}
		}
		res, err := d.CreateTicket(ctx, admin, in, "")
		require.NoError(t, err)
		return res.Ticket
	}
	old := mk("created at 09:00", "LAP-1")
	now.Store(t0.Add(5 * time.Hour).UnixMicro())
	newer := mk("created at 14:00", "lap-2")
	mk("no asset", "")
	now.Store(t0.Add(6*time.Hour + 30*time.Minute).UnixMicro()) // 15:30

	ids := func(conds ...model.Condition) []int64 {
		t.Helper()
		v, err := d.SaveTicketView(ctx, admin, model.View{Title: fmt.Sprint(conds), Active: true,
			Conditions: model.Conditions{All: conds}})
		require.NoError(t, err)
		page, err := d.RunTicketView(ctx, admin, v.ID, &store.ViewSort{By: "id"}, 100, 0)
		require.NoError(t, err)
		var out []int64
		for _, tk := range page.Tickets {
			out = append(out, tk.ID)
		}
		return out
	}
	c := func(field, op, value string) model.Condition {
		return model.Condition{Field: field, Operator: op, Value: value}
	}
	cf := fmt.Sprint("custom_fields_", field.ID)
	require.Equal(t, []int64{old.ID}, ids(c("NEW", "greater_than", "5")), "6.5 hours old: more than 5 whole hours")
	require.Equal(t, []int64{newer.ID, newer.ID + 1}, ids(c("NEW", "less_than", "2")))
	require.Equal(t, []int64{old.ID}, ids(c("NEW", "is", "6")), "between 6 and 7 hours ago")
	require.Equal(t, []int64{newer.ID, newer.ID + 1}, ids(c("updated_at", "less_than", "3")))
	require.Equal(t, []int64{old.ID}, ids(c(cf, "is", "lap-1")), "a text value matches case-insensitively, as search does")
	require.Equal(t, []int64{newer.ID + 1}, ids(c(cf, "not_present", "")))
	require.Equal(t, []int64{old.ID, newer.ID}, ids(c(cf, "present", "")))
	require.Equal(t, []int64{newer.ID, newer.ID + 1}, ids(c(cf, "is_not", "LAP-1")))

	end, err := d.CreateUser(ctx, admin, desk.UserInput{Name: ptr("Eve"), Email: ptr("eve@example.com"), Role: ptr("end-user")})
	require.NoError(t, err)
	_, err = d.RunTicketView(ctx, end, 1, nil, 10, 0)
	require.ErrorIs(t, err, model.ErrForbidden)
	_, err = d.Macros(ctx, end, desk.MacroFilter{})
	require.ErrorIs(t, err, model.ErrForbidden)
}
