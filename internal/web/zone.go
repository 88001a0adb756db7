package web

import (
	"fmt"
	"sync"
	"time"
)

// Agents see every time in their own zone, named (issue 19). Template
// functions are bound when a template is parsed and an html/template can't be
// cloned once it has run, so the pages are parsed once per zone in use, on
// first need, and kept: an instance's agents use a handful of zones.

// maxZoneSets bounds the cache: an agent switching zones over and over must not
// make the server hold a parsed copy of every page for each of ~600 zones.
const maxZoneSets = 32

// pageSets holds the parsed pages by zone name.
type pageSets struct {
	mu     sync.Mutex
	byZone map[string]map[string]pageTemplate
}

// newPageSets parses the UTC pages now, so a template error fails at start.
func newPageSets() *pageSets {
	return &pageSets{byZone: map[string]map[string]pageTemplate{"UTC": mustParsePages(time.UTC)}}
}

// in returns the pages whose times are shown in loc.
func (p *pageSets) in(loc *time.Location) map[string]pageTemplate {
	p.mu.Lock()
	defer p.mu.Unlock()
	pages, ok := p.byZone[loc.String()]
	if !ok {
		if len(p.byZone) >= maxZoneSets {
			p.byZone = map[string]map[string]pageTemplate{"UTC": p.byZone["UTC"]}
		}
		pages = mustParsePages(loc)
		p.byZone[loc.String()] = pages
	}
	return pages
}

// localTime writes t in loc with the zone's abbreviation ("CET", "UTC", or an
// offset such as "+03" where the zone has none).
func localTime(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02 15:04 MST")
}

// ago writes how long before now t was, as "3 hours ago"; the template keeps
// the absolute time as the element's title.
func ago(t, now time.Time) string {
	d := now.Sub(t)
	unit := func(n int64, word string) string {
		if n == 1 {
			return fmt.Sprintf("1 %s ago", word)
		}
		return fmt.Sprintf("%d %ss ago", n, word)
	}
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return unit(int64(d/time.Minute), "minute")
	case d < 24*time.Hour:
		return unit(int64(d/time.Hour), "hour")
	case d < 30*24*time.Hour:
		return unit(int64(d/(24*time.Hour)), "day")
	case d < 365*24*time.Hour:
		return unit(int64(d/(30*24*time.Hour)), "month")
	}
	return unit(int64(d/(365*24*time.Hour)), "year")
}
