package desk

import (
	"testing"

	"github.com/twindesk/twindesk/internal/search"
)

func TestSearchShape(t *testing.T) {
	t.Parallel()
	for query, want := range map[string]string{
		"printer":                   "word",
		`"paper jam"`:               "phrase",
		"print*":                    "prefix",
		`print* "paper jam" toner`:  "prefix",
		"printer status:open":       "word+filter",
		`"paper jam" tags:hardware`: "phrase+filter",
		"status:open assignee:me":   "filter",
		"12345":                     "id",
		"type:ticket":               "all",
	} {
		q, err := search.Parse(query)
		if err != nil {
			t.Fatalf("parse %q: %v", query, err)
		}
		if got := searchShape(q); got != want {
			t.Errorf("searchShape(%q) = %q, want %q", query, got, want)
		}
	}
}
