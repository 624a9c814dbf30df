-- Trading guards: the Guardian kill switch, symbol lockouts, approval settings, quotes, trades and
-- post-trade snapshots (SPEC §3-§5, I6).

-- One row that every node reads: creates and decisions take it FOR SHARE, a lock takes it FOR UPDATE.
CREATE TABLE guardian_state (
  id                  smallint PRIMARY KEY CHECK (id = 1),
  state               text NOT NULL CHECK (state IN ('LOCKED', 'UNLOCKED')),
  reason              text,
  source              text NOT NULL CHECK (source IN ('initial', 'manual', 'http', 'bus', 'fail_closed')),
  changed_by          text NOT NULL,
  changed_at          timestamptz NOT NULL,
  blocked_by_guardian bigint NOT NULL DEFAULT 0,
  locks               bigint NOT NULL DEFAULT 0
);

INSERT INTO guardian_state (id, state, reason, source, changed_by, changed_at)
VALUES (1, 'UNLOCKED', NULL, 'initial', 'system', '1970-01-01T00:00:00Z');

CREATE TABLE symbol_lockouts (
  id             uuid PRIMARY KEY,
  ticker         text NOT NULL,
  reason         text NOT NULL,
  source         text NOT NULL CHECK (source IN ('manual', 'news_shock', 'cooldown')),
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL,
  until          timestamptz NOT NULL,
  removed_at     timestamptz,
  removed_by     text,
  removed_reason text
);

CREATE INDEX symbol_lockouts_active ON symbol_lockouts (ticker, until) WHERE removed_at IS NULL;

-- hitl_enabled NULL means "follow HITL_ENABLED": the environment is the default until an admin sets it.
CREATE TABLE approval_settings (
  id                        smallint PRIMARY KEY CHECK (id = 1),
  trading_mode              text NOT NULL CHECK (trading_mode IN ('paper', 'live', 'disabled')),
  auto_approve_paper        boolean NOT NULL,
  require_approval_for_live boolean NOT NULL,
  hitl_enabled              boolean,
  updated_by                text,
  updated_at                timestamptz
);

INSERT INTO approval_settings (id, trading_mode, auto_approve_paper, require_approval_for_live, hitl_enabled)
VALUES (1, 'live', false, true, NULL);

-- The latest quote per ticker, whichever node received it.
CREATE TABLE quotes (
  ticker      text PRIMARY KEY,
  bid         numeric(18, 8) NOT NULL,
  ask         numeric(18, 8) NOT NULL,
  quoted_at   timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  source      text NOT NULL CHECK (source IN ('bus', 'api', 'http'))
);

CREATE TABLE trades (
  trade_id    text PRIMARY KEY,
  approval_id uuid NOT NULL UNIQUE REFERENCES approvals (id),
  ticker      text,
  side        text,
  quantity    numeric(18, 8),
  price       numeric(18, 8),
  state       text NOT NULL CHECK (state IN ('PENDING', 'AWAITING_APPROVAL', 'ACCEPTED', 'REJECTED', 'FILLED',
    'CLOSED', 'SETTLED')),
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
);

CREATE TABLE post_trade_snapshots (
  id                  bigserial PRIMARY KEY,
  approval_id         uuid NOT NULL UNIQUE REFERENCES approvals (id),
  trade_id            text,
  ticker              text,
  side                text,
  requested_price     numeric(18, 8),
  bid                 numeric(18, 8),
  ask                 numeric(18, 8),
  spread              numeric(18, 8),
  mid                 numeric(18, 8),
  reference_price     numeric(18, 8),
  latency_ms          bigint,
  price_deviation_pct numeric(18, 8),
  quote_source        text,
  quoted_at           timestamptz,
  correlation_id      text,
  created_at          timestamptz NOT NULL
);

CREATE INDEX post_trade_snapshots_by_correlation ON post_trade_snapshots (correlation_id);
