-- Expiry timers: how many reminders each request has had (notification bookkeeping, outside the row hash)
-- and the index the safety-net sweep uses to find escalation notices that are due.

ALTER TABLE approvals ADD COLUMN reminders_sent integer NOT NULL DEFAULT 0 CHECK (reminders_sent >= 0);

CREATE INDEX approvals_pending_by_escalate_at ON approvals (escalate_at, id)
  WHERE status = 'PENDING' AND escalate_at IS NOT NULL;
