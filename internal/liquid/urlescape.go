package liquid

import (
	"regexp"
	"strings"
)

// urlEscapeFilter is the name of the filter URL mode appends to every output. It
// is also available to authors.
const urlEscapeFilter = "url_escape"

// urlEncoded matches an output whose last filter already percent-encodes:
// url_escape, or the standard url_encode (QueryEscape, which leaves only
// unreserved characters and "+" for a space).
var urlEncoded = regexp.MustCompile(`\|\s*(url_escape|url_encode)\s*$`)

// urlEscape renders v as a bare {{ v }} would, then percent-encodes every byte but
// RFC 3986's unreserved characters. The value stays one path segment or one query
// value wherever it is placed: "/", "?", "#", "&", "=", ",", "@", ":" and "%" are
// all encoded, so it can't add a segment, a parameter, user information or a host.
// A value of only dots ("." or "..") is encoded too, or it would be a dot segment
// that moves the path up.
func urlEscape(v any) string {
	var raw strings.Builder
	writeValue(&raw, v)
	s := raw.String()
	dots := s != "" && strings.Trim(s, ".") == ""
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) && !(dots && c == '.') {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0xf])
	}
	return b.String()
}

func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// rewriteForURL returns src with every output turned into {{ (expr) | url_escape }}
// (see rewriteOutputs): tags still compare raw values.
func rewriteForURL(src string) (out string, undo *strings.Replacer) {
	return rewriteOutputs(src, urlEscapeFilter, urlEncoded)
}
