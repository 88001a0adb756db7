package liquid

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/osteele/liquid/parser"
	"github.com/osteele/liquid/values"
)

// jsonEscapeFilter is the name of the filter that JSON mode appends to every output.
// It is also available to authors in plain mode, e.g. for a form body that embeds JSON.
const jsonEscapeFilter = "json_escape"

// jsonEscape renders v exactly as a bare {{ v }} would, then escapes the text as the
// inside of a JSON string. Rendering first (rather than escaping only strings) keeps
// numbers, arrays and nil printing the same in both modes.
func jsonEscape(v any) string {
	var raw strings.Builder
	writeValue(&raw, v)
	var b strings.Builder
	b.Grow(raw.Len() + raw.Len()/8)
	appendJSONString(&b, raw.String())
	return b.String()
}

// writeValue mirrors osteele/liquid's render.writeObject (unexported), so that
// {{ x }} and {{ x | json_escape }} print the same text before escaping.
func writeValue(b *strings.Builder, value any) {
	value = values.ToLiquid(value)
	if value == nil {
		return
	}
	switch v := value.(type) {
	case string:
		b.WriteString(v)
		return
	case time.Time:
		b.WriteString(v.Format("2006-01-02 15:04:05 -0700"))
		return
	case []byte:
		b.Write(v)
		return
	}
	rv := reflect.ValueOf(value)
	switch rv.Kind() {
	case reflect.Array, reflect.Slice:
		for i := range rv.Len() {
			if item := rv.Index(i); item.IsValid() {
				writeValue(b, item.Interface())
			}
		}
	case reflect.Ptr:
		// Like writeObject, this prints the reflect.Value of the element.
		writeValue(b, rv.Elem())
	default:
		fmt.Fprint(b, value)
	}
}

// appendJSONString writes s escaped as the inside of a JSON string (no quotes).
// Beyond what RFC 8259 requires it escapes U+2028 and U+2029, which end a line in
// JavaScript, and turns each invalid UTF-8 byte into U+FFFD, as encoding/json does,
// so the result is always valid UTF-8 JSON. "<", ">", "&" and "/" stay literal:
// receivers are APIs, and readable bodies help in the delivery log.
func appendJSONString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b.WriteString(s[start:i])
			switch c {
			case '"', '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\t':
				b.WriteString(`\t`)
			default:
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(s[start:i])
			b.WriteString(`\ufffd`)
		case r == '\u2028' || r == '\u2029':
			b.WriteString(s[start:i])
			b.WriteString(`\u202`)
			b.WriteByte(hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b.WriteString(s[start:])
}

// alreadyEncoded matches an output whose last filter produces JSON text itself:
// `| json` yields a complete JSON value and `| json_escape` is already escaped, so
// escaping again would corrupt them.
var alreadyEncoded = regexp.MustCompile(`\|\s*(json|json_escape)\s*$`)

// rewriteForJSON returns src with every {{ expr }} that writes to the output turned
// into {{ (expr) | json_escape }}, keeping the {{- and -}} whitespace markers.
func rewriteForJSON(src string) (out string, undo *strings.Replacer) {
	return rewriteOutputs(src, jsonEscapeFilter, alreadyEncoded)
}

// rewriteOutputs returns src with every {{ expr }} that writes to the output turned
// into {{ (expr) | filter }}, keeping the {{- and -}} whitespace markers; outputs
// matching done are already encoded for the mode and left alone.
//
// It tokenizes with the same scanner the engine uses, so it sees exactly the
// outputs the engine will. It leaves alone:
//   - {% raw %} and {% comment %} content, which is not Liquid;
//   - outputs inside {% capture %}: the captured text is escaped when it is itself
//     output, and escaping twice would corrupt it;
//   - outputs ending in | json or | json_escape (see alreadyEncoded).
//
// Tags are never rewritten, so {% if %}, {% case %} and {% assign %} see raw values.
// The parentheses make any expression, including `a == b`, a valid filter input.
//
// undo maps each rewritten output back to the author's text, so error messages
// quote what the author wrote rather than the rewrite.
func rewriteOutputs(src, filter string, done *regexp.Regexp) (out string, undo *strings.Replacer) {
	var b strings.Builder
	b.Grow(len(src) + 64)
	var pairs []string
	var s scanState
	for _, tok := range parser.Scan(src, parser.SourceLoc{}, nil) {
		switch tok.Type {
		case parser.TrimLeftTokenType, parser.TrimRightTokenType:
			// Trim markers have no source of their own; the object or tag keeps its "-".
		case parser.ObjTokenType:
			if s.literal() || s.capture > 0 || done.MatchString(tok.Args) {
				b.WriteString(tok.Source)
				continue
			}
			wrapped := wrapOutput(tok, filter)
			pairs = append(pairs, wrapped, tok.Source)
			b.WriteString(wrapped)
		case parser.TagTokenType:
			s.observe(tok)
			b.WriteString(tok.Source)
		default:
			b.WriteString(tok.Source)
		}
	}
	return b.String(), strings.NewReplacer(pairs...)
}

// wrapOutput turns the object token {{ args }} into {{ (args) | filter }}.
// The scanner itself decides trimming by the third and third-last characters, so
// checking the same ones keeps whitespace control identical.
func wrapOutput(tok parser.Token, filter string) string {
	src := tok.Source
	left, right := "", ""
	if src[2] == '-' {
		left = "-"
	}
	if src[len(src)-3] == '-' {
		right = "-"
	}
	return "{{" + left + " (" + tok.Args + ") | " + filter + " " + right + "}}"
}

// scanState follows the block structure the parser cares about while tokens are
// walked, mirroring parser.parseTokens: inside comment or raw only the matching
// end tag counts.
type scanState struct {
	inRaw, inComment bool
	capture          int
}

func (s *scanState) literal() bool { return s.inRaw || s.inComment }

func (s *scanState) observe(tok parser.Token) {
	switch {
	case s.inComment:
		s.inComment = tok.Name != "endcomment"
	case s.inRaw:
		s.inRaw = tok.Name != "endraw"
	case tok.Name == "comment":
		s.inComment = true
	case tok.Name == "raw":
		s.inRaw = true
	case tok.Name == "capture":
		s.capture++
	case tok.Name == "endcapture" && s.capture > 0:
		s.capture--
	}
}

// forbiddenTags are tags a template may not use. include reads files from the
// server's disk, which would let a trigger author mail out any file.
var forbiddenTags = map[string]bool{"include": true}

// findForbiddenTag returns an error for the first forbidden tag outside raw or
// comment content, so it is rejected when the trigger is saved, even in a branch
// the dry run does not take.
func findForbiddenTag(src string) error {
	var s scanState
	for _, tok := range parser.Scan(src, parser.SourceLoc{LineNo: 1}, nil) {
		if tok.Type != parser.TagTokenType {
			continue
		}
		if !s.literal() && forbiddenTags[tok.Name] {
			return &TemplateError{
				Line: tok.SourceLoc.LineNo,
				Msg:  fmt.Sprintf("Liquid error (line %d): the %s tag is not supported", tok.SourceLoc.LineNo, tok.Name),
			}
		}
		s.observe(tok)
	}
	return nil
}
