package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/desk"
)

func numberedTags(n int, prefix string) []string {
	tags := make([]string, n)
	for i := range tags {
		tags[i] = fmt.Sprint(prefix, i)
	}
	return tags
}

// TestTicketTagLimits: a ticket carries at most desk.MaxTicketTags tags of at
// most desk.MaxTagLength characters; past them the answer is a 422 naming the
// limit, whether the tags are set or added.
func TestTicketTagLimits(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	create := func(tags []string) *apitest.Response {
		return env.Do(t, "POST", "/api/v2/tickets.json", map[string]any{"ticket": map[string]any{
			"subject": "tags", "comment": map[string]any{"body": "tags"}, "tags": tags}})
	}
	requireLimit := func(res *apitest.Response, limit string) {
		t.Helper()
		require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
		var body struct {
			Error   string                         `json:"error"`
			Details map[string][]map[string]string `json:"details"`
		}
		res.Decode(t, &body)
		require.Equal(t, "RecordInvalid", body.Error)
		require.Len(t, body.Details["tags"], 1, string(res.Body))
		require.Equal(t, "TooLong", body.Details["tags"][0]["error"])
		require.Contains(t, body.Details["tags"][0]["description"], limit)
	}

	requireLimit(create(numberedTags(desk.MaxTicketTags+1, "t")), "at most 1000 tags")
	requireLimit(create(numberedTags(100000, "t")), "at most 1000 tags")
	requireLimit(create([]string{strings.Repeat("x", desk.MaxTagLength+1)}), "maximum is 255 characters")

	res := create(numberedTags(desk.MaxTicketTags, "t"))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var tk ticketBody
	res.Decode(t, &tk)
	path := fmt.Sprintf("/api/v2/tickets/%d.json", tk.Ticket.ID)
	requireLimit(env.Do(t, "PUT", path, map[string]any{"ticket": map[string]any{"additional_tags": []string{"one_more"}}}), "at most 1000 tags")
	res = env.Do(t, "PUT", path, map[string]any{"ticket": map[string]any{"additional_tags": []string{"t1"}, "remove_tags": []string{"t2", "t3"}}})
	require.Equal(t, http.StatusOK, res.Status, "a tag already there, and removals: %s", res.Body)
	res.Decode(t, &tk)
	require.Len(t, tk.Ticket.Tags, desk.MaxTicketTags-2)
}
