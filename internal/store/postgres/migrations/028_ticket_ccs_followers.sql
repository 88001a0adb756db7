-- CCs and followers of a ticket (issue 19 point 6): Zendesk's email_cc_ids and
-- follower_ids. Kept on the ticket row as space-separated user ids, like tags,
-- so every read of a ticket (show, lists, views, exports) has them without a
-- second query per ticket; a ticket has at most 48 of each (desk/ccs.go).
ALTER TABLE tickets ADD COLUMN email_cc_ids TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN follower_ids TEXT NOT NULL DEFAULT '';
