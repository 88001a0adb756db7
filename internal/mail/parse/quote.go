package parse

import (
	"regexp"
	"strings"
)

// quoteStart matches the first line of the quoted history mail clients put below
// a reply: attribution lines in the languages of the seed's users, Outlook's
// separators and header block, and the reply marker twindesk's own mails carry.
var quoteStart = []*regexp.Regexp{
	regexp.MustCompile(`(?i)^on .{3,200}\bwrote:?\s*$`),
	regexp.MustCompile(`(?i)^le .{3,200}\ba écrit\s*:?\s*$`),
	regexp.MustCompile(`(?i)^am .{3,200}\bschrieb .{0,100}:?\s*$`),
	regexp.MustCompile(`(?i)^el .{3,200}\bescribió:?\s*$`),
	regexp.MustCompile(`(?i)^-{2,}\s*(original message|ursprüngliche nachricht|message d'origine)\s*-{2,}\s*$`),
	regexp.MustCompile(`(?i)^_{10,}\s*$`),
	regexp.MustCompile(`(?i)^(from|von|de):\s.+$`), // Outlook's block: From: / Sent: / To: / Subject:
	regexp.MustCompile(`(?i)^##-\s*.*reply above this line.*-##\s*$`),
}

// quoteFollow is what must follow an Outlook "From:" line for it to start the
// quoted block, so a body line that happens to begin with "From:" stays.
var quoteFollow = regexp.MustCompile(`(?i)^(sent|gesendet|envoyé|date|to|an|à):\s`)

// TrimQuoted returns text without the quoted history below the reply. When the
// whole text is quoted (a reply typed inline between quotes), it is kept whole:
// losing a requester's words is worse than showing history twice.
func TrimQuoted(text string) string {
	lines := strings.Split(text, "\n")
	cut := len(lines)
	for i, l := range lines {
		if quoteAt(lines, i, strings.TrimSpace(l)) {
			cut = i
			break
		}
	}
	// Trailing "> " lines with nothing of the sender's after them.
	end := cut
	for end > 0 && (strings.HasPrefix(strings.TrimSpace(lines[end-1]), ">") || strings.TrimSpace(lines[end-1]) == "") {
		end--
	}
	if end < cut && hasQuote(lines[end:cut]) {
		cut = end
	}
	out := strings.TrimSpace(strings.Join(lines[:cut], "\n"))
	if out == "" {
		return strings.TrimSpace(text)
	}
	return out
}

func quoteAt(lines []string, i int, l string) bool {
	for n, re := range quoteStart {
		if !re.MatchString(l) {
			continue
		}
		if n != 6 { // not the Outlook From: line
			return true
		}
		return i+1 < len(lines) && quoteFollow.MatchString(strings.TrimSpace(lines[i+1]))
	}
	// Gmail wraps a long attribution over two lines.
	if i+1 < len(lines) && strings.HasPrefix(strings.ToLower(l), "on ") {
		return quoteStart[0].MatchString(l + " " + strings.TrimSpace(lines[i+1]))
	}
	return false
}

func hasQuote(lines []string) bool {
	for _, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), ">") {
			return true
		}
	}
	return false
}

var forwardMarker = regexp.MustCompile(`(?im)^\s*(-{5,}\s*forwarded message\s*-{5,}|begin forwarded message:|-{5,}\s*weitergeleitete nachricht\s*-{5,}|-{5,}\s*message transféré\s*-{5,})`)

// isForward reports a forwarded mail: a forward prefix on the subject, or a
// client's forward separator in the body.
func isForward(subject, body string) bool {
	s := strings.ToLower(strings.TrimSpace(subject))
	for _, p := range []string{"fwd:", "fw:", "wg:", "tr:", "fwd "} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return forwardMarker.MatchString(body)
}
