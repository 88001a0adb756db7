-- Pausable SLA metrics (issue 19): requester_wait_time and agent_work_time
-- count only while the ticket is in some statuses. While such a target's clock
-- stands still, paused_left holds what remains of it (microseconds of the
-- metric's business or calendar time) and breach_at, which cannot be NULL, holds
-- 9999-12-31 unless the target was already breached. NULL while it runs, and
-- for the metrics that never pause.
ALTER TABLE ticket_sla ADD COLUMN paused_left BIGINT;
