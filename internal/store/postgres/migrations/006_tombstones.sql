-- A purged escalated ticket keeps only its id and when it was purged, so phone
-- support can still answer a caller who quotes the old number (the stub is found
-- through its "Original ticket" field).
CREATE TABLE tombstones (
    id        BIGINT PRIMARY KEY,
    purged_at BIGINT NOT NULL
);
