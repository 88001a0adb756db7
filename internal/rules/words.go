package rules

import (
	"strings"
	"unicode"
)

// The scanners below walk a string in place instead of splitting it, so matching
// comment words during the trigger loop allocates nothing. Lists of tags and words
// in triggers are split once, by Compile.

// nextField returns the first space-separated item of s and what follows it;
// item is "" when s holds no more items.
func nextField(s string) (item, rest string) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	j := i
	for j < len(s) && !isSpace(s[j]) {
		j++
	}
	return s[i:j], s[j:]
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// nextWord returns the first word of s (a run of letters and digits) and what
// follows it; word is "" when s holds no more words. Punctuation separates words,
// so "Urgent!" and "re-open" match the words "urgent" and "re open".
func nextWord(s string) (word, rest string) {
	start := -1
	for i, r := range s {
		in := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			return s[start:i], s[i:]
		}
	}
	if start < 0 {
		return "", ""
	}
	return s[start:], ""
}

// hasPhrase reports whether the words of phrase appear consecutively in text,
// compared case-insensitively and as whole words. An empty phrase never matches.
func hasPhrase(text, phrase string) bool {
	for {
		w, rest := nextWord(text)
		if w == "" {
			return false
		}
		if phraseAt(w, rest, phrase) {
			return true
		}
		text = rest
	}
}

// phraseAt reports whether phrase starts at word w, followed by rest of the text.
func phraseAt(w, rest, phrase string) bool {
	p, prest := nextWord(phrase)
	if p == "" {
		return false
	}
	for {
		if !strings.EqualFold(w, p) {
			return false
		}
		if p, prest = nextWord(prest); p == "" {
			return true
		}
		if w, rest = nextWord(rest); w == "" {
			return false
		}
	}
}

// includesAnyPhrase reports whether text contains at least one of items, each
// matched as a phrase (see hasPhrase).
func includesAnyPhrase(text string, items []string) bool {
	for _, item := range items {
		if hasPhrase(text, item) {
			return true
		}
	}
	return false
}
