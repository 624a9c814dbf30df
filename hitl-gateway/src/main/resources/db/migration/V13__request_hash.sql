-- SHA-256 of a create's canonical JSON body, so a retry with the same Idempotency-Key or trade_id can be
-- told apart from a different request reusing them. Rows created before this column have none: unknown, accepted.
ALTER TABLE approvals ADD COLUMN request_hash text;
