package rules

import (
	"strings"
	"unicode"
)

// The scanners below walk a string in place instead of splitting it. A comment
// is split into words once per trigger run (evalCtx), lists of tags and words in
// triggers once, by Compile.

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

// splitWords returns the words of text (see nextWord), lower-cased. It never
// returns nil, so callers can tell "split, no words" from "not split yet".
func splitWords(text string) []string {
	words := []string{}
	for {
		w, rest := nextWord(text)
		if w == "" {
			return words
		}
		words = append(words, strings.ToLower(w))
		text = rest
	}
}

// hasPhrase reports whether phrase occurs in words (lower-cased, see splitWords)
// as whole consecutive words, ignoring case: "please call" is in "Please, call
// me" but "call" is not in "recall".
func hasPhrase(words []string, phrase string) bool {
	first, rest := nextWord(phrase)
	if first == "" {
		return false
	}
	for i, w := range words {
		if strings.EqualFold(w, first) && phraseAt(words[i+1:], rest) {
			return true
		}
	}
	return false
}

// phraseAt reports whether the words of phrase start words (true when phrase
// has no words left).
func phraseAt(words []string, phrase string) bool {
	for i := 0; ; i++ {
		p, rest := nextWord(phrase)
		if p == "" {
			return true
		}
		if i >= len(words) || !strings.EqualFold(words[i], p) {
			return false
		}
		phrase = rest
	}
}

// includesAnyPhrase reports whether words contain at least one of items, each
// matched as a phrase (see hasPhrase).
func includesAnyPhrase(words []string, items []string) bool {
	for _, item := range items {
		if hasPhrase(words, item) {
			return true
		}
	}
	return false
}
