package webhook

import (
	"net/url"
	"strings"
)

// Origin is the scheme, host and port a URL, or a URL template, calls: the part
// before any Liquid "{" parsed as a URL, as "https://host:443" (lower case, the
// scheme's default port filled in). ok is false when that part names no http or
// https host. Stored credentials belong to an origin: they are dropped when an
// endpoint's origin changes, and sent only when the rendered URL's origin is the
// template's.
func Origin(raw string) (origin string, ok bool) {
	prefix, _, _ := strings.Cut(raw, "{")
	u, err := url.Parse(strings.TrimSpace(prefix))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return "", false
	}
	return strings.ToLower(u.Scheme + "://" + HostPort(u)), true
}

// SameOrigin reports whether two URLs or templates call the same origin; a URL
// with no origin matches nothing.
func SameOrigin(a, b string) bool {
	oa, okA := Origin(a)
	ob, okB := Origin(b)
	return okA && okB && oa == ob
}
