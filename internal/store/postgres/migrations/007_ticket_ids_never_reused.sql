-- SQLite's 007 makes ticket ids never reused (AUTOINCREMENT). PostgreSQL identities
-- never reuse values, so there is nothing to change here; the file keeps both
-- dialects' migration numbers in step.
SELECT 1;
