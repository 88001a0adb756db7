package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// The tests in this file drive the API with github.com/nukosuke/go-zendesk,
// unchanged, as a Zendesk integration would: same paths, same JSON.

// eachBackend runs fn as a parallel subtest on SQLite and on PostgreSQL.
func eachBackend(t *testing.T, fn func(t *testing.T, env *apitest.Env)) {
	t.Helper()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			fn(t, apitest.New(t, b))
		})
	}
}

// requireStatus asserts err is a go-zendesk error with HTTP status want.
func requireStatus(t *testing.T, err error, want int) {
	t.Helper()
	var ze zendesk.Error
	require.Truef(t, errors.As(err, &ze), "want a %d zendesk.Error, got %v", want, err)
	require.Equal(t, want, ze.Status(), ze.Error())
}

func groupID(id int64) json.Number { return json.Number(strconv.FormatInt(id, 10)) }

func TestClientTickets(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		agentID, _ := env.CreateAgent(t, "Ada Agent", "ada@example.com")
		it, err := c.CreateGroup(ctx, zendesk.Group{Name: "IT", Description: "Workstations"})
		require.NoError(t, err)
		_, err = c.Post(ctx, "/group_memberships.json", map[string]any{"group_membership": map[string]any{"user_id": agentID, "group_id": it.ID}})
		require.NoError(t, err)

		// Create, with a new requester given by name and email.
		created, err := c.CreateTicket(ctx, zendesk.Ticket{
			Subject: "Printer on fire", Priority: "high", Type: "incident", ExternalID: "crm-1",
			Tags:      []string{"printer", "Fire"},
			Comment:   &zendesk.TicketComment{Body: "It is on fire"},
			Requester: &zendesk.Requester{Name: "Rita Requester", Email: "rita@example.com", LocaleID: "1"},
		})
		require.NoError(t, err)
		require.NotZero(t, created.ID)
		require.Equal(t, "Printer on fire", created.Subject)
		require.Equal(t, "It is on fire", created.Description)
		require.Equal(t, "new", created.Status)
		require.Equal(t, "high", created.Priority)
		require.Equal(t, "incident", created.Type)
		require.Equal(t, "crm-1", created.ExternalID)
		require.Equal(t, []string{"printer", "fire"}, created.Tags)
		require.Equal(t, env.AdminID, created.SubmitterID)
		require.Equal(t, fmt.Sprintf("%s/api/v2/tickets/%d.json", env.URL, created.ID), created.URL)
		require.NotNil(t, created.CreatedAt)
		requester, err := c.GetUser(ctx, created.RequesterID)
		require.NoError(t, err)
		require.Equal(t, "rita@example.com", requester.Email)
		require.Equal(t, "end-user", requester.Role, "an unknown requester becomes an end user")

		// Show.
		shown, err := c.GetTicket(ctx, created.ID)
		require.NoError(t, err)
		require.Equal(t, created, shown)

		// Update: tags replace, status, assignee and group.
		updated, err := c.UpdateTicket(ctx, created.ID, zendesk.Ticket{
			Tags: []string{"hardware"}, Status: "pending", AssigneeID: agentID, GroupID: groupID(it.ID),
			Comment: &zendesk.TicketComment{Body: "Looking into it", Public: new(bool)},
		})
		require.NoError(t, err)
		require.Equal(t, []string{"hardware"}, updated.Tags)
		require.Equal(t, "pending", updated.Status)
		require.Equal(t, agentID, updated.AssigneeID)
		require.Equal(t, groupID(it.ID), updated.GroupID)
		shown, err = c.GetTicket(ctx, created.ID)
		require.NoError(t, err)
		require.Equal(t, updated, shown, "the update is what a later show returns")

		solved, err := c.UpdateTicket(ctx, created.ID, zendesk.Ticket{Status: "solved"})
		require.NoError(t, err)
		require.Equal(t, "solved", solved.Status)

		comments, err := c.ListTicketComments(ctx, created.ID, nil)
		require.NoError(t, err)
		require.Len(t, comments.TicketComments, 2)
		require.Equal(t, "It is on fire", comments.TicketComments[0].Body)
		require.True(t, *comments.TicketComments[0].Public)
		require.Equal(t, "Looking into it", comments.TicketComments[1].Body)
		require.False(t, *comments.TicketComments[1].Public, "a private note stays private")

		audits, _, err := c.GetTicketAudits(ctx, created.ID, zendesk.PageOptions{})
		require.NoError(t, err)
		require.Len(t, audits, 3, "create, update, solve: one audit each")

		// Delete: gone from show and list.
		require.NoError(t, c.DeleteTicket(ctx, created.ID))
		_, err = c.GetTicket(ctx, created.ID)
		requireStatus(t, err, http.StatusNotFound)
		requireStatus(t, c.DeleteTicket(ctx, created.ID), http.StatusNotFound)
		list, page, err := c.GetTickets(ctx, nil)
		require.NoError(t, err)
		require.Empty(t, list)
		require.Zero(t, page.Count)
	})
}

