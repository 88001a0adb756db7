-- Automations (issue 19): time-based rules run by a periodic job.
CREATE TABLE automations (
    id          INTEGER PRIMARY KEY,
    title       TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    position    BIGINT  NOT NULL DEFAULT 0,
    conditions  TEXT    NOT NULL,
    actions     TEXT    NOT NULL,
    is_default  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
-- Zendesk's default automation, which the escalation recipe's "stub closed" sync
-- relies on: without it no ticket ever reaches closed.
INSERT INTO automations (title, position, conditions, actions, is_default, created_at, updated_at) VALUES (
    'Close ticket 4 days after status is set to solved', 1,
    '{"all":[{"field":"status","operator":"is","value":"solved"},{"field":"hours_since_solved","operator":"greater_than","value":"96"}],"any":[]}',
    '[{"field":"status","value":["closed"]}]', TRUE,
    CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER),
    CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER));

-- One row per automation and ticket it fired on, with the ticket's updated_at
-- after that firing: the automation does not fire again on the ticket until the
-- ticket changed since (Zendesk: once per matching change).
CREATE TABLE automation_fires (
    automation_id BIGINT NOT NULL,
    ticket_id     BIGINT NOT NULL,
    ticket_updated_at BIGINT NOT NULL,
    PRIMARY KEY (automation_id, ticket_id)
);
CREATE INDEX automation_fires_ticket ON automation_fires (ticket_id);

-- One row per scheduled run: the period's number is the primary key, so however
-- many nodes are handed the same period, one inserts the row and runs it.
CREATE TABLE automation_runs (
    period      BIGINT  PRIMARY KEY,
    node        TEXT    NOT NULL,
    started_at  BIGINT  NOT NULL,
    finished_at BIGINT,
    candidates  BIGINT  NOT NULL DEFAULT 0,
    fired       BIGINT  NOT NULL DEFAULT 0
);

