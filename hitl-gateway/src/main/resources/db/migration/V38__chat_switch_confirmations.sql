-- A kill switch asked for from Slack or Discord acts only once its asker confirms it. What the confirmation
-- will do is kept here, never in the button: the button carries the id alone, so a client cannot alter the
-- action, and the conditional update that spends a row lets exactly one confirmation act.
CREATE TABLE chat_switch_confirmations (
  id uuid PRIMARY KEY,
  platform text NOT NULL CHECK (platform IN ('slack', 'discord')),
  chat_user text NOT NULL,
  operator text NOT NULL,
  action text NOT NULL CHECK (action IN ('engage', 'release')),
  scope text NOT NULL,
  value text NOT NULL,
  switch_id uuid,
  reason text,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  outcome text CHECK (outcome IN ('confirmed', 'cancelled'))
);
CREATE INDEX chat_switch_confirmations_expiry ON chat_switch_confirmations (expires_at);
