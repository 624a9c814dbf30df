-- Notification delivery: claim leases on the outbox, where each request was posted in chat, chat
-- signatures already seen (replay guard shared by every node) and one-time deep-link tokens.

-- A claim stamps its token and moves next_attempt_at to the end of its lease; a 'sending' row whose
-- lease ran out belongs to a node that died mid-send and is claimed again.
ALTER TABLE outbox ADD COLUMN claim_token uuid;
ALTER TABLE outbox ADD COLUMN sent_at timestamptz;

CREATE INDEX outbox_claimable ON outbox (next_attempt_at, id) WHERE status IN ('pending', 'sending');
CREATE INDEX outbox_open_by_message ON outbox (approval_id, channel) WHERE status IN ('pending', 'sending');
CREATE INDEX outbox_by_status ON outbox (status, id DESC);

CREATE TABLE chat_messages (
  approval_id             uuid NOT NULL REFERENCES approvals (id),
  channel                 text NOT NULL CHECK (channel IN ('slack', 'discord')),
  via                     text NOT NULL CHECK (via IN ('bot', 'webhook')),
  destination             text,
  message_ref             text,
  response_url            text,
  response_url_expires_at timestamptz,
  state                   text,
  created_at              timestamptz NOT NULL,
  updated_at              timestamptz NOT NULL,
  PRIMARY KEY (approval_id, channel)
);

CREATE TABLE chat_replay_guard (
  platform   text NOT NULL,
  signature  text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (platform, signature)
);

CREATE INDEX chat_replay_guard_expiry ON chat_replay_guard (expires_at);

-- Only a hash of each token is kept: a copy of the table opens nothing.
CREATE TABLE deep_link_tokens (
  token_hash     text PRIMARY KEY,
  approval_id    uuid NOT NULL REFERENCES approvals (id),
  channel        text NOT NULL,
  expires_at     timestamptz NOT NULL,
  used_at        timestamptz,
  correlation_id text,
  created_at     timestamptz NOT NULL
);

CREATE INDEX deep_link_tokens_unused ON deep_link_tokens (approval_id) WHERE used_at IS NULL;
