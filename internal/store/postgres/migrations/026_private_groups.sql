-- Private groups (issue 19 point 8): a group that is not public keeps its tickets
-- from agents outside it; admins and its members see them. Zendesk calls the
-- option is_public, true by default, so every existing group stays public.
ALTER TABLE groups ADD COLUMN is_public BOOLEAN NOT NULL DEFAULT TRUE;
