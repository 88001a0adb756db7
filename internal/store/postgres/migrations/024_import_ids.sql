-- Ids of records brought in by `twindesk import zendesk` (issue 21 point 8): the
-- record of `source` (a Zendesk account's host) and `kind` (ticket, user, group...)
-- whose id there was source_id is target_id here. A ticket's row is written in the
-- transaction that imports it, so a kill between the import and the bookkeeping
-- cannot leave a ticket without its row (a re-run would duplicate it).
-- source_updated is the source record's updated_at when it was last carried: a
-- re-run carries a record again only when that changed.
CREATE TABLE import_ids (
    source         TEXT   NOT NULL,
    kind           TEXT   NOT NULL,
    source_id      BIGINT NOT NULL,
    target_id      BIGINT NOT NULL,
    source_updated TEXT   NOT NULL DEFAULT '',
    PRIMARY KEY (source, kind, source_id)
);
