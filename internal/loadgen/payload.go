package loadgen

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
)

// Requests are built once, before the clock starts, so the load generator spends
// its CPU sending rather than encoding (it shares the machine with the server).

var (
	benchProducts = []string{"printer", "laptop", "VPN", "monitor", "headset", "badge", "email", "Wi-Fi", "webcam", "scanner"}
	benchProblems = []string{"not working", "keeps crashing", "is very slow", "won't start", "shows an error", "cannot log in"}
	benchTags     = []string{"hardware", "software", "access", "network", "remote", "onsite"}
	benchPrio     = []string{"low", "normal", "normal", "high", "urgent"}
)

// createBodies returns n distinct ticket-create bodies. Requesters come from a
// pool of 200 addresses, so after the first few hundred creates they are found
// rather than created, as for a real helpdesk's returning customers.
func createBodies(n int, seed uint64) [][]byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	out := make([][]byte, n)
	for i := range out {
		product, problem := pick(rng, benchProducts), pick(rng, benchProblems)
		r := rng.IntN(200)
		t := map[string]any{
			"subject":  fmt.Sprintf("%s %s", product, problem),
			"priority": pick(rng, benchPrio),
			"tags":     []string{pick(rng, benchTags), "bench"},
			"comment": map[string]any{"body": fmt.Sprintf("Hello,\n\nsince this morning my %s %s. I restarted it twice; "+
				"error code %d. Three colleagues on floor %d see the same. Could someone have a look?\n\nThanks", product, problem, rng.IntN(9000)+1000, rng.IntN(9)+1)},
			"requester": map[string]any{"name": fmt.Sprintf("Bench Customer %d", r), "email": fmt.Sprintf("customer%d@bench.example", r)},
		}
		out[i] = mustJSON(map[string]any{"ticket": t})
	}
	return out
}

// updateBodies returns n ticket-update bodies, like an agent's work: half add a
// public reply or an internal note, the others only change fields (priority,
// status, type, tags). Status never goes to solved or closed, so the same
// tickets can be updated again and again.
func updateBodies(n int, seed uint64) [][]byte {
	rng := rand.New(rand.NewPCG(seed, 2))
	out := make([][]byte, n)
	for i := range out {
		t := map[string]any{}
		if rng.IntN(2) == 0 {
			t["comment"] = map[string]any{
				"body":   fmt.Sprintf("Update %d: we are looking into the %s; please try again and tell us.", i, pick(rng, benchProducts)),
				"public": rng.IntN(2) == 0,
			}
		}
		switch rng.IntN(4) {
		case 0:
			t["priority"] = pick(rng, benchPrio)
		case 1:
			t["status"] = pick(rng, []string{"open", "pending", "hold"})
		case 2:
			t["type"] = pick(rng, []string{"question", "incident", "problem", "task"})
		default:
			t["additional_tags"] = []string{pick(rng, benchTags)}
		}
		out[i] = mustJSON(map[string]any{"ticket": t})
	}
	return out
}

// searchQueries are what agents type: words, a phrase, keywords and negations,
// matching a few to many of the seeded tickets (internal/seed's vocabulary).
var searchQueries = []string{
	"printer", "vpn", "laptop status:open", "monitor priority:high", "\"keeps crashing\"",
	"password -printer", "status:pending", "tags:vip", "type:incident headset",
	"webcam status<solved", "badge group:\"Facilities\"", "scanner created>30days",
	"calendar stopped syncing", "Lisbon printer", "email assignee:none status:new",
	"payroll portal", "docking station status:hold", "keyboard -laptop priority:urgent",
}

// searchPaths returns the search requests, one per query.
func searchPaths(queries []string) []string {
	out := make([]string, len(queries))
	for i, q := range queries {
		out[i] = "/api/v2/search.json?per_page=25&query=" + url.QueryEscape("type:ticket "+q)
	}
	return out
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // maps of strings and numbers always encode
	}
	return b
}

func pick[T any](rng *rand.Rand, list []T) T { return list[rng.IntN(len(list))] }
