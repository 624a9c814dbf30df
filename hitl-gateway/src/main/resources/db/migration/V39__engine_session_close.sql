-- An engine closes its session explicitly: a closed session is never swept and refuses heartbeats and binds.
ALTER TABLE engine_sessions ADD COLUMN closed_at timestamptz;
ALTER TABLE engine_sessions ADD CONSTRAINT engine_sessions_ended_once CHECK (lapsed_at IS NULL OR closed_at IS NULL);

DROP INDEX engine_sessions_open;
CREATE INDEX engine_sessions_open ON engine_sessions (last_seen_at) WHERE lapsed_at IS NULL AND closed_at IS NULL;
