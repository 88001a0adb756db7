// Package index is twindesk's search engine: it runs a parsed query (package
// search) over the tickets, users and organizations of one database and
// answers a page of matches or their count.
//
// # Shape
//
// Desk searches through Searcher, which store.DB.Searcher returns for its
// backend. The engine writes its own SQL and reads through Reader, a read
// connection of the store, which turns rows into models; the store holds no
// search logic. What the store keeps is the writing of the full-text index
// inside its write transactions (store/search_index.go), so that an index
// write commits or rolls back with the change that caused it, and the hand-off
// of each commit's index changes (Change) to the engine's Cache.
//
// # Full text
//
// A ticket is indexed in parts, one row each: part 0 is its subject, part k its
// k-th comment. Text is normalised in Go first (NormalizeText: lower case,
// accents dropped, letters and digits only), so both backends split it into the
// same words. FullText describes a backend's index: SQLite's is FTS5
// (store/sqlite/fulltext.go), PostgreSQL's a tsvector column with a GIN index
// (store/postgres/fulltext.go).
//
// # One engine per backend
//
// New picks the implementation from FullText. On PostgreSQL a query is one SQL
// statement over the per-ticket word index (wordsText, below), keyword
// conditions as WHERE clauses, the planner choosing what drives. On SQLite each word's
// matches come out of FTS5 as one bitmap (package idset, built by a SQL
// function), and words, tags and the indexed keyword conditions (status,
// priority, type, assignee, group) are combined as bitmaps in Go: intersecting
// a million-ticket bitmap takes microseconds where SQL set operations build a
// temporary index of each. What is left is probed in SQL, or, when the page's
// order is by time, the page's ids are picked from in-memory times.
//
// # PostgreSQL at a million tickets
//
// ticket_search (one row per part, a tsvector with positions under GIN) can
// say which parts hold a word but not, without reading each part's row, which
// tickets: a common word (100,000 parts at a million tickets) cost 190-340 ms
// per search. Migration 031 adds ticket_words, one row per live ticket with
// the words of all its parts and no positions, under its own GIN index, kept
// in step with ticket_search by statement triggers in the writing transaction
// (so every node sees it at once; nothing is cached in a node). A search then:
//
//   - counts free text alone as COUNT(*) of ticket_words' GIN matches: one
//     narrow row per matching ticket instead of one per matching part (PostgreSQL
//     15 still reads each matching row: the bitmap count from the visibility map
//     alone was withdrawn, so a broad count costs a row per match and desk
//     reuses it, see docs/operations.md);
//   - reads a broad page (Params.Broad, desk counted more than 2,000 matches)
//     by walking a sort index of tickets and probing each ticket's one
//     ticket_words row (EXISTS ... OFFSET 0, so the planner can't turn it into
//     a join that reads every match first), stopping after the page;
//   - reads a narrow page from the GIN matches, looked up and sorted;
//   - treats a phrase as its words in ticket_words and the parts of
//     ticket_search that hold it (GIN, then positions checked): as a set for a
//     count or a narrow page, as a probe of each walked ticket's parts for a
//     broad page.
//
// Sizes, migration time and measured latencies are in docs/operations.md
// ("PostgreSQL search at a million tickets") and docs/benchmarks.md.
//
// # Accelerators and their bounds (SQLite)
//
//   - Cache keeps the match sets of the last termCacheSize (128) words, tags
//     and field values searched, least recently used first out; a set is one
//     bit per ticket id, 125 KB at a million tickets, so 16 MB at most. It stays
//     exact: each commit's changes are applied to the cached sets, and a set read
//     while writes went on is replayed from a log bounded to termLogSize
//     changes and termLogBytes of text.
//   - ticketTimes holds every live ticket's created and updated time, 16 bytes a
//     ticket (16 MB at a million), loaded once in the background, so a page in
//     time order is picked from a set without reading each match's row.
//   - setCond's byte-per-id buffers are recycled through a channel of 8.
//
// Sets are package idset, not github.com/RoaringBitmap/roaring: measured on the
// operations of a search over a million tickets (idset's BenchmarkSearchSets),
// roaring decodes faster but combines and walks slower, and the SQLite probe
// and the time-ordered page walk read idset's flat layout.
//
// Searches run at most two per CPU at once (desk), which bounds the sets alive.
// The conformance suite (desk/search_conformance_test.go) holds both engines to
// the same answers.
package index
