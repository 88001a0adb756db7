-- Escalation links are facts, not tags (issue 16): which tickets of the two
-- instances belong together is recorded when the peer's call creates them, and a
-- peer may only change a ticket that has a link. On the secure instance ticket_id
-- is the secure ticket and peer_id the standard stub (0 until it is known); on the
-- standard instance ticket_id is the stub and peer_id the secure ticket. origin_id
-- is the escalated standard ticket on both sides: one escalation per original.
CREATE TABLE escalation_links (
    ticket_id  BIGINT PRIMARY KEY,
    origin_id  BIGINT NOT NULL UNIQUE,
    peer_id    BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

-- What the stub is built from once the original is gone: its requester and the
-- pseudo group it was moved to. Neither is confidential (the requester stays a
-- user of this instance, and the group names the secure team).
ALTER TABLE tombstones ADD COLUMN requester_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tombstones ADD COLUMN group_id BIGINT NOT NULL DEFAULT 0;
