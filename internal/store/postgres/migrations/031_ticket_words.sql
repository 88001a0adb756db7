-- One row per live ticket with the set of words of all its parts (no positions),
-- under a GIN index (issue 20). ticket_search answers "which parts match" but a
-- GIN index gives row addresses, not ticket ids: turning 100,000 matching parts
-- of a common word into tickets read 100,000 rows of ticket_search (190-340 ms
-- at a million tickets). Here a word or a prefix matches at most one row per
-- ticket, so a free-text count reads one narrow row per matching ticket, and a
-- broad page probes one row per ticket it walks. Phrases still need positions: ticket_words narrows
-- the candidates and ticket_search confirms the phrase within one part.
--
-- Triggers keep it in step with ticket_search inside the writing transaction, so
-- every node on the database sees the same words with no cache to go stale, and
-- the store's write path is unchanged.
CREATE TABLE ticket_words (
    ticket_id BIGINT   PRIMARY KEY,
    words     tsvector NOT NULL
);

-- The union of tsvectors (|| merges their words), for a ticket's parts. With
-- strip() it is 4-5 times faster than unnesting every word and aggregating the
-- distinct ones (2.3 s against 10.6 s for 30,000 seeded tickets).
CREATE AGGREGATE ticket_words_union(tsvector) (SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = '');

-- A tsvector holds at most 1 MB of words: a ticket whose distinct words pass
-- that (pasted logs, say) would fail every write that adds to them. So a write
-- that overflows falls back to adding part by part, ticket by ticket, and a
-- part that doesn't fit is left out: its new words are not found by search
-- (as text past maxDocBytes, or comments past MaxParts, are not), and the
-- ticket stays writable.
CREATE FUNCTION ticket_words_add_part(id BIGINT, doc tsvector) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ticket_words (ticket_id, words) VALUES (id, strip(doc))
    ON CONFLICT (ticket_id) DO UPDATE SET words = ticket_words.words || EXCLUDED.words;
EXCEPTION WHEN program_limit_exceeded THEN
    NULL;
END $$;

-- New parts add their words to their tickets' rows (one row per ticket of the
-- statement, so a multi-row insert updates each ticket once).
CREATE FUNCTION ticket_words_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        INSERT INTO ticket_words (ticket_id, words)
        SELECT p.ticket_id, strip(ticket_words_union(p.doc))
        FROM added_parts p
        GROUP BY p.ticket_id
        ON CONFLICT (ticket_id) DO UPDATE SET words = ticket_words.words || EXCLUDED.words;
    EXCEPTION WHEN program_limit_exceeded THEN
        PERFORM ticket_words_add_part(p.ticket_id, p.doc) FROM added_parts p ORDER BY p.ticket_id, p.part;
    END;
    RETURN NULL;
END $$;

-- Removed or changed parts: the tickets' words are rebuilt from the parts left
-- (a word may be in another part too). Subject changes and deletes are rare
-- next to new comments, which only add.
CREATE FUNCTION ticket_words_rebuild() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM ticket_words WHERE ticket_id IN (SELECT ticket_id FROM changed_parts);
    BEGIN
        INSERT INTO ticket_words (ticket_id, words)
        SELECT s.ticket_id, strip(ticket_words_union(s.doc))
        FROM ticket_search s
        WHERE s.ticket_id IN (SELECT ticket_id FROM changed_parts)
        GROUP BY s.ticket_id;
    EXCEPTION WHEN program_limit_exceeded THEN
        PERFORM ticket_words_add_part(s.ticket_id, s.doc) FROM ticket_search s
        WHERE s.ticket_id IN (SELECT ticket_id FROM changed_parts) ORDER BY s.ticket_id, s.part;
    END;
    RETURN NULL;
END $$;

CREATE FUNCTION ticket_words_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE ticket_words;
    RETURN NULL;
END $$;

CREATE TRIGGER ticket_words_insert AFTER INSERT ON ticket_search
    REFERENCING NEW TABLE AS added_parts FOR EACH STATEMENT EXECUTE FUNCTION ticket_words_add();
CREATE TRIGGER ticket_words_delete AFTER DELETE ON ticket_search
    REFERENCING OLD TABLE AS changed_parts FOR EACH STATEMENT EXECUTE FUNCTION ticket_words_rebuild();
-- The store never updates a part (it deletes and inserts), but an update by hand
-- is followed too: its tickets are rebuilt from their parts.
CREATE TRIGGER ticket_words_update AFTER UPDATE ON ticket_search
    REFERENCING OLD TABLE AS changed_parts FOR EACH STATEMENT EXECUTE FUNCTION ticket_words_rebuild();
CREATE TRIGGER ticket_words_truncate AFTER TRUNCATE ON ticket_search
    FOR EACH STATEMENT EXECUTE FUNCTION ticket_words_clear();

DO $$
BEGIN
    INSERT INTO ticket_words (ticket_id, words)
    SELECT ticket_id, strip(ticket_words_union(doc)) FROM ticket_search GROUP BY ticket_id;
EXCEPTION WHEN program_limit_exceeded THEN
    PERFORM ticket_words_add_part(ticket_id, doc) FROM ticket_search ORDER BY ticket_id, part;
END $$;

-- fastupdate off, as for ticket_search (004): a search never scans a pending list.
CREATE INDEX ticket_words_words ON ticket_words USING GIN (words) WITH (fastupdate = off);
-- Statistics on 100,000 words rather than 1,000: outside the words it lists,
-- the planner guesses half the rarest listed word's share, which at a million
-- seeded tickets was 5,000 tickets for a word in 79, and it then walked every
-- ticket in time order probing for that word (42 s) instead of looking up the
-- 79. ANALYZE then reads up to 3,000,000 rows (47 s at a million tickets on a
-- loaded 2-CPU machine), as autovacuum's analyze will.
ALTER TABLE ticket_words ALTER COLUMN words SET STATISTICS 10000;
ANALYZE ticket_words;

-- The default order, updated_at then id, read straight from an index: with
-- updated_at alone PostgreSQL sorts each run of tickets sharing an updated_at
-- (an automation closes thousands in one transaction, at one time), and a broad
-- page's walk probed 8,467 tickets for 25 matches instead of about 600.
DROP INDEX tickets_live_updated;
CREATE INDEX tickets_live_updated ON tickets (updated_at, id) WHERE deleted_at IS NULL;