func TestClientTicketPagination(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		var want []int64
		for i := range 7 {
			tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: fmt.Sprintf("ticket %d", i), Comment: &zendesk.TicketComment{Body: "b"}})
			require.NoError(t, err)
			want = append(want, tk.ID)
		}

		// Offset pagination, page by page, following next_page.
		var got []int64
		for p := 1; ; p++ {
			rows, page, err := c.GetTickets(ctx, &zendesk.TicketListOptions{PageOptions: zendesk.PageOptions{Page: p, PerPage: 3}})
			require.NoError(t, err)
			require.EqualValues(t, 7, page.Count)
			require.Equal(t, p > 1, page.HasPrev(), "previous_page on page %d", p)
			got = append(got, ticketIDs(rows)...)
			if !page.HasNext() {
				require.Equal(t, 3, p, "7 tickets at 3 a page is 3 pages")
				break
			}
		}
		require.Equal(t, want, got, "offset pages")

		// Cursor pagination by hand: meta.has_more and meta.after_cursor.
		got = nil
		opts := &zendesk.CBPOptions{CursorPagination: zendesk.CursorPagination{PageSize: 3}}
		for pages := 1; ; pages++ {
			rows, meta, err := c.GetTicketsCBP(ctx, opts)
			require.NoError(t, err)
			got = append(got, ticketIDs(rows)...)
			if !meta.HasMore {
				require.Equal(t, 3, pages)
				break
			}
			require.NotEmpty(t, meta.AfterCursor)
			opts.PageAfter = meta.AfterCursor
		}
		require.Equal(t, want, got, "cursor pages")

		// The library's iterator, in both modes.
		for _, cbp := range []bool{true, false} {
			it := c.GetTicketsIterator(ctx, &zendesk.PaginationOptions{PageSize: 2, IsCBP: cbp})
			got = nil
			for it.HasMore() {
				rows, err := it.GetNext()
				require.NoError(t, err)
				got = append(got, ticketIDs(rows)...)
			}
			require.Equal(t, want, got, "iterator, cursor=%v", cbp)
		}

		many, err := c.GetMultipleTickets(ctx, []int64{want[4], want[1]})
		require.NoError(t, err)
		require.ElementsMatch(t, []int64{want[1], want[4]}, ticketIDs(many))
	})
}

func ticketIDs(rows []zendesk.Ticket) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out
}

func TestClientUsers(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		eve, err := c.CreateUser(ctx, zendesk.User{Name: "Eve End", Email: "Eve@Example.com", ExternalID: "crm-eve"})
		require.NoError(t, err)
		require.NotZero(t, eve.ID)
		require.Equal(t, "eve@example.com", eve.Email)
		require.Equal(t, "end-user", eve.Role, "the role defaults to end-user")

		agent, err := c.CreateUser(ctx, zendesk.User{Name: "Al Agent", Email: "al@example.com", Role: "agent"})
		require.NoError(t, err)
		require.Equal(t, "agent", agent.Role)

		_, err = c.CreateUser(ctx, zendesk.User{Name: "Eve Again", Email: "eve@example.com"})
		requireStatus(t, err, http.StatusUnprocessableEntity)

		// create_or_update matches by email and updates in place.
		again, err := c.CreateOrUpdateUser(ctx, zendesk.User{Name: "Eve Renamed", Email: "eve@example.com"})
		require.NoError(t, err)
		require.Equal(t, eve.ID, again.ID)
		require.Equal(t, "Eve Renamed", again.Name)
		fresh, err := c.CreateOrUpdateUser(ctx, zendesk.User{Name: "Fay", Email: "fay@example.com"})
		require.NoError(t, err)
		require.NotEqual(t, eve.ID, fresh.ID)

		shown, err := c.GetUser(ctx, eve.ID)
		require.NoError(t, err)
		require.Equal(t, again, shown)

		for query, want := range map[string][]int64{
			"eve@example.com":       {eve.ID},
			"email:eve@example.com": {eve.ID},
			"Renamed":               {eve.ID},
			"example.com":           {env.AdminID, eve.ID, agent.ID, fresh.ID},
			"nobody":                nil,
		} {
			found, _, err := c.SearchUsers(ctx, &zendesk.SearchUsersOptions{Query: query})
			require.NoError(t, err, query)
			require.Equal(t, want, userIDs(found), "search %q", query)
		}
		found, _, err := c.SearchUsers(ctx, &zendesk.SearchUsersOptions{ExternalIDs: "crm-eve"})
		require.NoError(t, err)
		require.Equal(t, []int64{eve.ID}, userIDs(found), "search by external_id")

		all, page, err := c.GetUsers(ctx, &zendesk.UserListOptions{PageOptions: zendesk.PageOptions{PerPage: 2, Page: 2}})
		require.NoError(t, err)
		require.Equal(t, []int64{agent.ID, fresh.ID}, userIDs(all))
		require.EqualValues(t, 4, page.Count)
		agents, _, err := c.GetUsers(ctx, &zendesk.UserListOptions{Role: "agent"})
		require.NoError(t, err)
		require.Equal(t, []int64{agent.ID}, userIDs(agents))

		it := c.GetUsersIterator(ctx, &zendesk.PaginationOptions{PageSize: 3, IsCBP: true})
		var walked []int64
		for it.HasMore() {
			rows, err := it.GetNext()
			require.NoError(t, err)
			walked = append(walked, userIDs(rows)...)
		}
		require.Equal(t, []int64{env.AdminID, eve.ID, agent.ID, fresh.ID}, walked)

		_, err = c.GetUser(ctx, 424242)
		requireStatus(t, err, http.StatusNotFound)
	})
}

