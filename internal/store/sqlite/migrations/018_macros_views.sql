-- Macros and views (issue 19). A restriction is Zendesk's: restriction_type ''
-- (every agent), 'User' (personal: restriction_ids holds the owner) or 'Group'
-- (restriction_ids holds the groups), ids as a JSON list.
CREATE TABLE macros (
    id               INTEGER PRIMARY KEY,
    title            TEXT    NOT NULL,
    description      TEXT    NOT NULL DEFAULT '',
    active           BOOLEAN NOT NULL DEFAULT TRUE,
    position         BIGINT  NOT NULL DEFAULT 0,
    actions          TEXT    NOT NULL,
    restriction_type TEXT    NOT NULL DEFAULT '',
    restriction_ids  TEXT    NOT NULL DEFAULT '[]',
    owner_id         BIGINT,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL
);
CREATE INDEX macros_owner ON macros (owner_id);

CREATE TABLE ticket_views (
    id               INTEGER PRIMARY KEY,
    title            TEXT    NOT NULL,
    description      TEXT    NOT NULL DEFAULT '',
    active           BOOLEAN NOT NULL DEFAULT TRUE,
    position         BIGINT  NOT NULL DEFAULT 0,
    conditions       TEXT    NOT NULL,
    execution        TEXT    NOT NULL,
    restriction_type TEXT    NOT NULL DEFAULT '',
    restriction_ids  TEXT    NOT NULL DEFAULT '[]',
    owner_id         BIGINT,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL
);
CREATE INDEX ticket_views_owner ON ticket_views (owner_id);

-- Zendesk's default views. Ids 1-4 are what the UI's old fixed lists were
-- (/views/mine, unassigned, open, recent), so those links keep working.
INSERT INTO ticket_views (id, title, position, conditions, execution, created_at, updated_at) VALUES
 (1, 'Your unsolved tickets', 1,
  '{"all":[{"field":"status","operator":"less_than","value":"solved"},{"field":"assignee_id","operator":"is","value":"current_user"}],"any":[]}',
  '{"columns":["status","subject","requester","updated","priority"],"group_by":"","group_order":"","sort_by":"updated","sort_order":"desc"}', CAST(strftime('%s', 'now') AS BIGINT) * 1000000, CAST(strftime('%s', 'now') AS BIGINT) * 1000000),
 (2, 'Unassigned tickets', 2,
  '{"all":[{"field":"status","operator":"less_than","value":"solved"},{"field":"assignee_id","operator":"is","value":""}],"any":[]}',
  '{"columns":["status","subject","requester","group","updated","priority"],"group_by":"","group_order":"","sort_by":"updated","sort_order":"desc"}', CAST(strftime('%s', 'now') AS BIGINT) * 1000000, CAST(strftime('%s', 'now') AS BIGINT) * 1000000),
 (3, 'All unsolved tickets', 3,
  '{"all":[{"field":"status","operator":"less_than","value":"solved"}],"any":[]}',
  '{"columns":["status","subject","requester","group","assignee","updated","priority"],"group_by":"","group_order":"","sort_by":"updated","sort_order":"desc"}', CAST(strftime('%s', 'now') AS BIGINT) * 1000000, CAST(strftime('%s', 'now') AS BIGINT) * 1000000),
 (4, 'Recently updated tickets', 4,
  '{"all":[{"field":"updated_at","operator":"less_than","value":"168"}],"any":[]}',
  '{"columns":["status","subject","requester","assignee","updated"],"group_by":"","group_order":"","sort_by":"updated","sort_order":"desc"}', CAST(strftime('%s', 'now') AS BIGINT) * 1000000, CAST(strftime('%s', 'now') AS BIGINT) * 1000000),
 (5, 'Pending tickets', 5,
  '{"all":[{"field":"status","operator":"is","value":"pending"}],"any":[]}',
  '{"columns":["status","subject","requester","assignee","updated"],"group_by":"","group_order":"","sort_by":"updated","sort_order":"desc"}', CAST(strftime('%s', 'now') AS BIGINT) * 1000000, CAST(strftime('%s', 'now') AS BIGINT) * 1000000);

-- A view's count is one SQL count. The commonest views ask for an agent's (or
-- nobody's) unsolved tickets, or a group's: with these the count reads the
-- index alone; by assignee_id then updated_at it visited each of the agent's
-- tickets (65 ms for an agent with 3,800 of 100,000 tickets, 6 ms with this).
CREATE INDEX tickets_live_assignee_state ON tickets (assignee_id, status, group_id, priority) WHERE deleted_at IS NULL;
CREATE INDEX tickets_live_group_state    ON tickets (group_id, status, assignee_id, priority) WHERE deleted_at IS NULL;
