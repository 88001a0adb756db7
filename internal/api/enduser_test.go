package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

type commentsPage struct {
	Comments []struct {
		Body   string `json:"body"`
		Public bool   `json:"public"`
	} `json:"comments"`
	Count int `json:"count"`
}

// TestEndUserView checks what an end user sees of their own ticket: never an
// internal note, nor how many there are, nor the audits; and that what they write
// is always public.
func TestEndUserView(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		eveID, eveToken := env.CreateEndUser(t, "Eve End", "eve@example.com")
		eve := apitest.As("eve@example.com", eveToken)

		// Eve opens a ticket; whatever she asks for, her comment is public and hers.
		res := env.Do(t, "POST", "/api/v2/tickets.json", `{"ticket": {"subject": "Payslip", "assignee_id": 1,
			"comment": {"body": "Where is my payslip?", "public": false, "author_id": 1}}}`, eve)
		require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
		var created struct {
			Ticket struct {
				ID          int64 `json:"id"`
				RequesterID int64 `json:"requester_id"`
				AssigneeID  any   `json:"assignee_id"`
			} `json:"ticket"`
		}
		res.Decode(t, &created)
		require.Equal(t, eveID, created.Ticket.RequesterID)
		require.Nil(t, created.Ticket.AssigneeID, "end users can't assign")
		path := "/api/v2/tickets/" + itoa(created.Ticket.ID)

		// The admin adds an internal note; Eve replies, asking for a private comment.
		res = env.Do(t, "PUT", path+".json", `{"ticket": {"comment": {"body": "salary band 7, internal", "public": false}}}`)
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		res = env.Do(t, "PUT", path+".json", `{"ticket": {"status": "solved", "comment": {"body": "Any news?", "public": false}}}`, eve)
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))

		var staff, mine commentsPage
		env.Do(t, "GET", path+"/comments.json", nil).Decode(t, &staff)
		require.Len(t, staff.Comments, 3)
		require.Equal(t, 3, staff.Count)
		require.True(t, staff.Comments[0].Public, "an end user's first comment is public")
		require.False(t, staff.Comments[1].Public)
		require.True(t, staff.Comments[2].Public, "an end user's reply is public")

		env.Do(t, "GET", path+"/comments.json", nil, eve).Decode(t, &mine)
		require.Len(t, mine.Comments, 2, "no internal note")
		for _, c := range mine.Comments {
			require.NotContains(t, c.Body, "salary")
		}
		require.Equal(t, 2, mine.Count, "the count doesn't reveal internal notes either")

		var ticket struct{ Ticket struct{ Status string } }
		env.Do(t, "GET", path+".json", nil, eve).Decode(t, &ticket)
		require.Equal(t, "new", ticket.Ticket.Status, "an end user can't change the status")

		require.Equal(t, http.StatusForbidden, env.Do(t, "GET", path+"/audits.json", nil, eve).Status, "audits carry internal notes")
	})
}
