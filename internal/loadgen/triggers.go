package loadgen

import (
	"context"
	"fmt"
	"strings"
)

// TriggerPrefix starts the title of every trigger the load tool creates, so it
// can find and remove them again.
const TriggerPrefix = "[bench] "

type condition struct {
	Field    string `json:"field"`
	Operator string `json:"operator"`
	Value    string `json:"value"`
}

type action struct {
	Field string `json:"field"`
	Value string `json:"value"`
}

type triggerBody struct {
	Title      string `json:"title"`
	Active     bool   `json:"active"`
	Conditions struct {
		All []condition `json:"all"`
		Any []condition `json:"any"`
	} `json:"conditions"`
	Actions []action `json:"actions"`
}

// benchTrigger returns the i-th trigger of the set: conditions like a real
// account's (VIP routing, outage tagging, legal keywords, reopen handling) that
// mostly don't match the bench's tickets. Trigger 0 matches the ~20% of creates
// that are urgent, so the loop also applies an action and restarts.
func benchTrigger(i int) triggerBody {
	c := func(f, op, v string) condition { return condition{f, op, v} }
	var t triggerBody
	t.Active = true
	switch {
	case i == 0:
		t.Title = "Tag urgent requests"
		t.Conditions.All = []condition{c("update_type", "is", "Create"), c("priority", "is", "urgent")}
		t.Actions = []action{{"current_tags", "bench_urgent"}}
	case i%4 == 1:
		t.Title = fmt.Sprintf("VIP routing for account %d", i)
		t.Conditions.All = []condition{c("update_type", "is", "Create"), c("current_tags", "includes", fmt.Sprintf("vip_account_%d", i)),
			c("priority", "greater_than", "low")}
		t.Actions = []action{{"priority", "high"}, {"current_tags", "vip_routed"}}
	case i%4 == 2:
		t.Title = fmt.Sprintf("Outage in region %d", i)
		t.Conditions.All = []condition{c("type", "is", "incident"), c("current_tags", "includes", fmt.Sprintf("outage_region_%d", i))}
		t.Conditions.Any = []condition{c("status", "is", "new"), c("status", "is", "open")}
		t.Actions = []action{{"type", "problem"}, {"current_tags", "outage"}}
	case i%4 == 3:
		t.Title = fmt.Sprintf("Legal keywords %d", i)
		t.Conditions.All = []condition{c("comment_is_public", "is", "true")}
		t.Conditions.Any = []condition{c("comment_includes_word", "includes", fmt.Sprintf("lawsuit%d subpoena%d", i, i)),
			c("current_tags", "includes", fmt.Sprintf("legal_hold_%d", i))}
		t.Actions = []action{{"priority", "urgent"}, {"current_tags", "legal"}}
	default:
		t.Title = fmt.Sprintf("Reopened by customer %d", i)
		t.Conditions.All = []condition{c("update_type", "is", "Change"), c("status", "changed", ""), c("status", "is", "open"),
			c("current_tags", "includes", fmt.Sprintf("reopen_watch_%d", i))}
		t.Actions = []action{{"current_tags", "reopened"}}
	}
	t.Title = fmt.Sprintf("%s%02d %s", TriggerPrefix, i, t.Title)
	return t
}

type triggerList struct {
	Triggers []struct {
		ID     int64  `json:"id"`
		Title  string `json:"title"`
		Active bool   `json:"active"`
	} `json:"triggers"`
	Meta struct {
		HasMore     bool   `json:"has_more"`
		AfterCursor string `json:"after_cursor"`
	} `json:"meta"`
}

// benchTriggerIDs lists the ids of the bench's triggers, by title.
func benchTriggerIDs(ctx context.Context, c *Client) (map[string]int64, error) {
	out := map[string]int64{}
	path := "/api/v2/triggers.json?page[size]=100"
	for {
		var page triggerList
		if _, err := c.Do(ctx, "GET", path, nil, &page); err != nil {
			return nil, err
		}
		for _, t := range page.Triggers {
			if strings.HasPrefix(t.Title, TriggerPrefix) {
				out[t.Title] = t.ID
			}
		}
		if !page.Meta.HasMore || page.Meta.AfterCursor == "" {
			return out, nil
		}
		path = "/api/v2/triggers.json?page[size]=100&page[after]=" + page.Meta.AfterCursor
	}
}

// EnsureTriggers makes sure the first n bench triggers exist and are active,
// creating the missing ones, and returns how many it created.
func EnsureTriggers(ctx context.Context, c *Client, n int) (int, error) {
	have, err := benchTriggerIDs(ctx, c)
	if err != nil {
		return 0, fmt.Errorf("loadgen: list triggers: %w", err)
	}
	created := 0
	for i := range n {
		t := benchTrigger(i)
		if _, ok := have[t.Title]; ok {
			continue
		}
		if _, err := c.DoJSON(ctx, "POST", "/api/v2/triggers.json", map[string]any{"trigger": t}, nil); err != nil {
			return created, fmt.Errorf("loadgen: create trigger %q: %w", t.Title, err)
		}
		created++
	}
	return created, nil
}

// RemoveTriggers deletes every trigger the bench created.
func RemoveTriggers(ctx context.Context, c *Client) error {
	have, err := benchTriggerIDs(ctx, c)
	if err != nil {
		return fmt.Errorf("loadgen: list triggers: %w", err)
	}
	for title, id := range have {
		if _, err := c.Do(ctx, "DELETE", fmt.Sprintf("/api/v2/triggers/%d.json", id), nil, nil); err != nil {
			return fmt.Errorf("loadgen: delete trigger %q: %w", title, err)
		}
	}
	return nil
}
