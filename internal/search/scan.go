package search

import "strings"

// term is one whitespace-separated unit of a query: a bare word, a phrase, or
// a keyword with an operator and a value. Positions are byte offsets.
type term struct {
	pos int  // start of the term, including a leading '-'
	neg bool // the term started with '-'

	// Free text (key == ""): the word or phrase as written.
	text    string
	textPos int
	phrase  bool

	// Keyword terms.
	key    string
	op     Op
	opPos  int
	value  string
	valPos int
	quoted bool
}

// asText turns a keyword term whose key is unknown back into free text.
func (t term) asText() term {
	t.text = t.key + string(t.op) + t.value
	t.phrase = t.quoted
	t.key = ""
	return t
}

// scanner splits a query into terms.
type scanner struct {
	src string
	pos int
}

func isSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == '\v'
}

// next returns the next term; ok is false at the end of the query.
func (s *scanner) next() (t term, ok bool, err error) {
	for s.pos < len(s.src) && isSpace(s.src[s.pos]) {
		s.pos++
	}
	if s.pos >= len(s.src) {
		return term{}, false, nil
	}
	t.pos = s.pos
	if s.src[s.pos] == '-' {
		t.neg = true
		s.pos++
		if s.pos >= len(s.src) || isSpace(s.src[s.pos]) {
			return term{}, false, &ParseError{Pos: t.pos, Msg: "lone '-' with nothing to negate"}
		}
	}
	t.textPos = s.pos
	if s.src[s.pos] == '"' {
		t.text, err = s.quoted()
		t.phrase = true
		return t, err == nil, err
	}
	word := s.word()
	idx := strings.IndexAny(word, ":<>")
	if idx <= 0 {
		t.text = word
		return t, true, nil
	}
	return s.keyword(t, word, idx)
}

// keyword fills in the keyword parts of t from word, whose operator starts at
// byte idx. A value in quotes right after the operator is read as well.
func (s *scanner) keyword(t term, word string, idx int) (term, bool, error) {
	t.key = word[:idx]
	t.opPos = t.textPos + idx
	t.op = Op(word[idx : idx+1])
	if t.op != OpEq && idx+1 < len(word) && word[idx+1] == '=' {
		t.op += "="
	}
	rest := word[idx+len(t.op):]
	t.valPos = t.opPos + len(t.op)
	if rest != "" || s.pos >= len(s.src) || s.src[s.pos] != '"' {
		t.value = rest
		return t, true, nil
	}
	v, err := s.quoted()
	if err != nil {
		return term{}, false, err
	}
	t.value, t.quoted = strings.TrimSpace(v), true
	return t, true, nil
}

// word reads up to the next whitespace or double quote.
func (s *scanner) word() string {
	start := s.pos
	for s.pos < len(s.src) && !isSpace(s.src[s.pos]) && s.src[s.pos] != '"' {
		s.pos++
	}
	return s.src[start:s.pos]
}

// quoted reads a double-quoted string starting at s.pos and returns its
// contents without the quotes.
func (s *scanner) quoted() (string, error) {
	open := s.pos
	end := strings.IndexByte(s.src[open+1:], '"')
	if end < 0 {
		return "", &ParseError{Pos: open, Msg: "unterminated quote"}
	}
	s.pos = open + 1 + end + 1
	return s.src[open+1 : open+1+end], nil
}
