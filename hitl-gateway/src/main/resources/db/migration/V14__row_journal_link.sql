-- Each approval row names the last journal entry that produced it (seq and chain hash). Rows written from
-- now on are hash version 2: their row_hash covers that link. Existing rows keep version 1 (their row_hash
-- was computed without the link and SQL cannot recompute the canonical JSON hash); the link is backfilled
-- for them from the journal so reads and verify can still find their newest entry.
ALTER TABLE approvals
  ADD COLUMN journal_seq bigint,
  ADD COLUMN journal_hash text,
  ADD COLUMN row_hash_version smallint NOT NULL DEFAULT 1 CHECK (row_hash_version IN (1, 2));

ALTER TABLE approvals ALTER COLUMN row_hash_version SET DEFAULT 2;

UPDATE approvals a SET journal_seq = j.seq, journal_hash = j.hash
FROM (SELECT DISTINCT ON (approval_id) approval_id, seq, hash FROM journal
      WHERE approval_id IS NOT NULL
        AND action IN ('created', 'vote', 'approved', 'rejected', 'expired', 'cancelled', 'integrity_failure',
                       'escalated', 'reminder', 'self_approval', 'acknowledged', 'edits_applied', 're_requested')
      ORDER BY approval_id, seq DESC) j
WHERE j.approval_id = a.id;
