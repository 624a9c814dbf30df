-- Cancel-on-disconnect: an engine opens a session with a heartbeat timeout and binds its requests to it;
-- when heartbeats lapse beyond the timeout its pending requests are cancelled (ENGINE_DISCONNECTED).
CREATE TABLE engine_sessions (
  id              uuid PRIMARY KEY,
  owner           text NOT NULL,
  timeout_seconds integer NOT NULL CHECK (timeout_seconds > 0),
  opened_at       timestamptz NOT NULL,
  last_seen_at    timestamptz NOT NULL,
  lapsed_at       timestamptz,
  cancelled       integer NOT NULL DEFAULT 0
);

-- The sweep looks for open sessions whose last heartbeat is older than their timeout.
CREATE INDEX engine_sessions_open ON engine_sessions (last_seen_at) WHERE lapsed_at IS NULL;

-- A request bound to a session, written in the request's create transaction.
CREATE TABLE session_requests (
  approval_id uuid PRIMARY KEY,
  session_id  uuid NOT NULL REFERENCES engine_sessions (id)
);
CREATE INDEX session_requests_by_session ON session_requests (session_id);
