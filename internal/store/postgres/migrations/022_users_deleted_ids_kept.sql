-- Soft-deleted users (DELETE /api/v2/users/{id}, issue 21): Zendesk keeps the user
-- and their tickets and shows them with active false. deleted_at tells a deleted
-- user from a suspended one; both are refused at sign-in through users.active.
-- (Ids of groups, fields, forms, triggers and targets are identities here, which
-- never hand out a value twice; only SQLite needed rebuilding for that.)
ALTER TABLE users ADD COLUMN deleted_at BIGINT;
