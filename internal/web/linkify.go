package web

import (
	"html/template"
	"net/url"
	"regexp"
	"strings"
)

// urlRe finds http and https URLs in comment text; they end at white space or
// at a character that can't be in a bare URL.
var urlRe = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"'\x60]+`)

// linkRel keeps the ticket page out of the linked site's reach (no opener, no
// referrer with the ticket's URL) and gives requesters' links no ranking.
const linkRel = "noopener noreferrer nofollow"

// linkify escapes comment text and turns its http(s) URLs into links. Every
// piece of text goes through HTMLEscapeString; only the <a> markup is added.
func linkify(s string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range urlRe.FindAllStringIndex(s, -1) {
		raw := trimURL(s[m[0]:m[1]])
		end := m[0] + len(raw)
		b.WriteString(template.HTMLEscapeString(s[last:m[0]]))
		if u, err := url.Parse(raw); err == nil && u.Host != "" {
			esc := template.HTMLEscapeString(raw)
			b.WriteString(`<a href="` + esc + `" rel="` + linkRel + `" target="_blank">` + esc + `</a>`)
		} else {
			b.WriteString(template.HTMLEscapeString(raw))
		}
		last = end
	}
	b.WriteString(template.HTMLEscapeString(s[last:]))
	return template.HTML(b.String()) //nolint:gosec // every part above is escaped
}

// trimURL drops sentence punctuation after a URL ("see https://x.example/a."),
// and a closing bracket that has no opening one inside the URL.
func trimURL(u string) string {
	for len(u) > 0 {
		last := u[len(u)-1]
		switch {
		case strings.IndexByte(".,;:!?*", last) >= 0:
			u = u[:len(u)-1]
		case last == ')' && strings.Count(u, "(") < strings.Count(u, ")"),
			last == ']' && strings.Count(u, "[") < strings.Count(u, "]"):
			u = u[:len(u)-1]
		default:
			return u
		}
	}
	return u
}
