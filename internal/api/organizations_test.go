package api_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

func TestOrganizations(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			env := apitest.New(t, b)
			c := env.AdminClient()
			ctx := t.Context()
			start := time.Now().Unix() - 1

			acme, err := c.CreateOrganization(ctx, zendesk.Organization{Name: "Acme", ExternalID: "crm-1",
				DomainNames: []string{"acme.example"}, Notes: "key account"})
			require.NoError(t, err)
			require.NotZero(t, acme.ID)
			require.Equal(t, []string{"acme.example"}, acme.DomainNames)
			globex, err := c.CreateOrganization(ctx, zendesk.Organization{Name: "Globex"})
			require.NoError(t, err)

			got, err := c.GetOrganization(ctx, acme.ID)
			require.NoError(t, err)
			require.Equal(t, "key account", got.Notes)
			byExt, _, err := c.GetOrganizationByExternalID(ctx, "crm-1")
			require.NoError(t, err)
			require.Len(t, byExt, 1)
			require.Equal(t, acme.ID, byExt[0].ID)
			list, page, err := c.GetOrganizations(ctx, &zendesk.OrganizationListOptions{})
			require.NoError(t, err)
			require.Len(t, list, 2)
			require.Equal(t, int64(2), page.Count)
			up, err := c.UpdateOrganization(ctx, globex.ID, zendesk.Organization{Name: "Globex Corp", Details: "HQ"})
			require.NoError(t, err)
			require.Equal(t, "Globex Corp", up.Name)
			require.Equal(t, "HQ", up.Details)

			var many struct {
				Organizations []struct {
					ID   int64  `json:"id"`
					Name string `json:"name"`
				} `json:"organizations"`
				Count int `json:"count"`
			}
			env.Do(t, "GET", fmt.Sprintf("/api/v2/organizations/show_many.json?ids=%d,%d,999", acme.ID, globex.ID), nil).Decode(t, &many)
			require.Equal(t, 2, many.Count)
			env.Do(t, "GET", "/api/v2/organizations/autocomplete.json?name=glo", nil).Decode(t, &many)
			require.Len(t, many.Organizations, 1)
			require.Equal(t, "Globex Corp", many.Organizations[0].Name)
			env.Do(t, "GET", "/api/v2/organizations/search.json?name=ACME", nil).Decode(t, &many)
			require.Len(t, many.Organizations, 1)
			var count struct {
				Count struct {
					Value int64 `json:"value"`
				} `json:"count"`
			}
			env.Do(t, "GET", "/api/v2/organizations/count.json", nil).Decode(t, &count)
			require.Equal(t, int64(2), count.Count.Value)

			// Memberships, and an organization's users.
			eve, eveToken := env.CreateEndUser(t, "Eve End", "eve@acme.example")
			m, err := c.CreateOrganizationMembership(ctx, zendesk.OrganizationMembershipOptions{UserID: eve, OrganizationID: acme.ID})
			require.NoError(t, err)
			require.Equal(t, acme.ID, m.OrganizationID)
			ms, _, err := c.GetOrganizationMemberships(ctx, &zendesk.OrganizationMembershipListOptions{})
			require.NoError(t, err)
			require.Len(t, ms, 1)
			users, _, err := c.GetOrganizationUsersOBP(ctx, &zendesk.OBPOptions{CommonOptions: zendesk.CommonOptions{Id: acme.ID}})
			require.NoError(t, err)
			require.Len(t, users, 1)
			require.Equal(t, eve, users[0].ID)
			var um struct {
				Memberships []struct {
					OrganizationID int64 `json:"organization_id"`
				} `json:"organization_memberships"`
			}
			env.Do(t, "GET", fmt.Sprintf("/api/v2/users/%d/organization_memberships.json", eve), nil).Decode(t, &um)
			require.Len(t, um.Memberships, 1)
			env.Do(t, "GET", fmt.Sprintf("/api/v2/organizations/%d/organization_memberships.json", globex.ID), nil).Decode(t, &um)
			require.Empty(t, um.Memberships)

			// Bad input: Zendesk-shaped errors, nothing written.
			before := env.Counts(t)
			for _, bad := range []struct {
				method, path string
				body         any
				status       int
				want         string
			}{
				{"POST", "/api/v2/organizations.json", map[string]any{"organization": map[string]any{"name": "acme"}}, 422, "DuplicateValue"},
				{"POST", "/api/v2/organizations.json", map[string]any{"organization": map[string]any{"name": " "}}, 422, "BlankValue"},
				{"POST", "/api/v2/organizations.json", map[string]any{"organization": map[string]any{"name": "X", "domain_names": []string{"nodot"}}}, 422, "domain_names"},
				{"POST", "/api/v2/organizations.json", map[string]any{"name": "X"}, 422, "RecordInvalid"},
				{"PUT", "/api/v2/organizations/999999.json", map[string]any{"organization": map[string]any{"name": "X"}}, 404, "RecordNotFound"},
				{"POST", "/api/v2/organization_memberships.json", map[string]any{"organization_membership": map[string]any{"user_id": eve, "organization_id": acme.ID}}, 422, "DuplicateValue"},
				{"POST", "/api/v2/organization_memberships.json", map[string]any{"organization_membership": map[string]any{"user_id": 999999, "organization_id": 999999}}, 422, "organization_id"},
				{"GET", "/api/v2/organizations/search.json", nil, 400, "InvalidRequest"},
			} {
				res := env.Do(t, bad.method, bad.path, bad.body)
				require.Equal(t, bad.status, res.Status, "%s %s: %s", bad.method, bad.path, res.Body)
				require.Contains(t, string(res.Body), bad.want)
			}
			require.Equal(t, before, env.Counts(t))
			list, _, err = c.GetOrganizations(ctx, &zendesk.OrganizationListOptions{})
			require.NoError(t, err)
			require.Len(t, list, 2)

			// End users read no organization, not even their own; agents read, only admins write.
			asEve := apitest.As("eve@acme.example", eveToken)
			for _, p := range []string{"/api/v2/organizations.json", fmt.Sprintf("/api/v2/organizations/%d.json", acme.ID),
				fmt.Sprintf("/api/v2/organizations/%d/users.json", acme.ID), "/api/v2/organization_memberships.json",
				"/api/v2/organizations/autocomplete.json?name=ac", "/api/v2/incremental/organizations.json?start_time=0"} {
				res := env.Do(t, "GET", p, nil, asEve)
				require.Equal(t, http.StatusForbidden, res.Status, p)
				require.NotContains(t, string(res.Body), "Acme")
			}
			_, agentToken := env.CreateAgent(t, "Ann Agent", "ann@example.com")
			asAgent := apitest.As("ann@example.com", agentToken)
			require.Equal(t, http.StatusOK, env.Do(t, "GET", "/api/v2/organizations.json", nil, asAgent).Status)
			require.Equal(t, http.StatusForbidden, env.Do(t, "POST", "/api/v2/organizations.json",
				map[string]any{"organization": map[string]any{"name": "Agent Org"}}, asAgent).Status)

			// The incremental export lists both, in update order.
			time.Sleep(2100 * time.Millisecond)
			var exp struct {
				Organizations []struct {
					ID int64 `json:"id"`
				} `json:"organizations"`
				EndOfStream bool `json:"end_of_stream"`
			}
			env.Do(t, "GET", fmt.Sprintf("/api/v2/incremental/organizations.json?start_time=%d", start), nil).Decode(t, &exp)
			require.True(t, exp.EndOfStream)
			require.Len(t, exp.Organizations, 2)
			require.Equal(t, globex.ID, exp.Organizations[1].ID, "updated last")

			// organization_id on users: set on create and update (as the default
			// membership), shown by go-zendesk, checked, and cleared by null.
			olga, err := c.CreateUser(ctx, zendesk.User{Name: "Olga", Email: "olga@globex.example", OrganizationID: globex.ID})
			require.NoError(t, err)
			require.Equal(t, globex.ID, olga.OrganizationID)
			ev, err := c.GetUser(ctx, eve)
			require.NoError(t, err)
			require.Equal(t, acme.ID, ev.OrganizationID, "her only membership")
			res := env.Do(t, "PUT", fmt.Sprintf("/api/v2/users/%d.json", eve), map[string]any{"user": map[string]any{"organization_id": globex.ID}})
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			ev, err = c.GetUser(ctx, eve)
			require.NoError(t, err)
			require.Equal(t, globex.ID, ev.OrganizationID, "the default wins")
			env.Do(t, "GET", fmt.Sprintf("/api/v2/users/%d/organization_memberships.json", eve), nil).Decode(t, &um)
			require.Len(t, um.Memberships, 2)
			res = env.Do(t, "PUT", fmt.Sprintf("/api/v2/users/%d.json", eve), map[string]any{"user": map[string]any{"organization_id": 999999}})
			require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
			require.Contains(t, string(res.Body), `"organization_id"`)
			res = env.Do(t, "PUT", fmt.Sprintf("/api/v2/users/%d.json", eve), map[string]any{"user": map[string]any{"organization_id": acme.ID}}, asEve)
			require.Equal(t, http.StatusForbidden, res.Status, "an end user doesn't choose her organization")
			res = env.Do(t, "PUT", fmt.Sprintf("/api/v2/users/%d.json", olga.ID), map[string]any{"user": map[string]any{"organization_id": nil}})
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			require.Contains(t, string(res.Body), `"organization_id":null`)

			// organization_id on tickets: the requester's by default, or as given.
			tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "from eve", RequesterID: eve, Comment: &zendesk.TicketComment{Body: "x"}})
			require.NoError(t, err)
			require.Equal(t, globex.ID, tk.OrganizationID, "eve's default organization")
			tk2, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "for acme", RequesterID: eve, OrganizationID: acme.ID,
				Comment: &zendesk.TicketComment{Body: "x"}})
			require.NoError(t, err)
			require.Equal(t, acme.ID, tk2.OrganizationID)
			before = env.Counts(t)
			res = env.Do(t, "POST", "/api/v2/tickets.json", map[string]any{"ticket": map[string]any{"subject": "x",
				"organization_id": 999999, "comment": map[string]any{"body": "x"}}})
			require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
			require.Contains(t, string(res.Body), `"organization_id"`)
			require.Equal(t, before, env.Counts(t))
			var orgTickets struct {
				Tickets []struct {
					ID int64 `json:"id"`
				} `json:"tickets"`
				Count int64 `json:"count"`
			}
			env.Do(t, "GET", fmt.Sprintf("/api/v2/organizations/%d/tickets.json", acme.ID), nil).Decode(t, &orgTickets)
			require.Equal(t, int64(1), orgTickets.Count)
			require.Equal(t, tk2.ID, orgTickets.Tickets[0].ID)
			res = env.Do(t, "PUT", fmt.Sprintf("/api/v2/tickets/%d.json", tk.ID), map[string]any{"ticket": map[string]any{"requester_id": olga.ID}})
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			require.Contains(t, string(res.Body), `"organization_id":null`, "a new requester brings her organization (none)")
			require.Contains(t, string(res.Body), `"field_name":"organization_id"`)

			// Deleting an organization takes its memberships; ids are not reused.
			require.NoError(t, c.DeleteOrganization(ctx, acme.ID))
			_, err = c.GetOrganization(ctx, acme.ID)
			require.Error(t, err)
			ms, _, err = c.GetOrganizationMemberships(ctx, &zendesk.OrganizationMembershipListOptions{})
			require.NoError(t, err)
			require.Len(t, ms, 1, "eve's globex membership is left")
			require.Equal(t, globex.ID, ms[0].OrganizationID)
			left, err := c.GetTicket(ctx, tk2.ID)
			require.NoError(t, err)
			require.Zero(t, left.OrganizationID, "its tickets keep no organization")
			require.NoError(t, c.DeleteOrganization(ctx, globex.ID))
			again, err := c.CreateOrganization(ctx, zendesk.Organization{Name: "Initech"})
			require.NoError(t, err)
			require.Greater(t, again.ID, globex.ID)

			// create_many and update_many answer a completed job; a bad record fails alone.
			type jobBody struct {
				JobStatus struct {
					Status  string `json:"status"`
					Total   int    `json:"total"`
					Results []struct {
						ID      int64  `json:"id"`
						Success bool   `json:"success"`
						Status  string `json:"status"`
						Error   string `json:"error"`
					} `json:"results"`
				} `json:"job_status"`
			}
			var job jobBody
			res = env.Do(t, "POST", "/api/v2/organizations/create_many.json", map[string]any{"organizations": []map[string]any{
				{"name": "Hooli"}, {"name": "initech"}, {"name": "Umbrella", "external_id": "u-1"}}})
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			res.Decode(t, &job)
			require.Equal(t, "completed", job.JobStatus.Status)
			require.Len(t, job.JobStatus.Results, 3)
			require.True(t, job.JobStatus.Results[0].Success)
			require.False(t, job.JobStatus.Results[1].Success, "initech is taken")
			require.Equal(t, "RecordInvalid", job.JobStatus.Results[1].Error)
			hooli, umbrella := job.JobStatus.Results[0].ID, job.JobStatus.Results[2].ID
			res = env.Do(t, "PUT", fmt.Sprintf("/api/v2/organizations/update_many.json?ids=%d,%d,999999", hooli, umbrella),
				map[string]any{"organization": map[string]any{"notes": "bulk"}})
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			job = jobBody{}
			res.Decode(t, &job)
			require.Len(t, job.JobStatus.Results, 3)
			require.Equal(t, "RecordNotFound", job.JobStatus.Results[2].Error)
			got, err = c.GetOrganization(ctx, umbrella)
			require.NoError(t, err)
			require.Equal(t, "bulk", got.Notes)
			res = env.Do(t, "PUT", "/api/v2/organizations/update_many.json", map[string]any{"organizations": []map[string]any{
				{"id": hooli, "name": "Hooli XYZ"}}})
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			got, err = c.GetOrganization(ctx, hooli)
			require.NoError(t, err)
			require.Equal(t, "Hooli XYZ", got.Name)
			res = env.Do(t, "PUT", "/api/v2/organizations/update_many.json", map[string]any{"organizations": []map[string]any{{"name": "no id"}}})
			require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
			res = env.Do(t, "POST", "/api/v2/organizations/create_many.json", map[string]any{"organizations": []map[string]any{{"name": "Agent Co"}}}, asAgent)
			require.Equal(t, http.StatusForbidden, res.Status, string(res.Body))
		})
	}
}
