-- Core approval state, votes, the hash-chained journal and the transactional outbox.

CREATE TABLE approvals (
  id                 uuid PRIMARY KEY,
  type               text NOT NULL,
  title              text NOT NULL,
  description        text,
  context            jsonb NOT NULL DEFAULT '{}'::jsonb,
  trade_id           text UNIQUE,
  requested_by       text NOT NULL,
  correlation_id     text,
  idempotency_key    text,
  policy             jsonb,
  policy_hash        text,
  status             text NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED', 'EXPIRED', 'CANCELLED')),
  required_approvals integer NOT NULL DEFAULT 1 CHECK (required_approvals >= 1),
  expires_at         timestamptz NOT NULL,
  escalate_at        timestamptz,
  escalation_level   integer NOT NULL DEFAULT 0,
  lineage_id         uuid,
  decided_at         timestamptz,
  decided_by         text,
  decision_channel   text,
  decision_reason    text,
  decision_comment   text,
  overrides          jsonb,
  row_hash           text NOT NULL,
  created_at         timestamptz NOT NULL,
  CONSTRAINT approvals_idempotency UNIQUE (requested_by, idempotency_key)
);

CREATE INDEX approvals_pending_by_expiry ON approvals (expires_at, id) WHERE status = 'PENDING';
CREATE INDEX approvals_by_created ON approvals (created_at DESC, id DESC);
CREATE INDEX approvals_by_status_created ON approvals (status, created_at DESC, id DESC);

CREATE TABLE approval_votes (
  approval_id uuid NOT NULL REFERENCES approvals (id),
  approver    text NOT NULL,
  decision    text NOT NULL CHECK (decision IN ('APPROVE', 'REJECT')),
  channel     text NOT NULL,
  comment     text,
  created_at  timestamptz NOT NULL,
  PRIMARY KEY (approval_id, approver)
);

CREATE TABLE journal (
  seq            bigserial PRIMARY KEY,
  approval_id    uuid,
  target         text,
  actor          text NOT NULL,
  action         text NOT NULL,
  previous_state text,
  new_state      text,
  payload        jsonb NOT NULL DEFAULT '{}'::jsonb,
  correlation_id text,
  error_code     text,
  prev_hash      text NOT NULL,
  hash           text NOT NULL,
  created_at     timestamptz NOT NULL
);

CREATE INDEX journal_by_approval ON journal (approval_id, seq);

-- Append-only: the gateway never edits or deletes journal rows; verify detects anyone who does.
CREATE FUNCTION journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'journal is append-only';
END;
$$;

CREATE TRIGGER journal_no_update_delete BEFORE UPDATE OR DELETE ON journal
  FOR EACH ROW EXECUTE FUNCTION journal_append_only();

-- No hard deletes of approvals.
CREATE FUNCTION approvals_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'approvals are never deleted';
END;
$$;

CREATE TRIGGER approvals_no_delete BEFORE DELETE ON approvals
  FOR EACH ROW EXECUTE FUNCTION approvals_no_delete();

CREATE TABLE outbox (
  id              bigserial PRIMARY KEY,
  approval_id     uuid,
  channel         text NOT NULL,
  kind            text NOT NULL,
  payload         jsonb NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_error      text,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL
);

CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
