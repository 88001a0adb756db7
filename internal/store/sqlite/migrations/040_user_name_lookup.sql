-- A search that names a user (assignee:"Ann Lee", requester:ann@example.com)
-- looks the user up by email or lower-cased name first. Without an index on the
-- name that was a scan of every user: 90-210 ms at 200,000 requesters on
-- PostgreSQL, paid twice per search (its count and its page).
CREATE INDEX users_lower_name ON users (LOWER(name));
