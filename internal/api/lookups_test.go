package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestTicketLookups covers the ticket endpoints clients use besides CRUD:
// external_id lookup, count, show_many, Location, Idempotency-Key and safe update.
func TestTicketLookups(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		create := func(body string, opts ...apitest.RequestOption) (int64, *apitest.Response) {
			res := env.Do(t, "POST", "/api/v2/tickets.json", body, opts...)
			require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
			var out struct{ Ticket struct{ ID int64 } }
			res.Decode(t, &out)
			return out.Ticket.ID, res
		}
		a, res := create(`{"ticket": {"subject": "a", "external_id": "crm-1", "comment": {"body": "b"}}}`)
		require.Equal(t, env.URL+"/api/v2/tickets/"+itoa(a)+".json", res.Header.Get("Location"))
		b, _ := create(`{"ticket": {"subject": "b", "external_id": "crm-1", "comment": {"body": "b"}}}`)
		c, _ := create(`{"ticket": {"subject": "c", "comment": {"body": "b"}}}`)

		var list struct {
			Tickets []struct{ ID int64 }
			Count   int
		}
		env.Do(t, "GET", "/api/v2/tickets.json?external_id=crm-1", nil).Decode(t, &list)
		require.Equal(t, 2, list.Count)
		require.Equal(t, []int64{a, b}, []int64{list.Tickets[0].ID, list.Tickets[1].ID}, "external ids are not unique")

		var count struct {
			Count struct {
				Value       int    `json:"value"`
				RefreshedAt string `json:"refreshed_at"`
			} `json:"count"`
		}
		env.Do(t, "GET", "/api/v2/tickets/count.json", nil).Decode(t, &count)
		require.Equal(t, 3, count.Count.Value)
		_, err := time.Parse(time.RFC3339, count.Count.RefreshedAt)
		require.NoError(t, err)

		env.Do(t, "GET", "/api/v2/tickets/show_many.json?ids="+itoa(c)+","+itoa(a)+",999", nil).Decode(t, &list)
		require.Equal(t, []int64{a, c}, []int64{list.Tickets[0].ID, list.Tickets[1].ID})
		require.Equal(t, http.StatusBadRequest, env.Do(t, "GET", "/api/v2/tickets/show_many.json?ids=1,x", nil).Status)

		// The same Idempotency-Key from the same user replays the first create.
		key := apitest.Header("Idempotency-Key", "k-1")
		first, _ := create(`{"ticket": {"subject": "once", "comment": {"body": "b"}}}`, key)
		again, res := create(`{"ticket": {"subject": "once", "comment": {"body": "b"}}}`, key)
		require.Equal(t, first, again)
		require.Equal(t, "true", res.Header.Get("Idempotent-Replayed"))
		env.Do(t, "GET", "/api/v2/tickets/count.json", nil).Decode(t, &count)
		require.Equal(t, 4, count.Count.Value, "a replay creates nothing")

		// Safe update: a stale updated_stamp is a 409 and changes nothing.
		zc := env.AdminClient()
		ctx := context.Background()
		tk, err := zc.GetTicket(ctx, a)
		require.NoError(t, err)
		stale := tk.UpdatedAt.Add(-time.Hour)
		_, err = zc.UpdateTicket(ctx, a, zendesk.Ticket{Priority: "high", SafeUpdate: true, UpdatedStamp: &stale})
		requireStatus(t, err, http.StatusConflict)
		_, err = zc.UpdateTicket(ctx, a, zendesk.Ticket{Priority: "high", SafeUpdate: true, UpdatedStamp: tk.UpdatedAt})
		require.NoError(t, err, "the current stamp is accepted")
		tk, err = zc.GetTicket(ctx, a)
		require.NoError(t, err)
		require.Equal(t, "high", tk.Priority)
	})
}

// TestCreateOrUpdateUserStatus checks the statuses go-zendesk can't show: 201 and
// a Location for a new user, 200 for an existing one.
func TestCreateOrUpdateUserStatus(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	res := env.Do(t, "POST", "/api/v2/users/create_or_update.json", `{"user": {"name": "Rita", "email": "rita@example.com"}}`)
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	require.Equal(t, env.URL+"/api/v2/users/2.json", res.Header.Get("Location"))
	res = env.Do(t, "POST", "/api/v2/users/create_or_update.json", `{"user": {"name": "Rita R", "email": "RITA@example.com"}}`)
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	var out struct{ User struct{ ID int64 } }
	res.Decode(t, &out)
	require.EqualValues(t, 2, out.User.ID)
}