func userIDs(rows []zendesk.User) []int64 {
	var out []int64
	for _, r := range rows {
		out = append(out, r.ID)
	}
	return out
}

func TestClientGroups(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		ada, _ := env.CreateAgent(t, "Ada", "ada@example.com")
		bob, _ := env.CreateAgent(t, "Bob", "bob@example.com")
		it, err := c.CreateGroup(ctx, zendesk.Group{Name: "IT", Description: "Workstations"})
		require.NoError(t, err)
		require.Equal(t, "IT", it.Name)
		hr, err := c.CreateGroup(ctx, zendesk.Group{Name: "HR"})
		require.NoError(t, err)
		_, err = c.CreateGroup(ctx, zendesk.Group{Name: "IT"})
		requireStatus(t, err, http.StatusUnprocessableEntity)

		shown, err := c.GetGroup(ctx, it.ID)
		require.NoError(t, err)
		require.Equal(t, it, shown)
		renamed, err := c.UpdateGroup(ctx, hr.ID, zendesk.Group{Name: "People"})
		require.NoError(t, err)
		require.Equal(t, "People", renamed.Name)

		groups, page, err := c.GetGroups(ctx, nil)
		require.NoError(t, err)
		require.EqualValues(t, 2, page.Count)
		require.Equal(t, []string{"IT", "People"}, []string{groups[0].Name, groups[1].Name})
		gi := c.GetGroupsIterator(ctx, &zendesk.PaginationOptions{PageSize: 1, IsCBP: true})
		var names []string
		for gi.HasMore() {
			rows, err := gi.GetNext()
			require.NoError(t, err)
			for _, g := range rows {
				names = append(names, g.Name)
			}
		}
		require.Equal(t, []string{"IT", "People"}, names)

		for _, m := range [][2]int64{{ada, it.ID}, {bob, it.ID}, {ada, hr.ID}} {
			_, err := c.Post(ctx, "/group_memberships.json", map[string]any{"group_membership": map[string]any{"user_id": m[0], "group_id": m[1]}})
			require.NoError(t, err)
		}
		ms, _, err := c.GetGroupMemberships(ctx, nil)
		require.NoError(t, err)
		require.Len(t, ms, 3)
		require.Equal(t, ada, ms[0].UserID)
		require.Equal(t, it.ID, ms[0].GroupID)
		require.True(t, ms[0].Default, "an agent's first group is their default")
		require.False(t, ms[2].Default)
		mi := c.GetGroupMembershipsIterator(ctx, &zendesk.PaginationOptions{PageSize: 2, IsCBP: true})
		n := 0
		for mi.HasMore() {
			rows, err := mi.GetNext()
			require.NoError(t, err)
			n += len(rows)
		}
		require.Equal(t, 3, n)
		user, err := c.GetUser(ctx, ada)
		require.NoError(t, err)
		require.Equal(t, it.ID, user.DefaultGroupID)

		require.NoError(t, c.DeleteGroup(ctx, hr.ID))
		_, err = c.GetGroup(ctx, hr.ID)
		requireStatus(t, err, http.StatusNotFound)
		ms, _, err = c.GetGroupMemberships(ctx, nil)
		require.NoError(t, err)
		require.Len(t, ms, 2, "a deleted group's memberships go with it")
	})
}

// TestClientBearer checks the other credential Zendesk clients send.
func TestClientBearer(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	c, err := zendesk.NewClient(nil)
	require.NoError(t, err)
	require.NoError(t, c.SetEndpointURL(env.URL+"/api/v2"))
	c.SetCredential(zendesk.NewBearerTokenCredential(env.AdminToken))
	me, err := c.GetUser(context.Background(), env.AdminID)
	require.NoError(t, err)
	require.Equal(t, apitest.AdminEmail, me.Email)
}
