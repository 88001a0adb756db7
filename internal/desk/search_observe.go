package desk

import (
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/search"
)

// SearchObserver hears how long each search page took, by its query's shape
// (metrics). The shape names what the query is made of, never what it says.
type SearchObserver interface {
	ObserveSearch(shape string, took time.Duration)
}

// WithSearchObserver sets who hears each search's time.
func WithSearchObserver(o SearchObserver) Option { return func(s *Service) { s.searchObserver = o } }

func (s *Service) observeSearch(q *search.Query, began time.Time) {
	if s.searchObserver != nil {
		s.searchObserver.ObserveSearch(searchShape(q), time.Since(began))
	}
}

// searchShape is one of a few labels: "id" for numbers only, else the kind of
// text ("word", "phrase", "prefix"; the costliest present) joined with
// "filter" when keywords narrow it ("word+filter"), "filter" alone, or "all".
func searchShape(q *search.Query) string {
	text := ""
	for _, w := range append(append([]string(nil), q.Words...), q.NotWords...) {
		switch {
		case strings.HasSuffix(w, "*"):
			text = "prefix"
		case strings.Contains(w, " ") && text != "prefix":
			text = "phrase"
		case text == "":
			text = "word"
		}
	}
	switch {
	case text == "" && len(q.Conds) == 0 && len(q.IDs) > 0:
		return "id"
	case text == "" && len(q.Conds) == 0:
		return "all"
	case text == "":
		return "filter"
	case len(q.Conds) > 0:
		return text + "+filter"
	}
	return text
}
