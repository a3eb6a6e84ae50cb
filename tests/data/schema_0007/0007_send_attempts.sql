-- The start of the latest attempt that may have reached Discord, written (and committed)
-- just before each send. The exactly-once history check reads the target's messages from
-- here, not from the first attempt or the due time: after downtime in a busy channel the
-- message sits right after this moment, however many messages came before it.
ALTER TABLE plan_sends ADD COLUMN attempt_at TEXT;
-- Rows attempted by an older release: their first attempt is all we know.
UPDATE plan_sends SET attempt_at = first_attempt_at
    WHERE attempts > 0 AND state IN ('pending', 'sending');
