package api_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestConcurrentPartialUpdatesKeepBoth: two admins change different attributes
// of one trigger, webhook and target at the same time. Each PUT carries only its
// attribute, so both changes must be kept. On PostgreSQL the handlers read the
// record outside the write transaction and wrote the whole record back, so the
// later write restored what the earlier one had changed.
func TestConcurrentPartialUpdatesKeepBoth(t *testing.T) {
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			e := apitest.New(t, b)
			var trig struct {
				Trigger struct{ ID int64 } `json:"trigger"`
			}
			e.Do(t, "POST", "/api/v2/triggers.json", map[string]any{"trigger": map[string]any{"title": "Tag VIPs",
				"conditions": map[string]any{"all": []map[string]any{{"field": "update_type", "operator": "is", "value": "Create"}}},
				"actions":    []map[string]any{{"field": "current_tags", "value": "vip"}}}}).Decode(t, &trig)
			var hook struct {
				Webhook struct{ ID string } `json:"webhook"`
			}
			e.Do(t, "POST", "/api/v2/webhooks.json", map[string]any{"webhook": map[string]any{"name": "Hook",
				"endpoint": "https://hooks.example/a", "http_method": "POST", "request_format": "json", "status": "active"}}).Decode(t, &hook)
			var target struct {
				Target struct{ ID int64 } `json:"target"`
			}
			e.Do(t, "POST", "/api/v2/targets.json", map[string]any{"target": map[string]any{"type": "http_target", "title": "Target",
				"target_url": "https://targets.example/a", "method": "post"}}).Decode(t, &target)

			for round := range 15 {
				trigPath := fmt.Sprintf("/api/v2/triggers/%d.json", trig.Trigger.ID)
				hookPath := "/api/v2/webhooks/" + hook.Webhook.ID + ".json"
				targetPath := fmt.Sprintf("/api/v2/targets/%d.json", target.Target.ID)
				title, desc := fmt.Sprintf("title %d", round), fmt.Sprintf("description %d", round)
				active := round%2 == 0
				puts := []struct {
					path string
					body any
				}{
					{trigPath, map[string]any{"trigger": map[string]any{"title": title}}},
					{trigPath, map[string]any{"trigger": map[string]any{"description": desc}}},
					{trigPath, map[string]any{"trigger": map[string]any{"active": active}}},
					{hookPath, map[string]any{"webhook": map[string]any{"name": title}}},
					{hookPath, map[string]any{"webhook": map[string]any{"endpoint": fmt.Sprintf("https://hooks.example/%d", round)}}},
					{targetPath, map[string]any{"target": map[string]any{"title": title}}},
					{targetPath, map[string]any{"target": map[string]any{"target_url": fmt.Sprintf("https://targets.example/%d", round)}}},
				}
				var wg sync.WaitGroup
				for _, p := range puts {
					wg.Add(1)
					go func() {
						defer wg.Done()
						res := e.Do(t, "PUT", p.path, p.body)
						assert.Less(t, res.Status, http.StatusMultipleChoices, "PUT %s: %s", p.path, res.Body)
					}()
				}
				wg.Wait()

				var gotTrig struct {
					Trigger struct {
						Title, Description string
						Active             bool
					} `json:"trigger"`
				}
				e.Do(t, "GET", trigPath, nil).Decode(t, &gotTrig)
				require.Equal(t, title, gotTrig.Trigger.Title, "round %d: trigger title", round)
				require.Equal(t, desc, gotTrig.Trigger.Description, "round %d: trigger description", round)
				require.Equal(t, active, gotTrig.Trigger.Active, "round %d: trigger active", round)
				var gotHook struct {
					Webhook struct{ Name, Endpoint string } `json:"webhook"`
				}
				e.Do(t, "GET", hookPath, nil).Decode(t, &gotHook)
				require.Equal(t, title, gotHook.Webhook.Name, "round %d: webhook name", round)
				require.Equal(t, fmt.Sprintf("https://hooks.example/%d", round), gotHook.Webhook.Endpoint, "round %d: webhook endpoint", round)
				var gotTarget struct {
					Target struct {
						Title     string
						TargetURL string `json:"target_url"`
					} `json:"target"`
				}
				e.Do(t, "GET", targetPath, nil).Decode(t, &gotTarget)
				require.Equal(t, title, gotTarget.Target.Title, "round %d: target title", round)
				require.Equal(t, fmt.Sprintf("https://targets.example/%d", round), gotTarget.Target.TargetURL, "round %d: target URL", round)
			}
		})
	}
}
