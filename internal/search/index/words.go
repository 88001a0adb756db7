package index

import (
	"strings"
)

// wordsText is a ticket search's free text as PostgreSQL's per-ticket word
// index (FullText.Words) answers it. That index holds each live ticket's words,
// all parts together and without positions, so a word or a prefix found there
// is in some part of the ticket: exactly what a term means. A phrase needs its
// words next to each other in one part, so its words only narrow the tickets
// there, and the part index (FullText.Match's table) confirms it per ticket.
type wordsText struct {
	// all is the tsquery the ticket's words must match: every positive word and
	// prefix, every word of each positive phrase, and "!" before the negated
	// words and prefixes. Empty when the query has no positive term.
	all string
	// none is the tsquery of the negated words and prefixes, OR-ed, for a
	// query without a positive term (a GIN index can't drive "!a" alone).
	none string
	// phrases and notPhrases are the tsqueries of the phrases that some part
	// must, or no part may, contain.
	phrases, notPhrases []string
}

// newWordsText sorts the terms of a query into wordsText; expr renders terms
// as a tsquery (FullText.Expr).
func newWordsText(pos, neg []Term, expr func([]Term) string) wordsText {
	var wt wordsText
	var must, mustNot []Term
	for _, t := range pos {
		if len(t.Tokens) > 1 {
			wt.phrases = append(wt.phrases, expr([]Term{t}))
			// The phrase's words, each on its own (the last one a prefix when
			// the phrase is), must all be in the ticket.
			for i, tok := range t.Tokens {
				must = append(must, Term{Tokens: []string{tok}, Prefix: t.Prefix && i == len(t.Tokens)-1})
			}
			continue
		}
		must = append(must, t)
	}
	for _, t := range neg {
		if len(t.Tokens) > 1 {
			wt.notPhrases = append(wt.notPhrases, expr([]Term{t}))
			continue
		}
		mustNot = append(mustNot, t)
	}
	if len(mustNot) > 0 {
		parts := make([]string, len(mustNot))
		for i, t := range mustNot {
			parts[i] = expr([]Term{t})
		}
		wt.none = strings.Join(parts, " | ")
	}
	if len(must) > 0 {
		wt.all = expr(must)
		if wt.none != "" {
			wt.all += " & !(" + wt.none + ")"
			wt.none = ""
		}
	}
	return wt
}

// conds renders wt as conditions on the tickets whose id column is idCol.
//
// With walk (a broad query read in sort order), the word condition is a probe
// of the ticket's one row, run for each ticket the sort index yields until the
// page is full; OFFSET 0 keeps PostgreSQL from turning it into a join that
// reads every match first. Without, the GIN index gives the matching tickets
// (few of them) and those are looked up. Phrases are confirmed in the part
// index (phraseCond).
func (wt wordsText) conds(w *sqlWhere, ft *FullText, idCol string, walk bool) []string {
	var out []string
	if wt.all != "" {
		if walk {
			out = append(out, "EXISTS (SELECT 1 FROM "+ft.Words+" tw WHERE tw.ticket_id = "+idCol+
				" AND tw.words @@ to_tsquery('simple', "+w.arg(wt.all)+") OFFSET 0)")
		} else {
			out = append(out, idCol+" IN (SELECT ticket_id FROM "+ft.Words+" WHERE words @@ to_tsquery('simple', "+w.arg(wt.all)+"))")
		}
	}
	if wt.none != "" {
		out = append(out, "NOT EXISTS (SELECT 1 FROM "+ft.Words+" tw WHERE tw.ticket_id = "+idCol+
			" AND tw.words @@ to_tsquery('simple', "+w.arg(wt.none)+"))")
	}
	for _, ph := range wt.phrases {
		out = append(out, phraseCond(w, ft, idCol, ph, walk))
	}
	for _, ph := range wt.notPhrases {
		out = append(out, "NOT "+phraseCond(w, ft, idCol, ph, walk))
	}
	return out
}

// phraseCond renders "ticket idCol has a part containing phrase". Walking, it
// probes the ticket's parts. Otherwise the part index finds the parts with all
// of the phrase's words and PostgreSQL checks their positions: probing each
// ticket that has the words somewhere instead took 870 ms for a phrase of two
// common words at 50,000 tickets (the words were in 20,000 tickets, the phrase
// in 95).
func phraseCond(w *sqlWhere, ft *FullText, idCol, phrase string, walk bool) string {
	match := "to_tsquery('simple', " + w.arg(phrase) + ")"
	if walk {
		return "EXISTS (SELECT 1 FROM " + ft.Parts + " tp WHERE tp.ticket_id = " + idCol + " AND tp.doc @@ " + match + " OFFSET 0)"
	}
	return idCol + " IN (SELECT ticket_id FROM " + ft.Parts + " WHERE doc @@ " + match + ")"
}

// count renders the count of the live tickets matching wt, for free text
// alone with a positive term. The word index holds live tickets only, one row
// each, so a match is counted from one narrow row, not from every part of the
// ticket with the word.
func (wt wordsText) count(w *sqlWhere, ft *FullText) string {
	return wt.matches(w, ft, "COUNT(*)")
}

// matches renders the SELECT of expr over the word rows of the live tickets
// matching wt, which must have a positive term.
func (wt wordsText) matches(w *sqlWhere, ft *FullText, expr string) string {
	conds := []string{"words @@ to_tsquery('simple', " + w.arg(wt.all) + ")"}
	rest := wordsText{phrases: wt.phrases, notPhrases: wt.notPhrases}
	conds = append(conds, rest.conds(w, ft, "tw.ticket_id", false)...)
	return "SELECT " + expr + " FROM " + ft.Words + " tw WHERE " + strings.Join(conds, " AND ")
}

// fewCond renders free text alone that matches few tickets (the caller counted
// them) as "the id is one of these": the matches are the page's candidates,
// all of them, so they are read first and sorted. Left to itself PostgreSQL
// misjudged "lisbon & printer" (1,365 tickets) as rarer than it is and walked
// 50,000 tickets by time probing each one's words (1.3 s); read first, it is
// 1,365 word rows.
func (wt wordsText) fewCond(w *sqlWhere, ft *FullText, idCol string) string {
	return idCol + " = ANY(ARRAY(" + wt.matches(w, ft, "tw.ticket_id") + "))"
}

// walksTime reports whether a page of p is read in an order an index of
// tickets gives (a time, or the id after a cursor), so that a broad query can
// walk it and stop after a page. Priority, status and type orders sort every
// match, and probing every ticket for them would visit all of them.
func walksTime(p Params) bool {
	by, _ := sortKeys(p)
	return p.Cursor || (by != "priority" && by != "status" && by != "ticket_type")
}

// mentions renders the SELECT of the ids of the tickets whose text has the
// word n (a number of the query). On PostgreSQL the word index answers it: one
// row per ticket, and statistics on its words (migration 031) that know a rare
// number is rare, where the part index's estimate (15,000 rows for any word
// its statistics don't list) made the planner scan every ticket.
func (q *run) mentions(w *sqlWhere, n string) string {
	if q.ft.Words == "" {
		return q.matchTerm(w, Term{Tokens: []string{n}})
	}
	wt := wordsText{all: q.ft.Expr([]Term{{Tokens: []string{n}}})}
	return wt.matches(w, &q.ft, "tw.ticket_id")
}