-- Business hours schedules and SLA policies. Intervals, holidays, filters and
-- metrics are JSON in Zendesk's shapes.
CREATE TABLE business_schedules (
    id         INTEGER PRIMARY KEY,
    name       TEXT   NOT NULL,
    time_zone  TEXT   NOT NULL,
    intervals  TEXT   NOT NULL,
    holidays   TEXT   NOT NULL DEFAULT '[]',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE sla_policies (
    id             INTEGER PRIMARY KEY,
    title          TEXT    NOT NULL,
    description    TEXT    NOT NULL DEFAULT '',
    position       BIGINT  NOT NULL DEFAULT 0,
    filter         TEXT    NOT NULL,
    policy_metrics TEXT    NOT NULL,
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL
);
INSERT INTO rule_versions (name, version) VALUES ('slas', 1);

-- Each open ticket's SLA targets: when each metric of its applied policy started
-- and is due.
-- fulfilled_at is set once the metric is met (a reply was sent, say); breach_at
-- stays, so a target met late still counts as breached.
CREATE TABLE ticket_sla (
    ticket_id    BIGINT NOT NULL,
    metric       TEXT   NOT NULL,
    policy_id    BIGINT NOT NULL,
    started_at   BIGINT NOT NULL,
    breach_at    BIGINT NOT NULL,
    fulfilled_at BIGINT,
    PRIMARY KEY (ticket_id, metric)
);
CREATE INDEX ticket_sla_open_breach ON ticket_sla (breach_at) WHERE fulfilled_at IS NULL;

-- The times automation conditions ask about, for tickets that are neither closed
-- nor deleted (automations never touch those, so the indexes stay the size of the
-- open work, not of the history). A time is NULL when it does not apply:
-- solved_at once a ticket is reopened, pending_at once it leaves pending. Kept by
-- the triggers below, so every write path (desk, import, bulk seed) keeps them.
CREATE TABLE ticket_clocks (
    ticket_id            INTEGER PRIMARY KEY,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    solved_at            BIGINT,
    pending_at           BIGINT,
    hold_at              BIGINT,
    assigned_at          BIGINT,
    requester_updated_at BIGINT,
    assignee_updated_at  BIGINT
);
CREATE INDEX ticket_clocks_created   ON ticket_clocks (created_at);
CREATE INDEX ticket_clocks_updated   ON ticket_clocks (updated_at);
CREATE INDEX ticket_clocks_solved    ON ticket_clocks (solved_at)            WHERE solved_at IS NOT NULL;
CREATE INDEX ticket_clocks_pending   ON ticket_clocks (pending_at)           WHERE pending_at IS NOT NULL;
CREATE INDEX ticket_clocks_hold      ON ticket_clocks (hold_at)              WHERE hold_at IS NOT NULL;
CREATE INDEX ticket_clocks_assigned  ON ticket_clocks (assigned_at)          WHERE assigned_at IS NOT NULL;
CREATE INDEX ticket_clocks_requester ON ticket_clocks (requester_updated_at) WHERE requester_updated_at IS NOT NULL;
CREATE INDEX ticket_clocks_assignee  ON ticket_clocks (assignee_updated_at)  WHERE assignee_updated_at IS NOT NULL;

INSERT INTO ticket_clocks (ticket_id, created_at, updated_at, solved_at, pending_at, hold_at, assigned_at)
SELECT id, created_at, updated_at,
       CASE WHEN status = 'solved' THEN updated_at END,
       CASE WHEN status = 'pending' THEN updated_at END,
       CASE WHEN status = 'hold' THEN updated_at END,
       CASE WHEN assignee_id IS NOT NULL THEN updated_at END
FROM tickets WHERE status <> 'closed' AND deleted_at IS NULL;
UPDATE ticket_clocks SET
    requester_updated_at = (SELECT MAX(a.created_at) FROM audits a JOIN tickets t ON t.id = a.ticket_id
                            WHERE a.ticket_id = ticket_clocks.ticket_id AND a.author_id = t.requester_id),
    assignee_updated_at  = (SELECT MAX(a.created_at) FROM audits a JOIN tickets t ON t.id = a.ticket_id
                            WHERE a.ticket_id = ticket_clocks.ticket_id AND a.author_id = t.assignee_id);

CREATE TRIGGER ticket_clocks_insert AFTER INSERT ON tickets
WHEN NEW.status <> 'closed' AND NEW.deleted_at IS NULL
BEGIN
    INSERT INTO ticket_clocks (ticket_id, created_at, updated_at, solved_at, pending_at, hold_at, assigned_at)
    VALUES (NEW.id, NEW.created_at, NEW.updated_at,
            CASE WHEN NEW.status = 'solved' THEN NEW.updated_at END,
            CASE WHEN NEW.status = 'pending' THEN NEW.updated_at END,
            CASE WHEN NEW.status = 'hold' THEN NEW.updated_at END,
            CASE WHEN NEW.assignee_id IS NOT NULL THEN NEW.updated_at END)
    ON CONFLICT (ticket_id) DO NOTHING;
END;

CREATE TRIGGER ticket_clocks_update AFTER UPDATE ON tickets
BEGIN
    DELETE FROM ticket_clocks WHERE ticket_id = NEW.id AND (NEW.status = 'closed' OR NEW.deleted_at IS NOT NULL);
    DELETE FROM ticket_sla WHERE ticket_id = NEW.id AND (NEW.status = 'closed' OR NEW.deleted_at IS NOT NULL);
    INSERT INTO ticket_clocks (ticket_id, created_at, updated_at, solved_at, pending_at, hold_at, assigned_at)
    SELECT NEW.id, NEW.created_at, NEW.updated_at,
           CASE WHEN NEW.status = 'solved' THEN NEW.updated_at END,
           CASE WHEN NEW.status = 'pending' THEN NEW.updated_at END,
           CASE WHEN NEW.status = 'hold' THEN NEW.updated_at END,
           CASE WHEN NEW.assignee_id IS NOT NULL THEN NEW.updated_at END
    WHERE NEW.status <> 'closed' AND NEW.deleted_at IS NULL
    ON CONFLICT (ticket_id) DO UPDATE SET
        updated_at  = excluded.updated_at,
        solved_at   = CASE WHEN NEW.status <> 'solved' THEN NULL
                           WHEN OLD.status = 'solved' THEN COALESCE(ticket_clocks.solved_at, excluded.solved_at)
                           ELSE excluded.solved_at END,
        pending_at  = CASE WHEN NEW.status <> 'pending' THEN NULL
                           WHEN OLD.status = 'pending' THEN COALESCE(ticket_clocks.pending_at, excluded.pending_at)
                           ELSE excluded.pending_at END,
        hold_at     = CASE WHEN NEW.status <> 'hold' THEN NULL
                           WHEN OLD.status = 'hold' THEN COALESCE(ticket_clocks.hold_at, excluded.hold_at)
                           ELSE excluded.hold_at END,
        assigned_at = CASE WHEN NEW.assignee_id IS NULL THEN NULL
                           WHEN OLD.assignee_id IS NEW.assignee_id THEN COALESCE(ticket_clocks.assigned_at, excluded.assigned_at)
                           ELSE excluded.assigned_at END;
END;

CREATE TRIGGER ticket_clocks_delete AFTER DELETE ON tickets
BEGIN
    DELETE FROM ticket_clocks WHERE ticket_id = OLD.id;
    DELETE FROM ticket_sla WHERE ticket_id = OLD.id;
    DELETE FROM automation_fires WHERE ticket_id = OLD.id;
END;

-- An update by the requester or the assignee: every change writes one audit,
-- whose author is who made it.
CREATE TRIGGER ticket_clocks_audit AFTER INSERT ON audits
BEGIN
    UPDATE ticket_clocks SET
        requester_updated_at = CASE WHEN NEW.author_id = (SELECT requester_id FROM tickets WHERE id = NEW.ticket_id)
                                    THEN NEW.created_at ELSE requester_updated_at END,
        assignee_updated_at  = CASE WHEN NEW.author_id = (SELECT assignee_id FROM tickets WHERE id = NEW.ticket_id)
                                    THEN NEW.created_at ELSE assignee_updated_at END
    WHERE ticket_id = NEW.ticket_id AND EXISTS (SELECT 1 FROM tickets t WHERE t.id = NEW.ticket_id
                                                AND (t.requester_id = NEW.author_id OR t.assignee_id = NEW.author_id));
END;
