package api

import (
	"errors"
	"testing"
)

// FuzzDecodeTicket feeds arbitrary bodies to the ticket decoder: it must never
// panic, and every failure must be one of the API's own errors (a 400 or a 422),
// never a raw decoding error that would become a 500.
func FuzzDecodeTicket(f *testing.F) {
	for _, seed := range []string{
		`{"ticket":{"subject":"x","comment":{"body":"y"}}}`,
		`{"ticket":{"requester":"a@b.c","group_id":"12","custom_fields":[{"id":1,"value":5}]}}`,
		`{"ticket":{"requester":{"name":"n","email":"e@x.y","locale_id":"8"},"tags":["a","b"]}}`,
		`{"ticket":{"assignee_id":null,"external_id":null,"fields":[{"id":"3","value":[1,"b"]}]}}`,
		`{"ticket":{"status":5}}`, `{"ticket":`, `[]`, `null`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var in struct {
			Ticket *ticketIn `json:"ticket"`
		}
		err := decodeBytes(body, &in)
		var ae *apiError
		if err != nil {
			if !errors.As(err, &ae) {
				t.Fatalf("decode error is not an API error: %v", err)
			}
			return
		}
		if in.Ticket == nil {
			return
		}
		if _, err := in.Ticket.toInput("api"); err != nil && !errors.As(err, &ae) {
			t.Fatalf("toInput error is not an API error: %v", err)
		}
	})
}
