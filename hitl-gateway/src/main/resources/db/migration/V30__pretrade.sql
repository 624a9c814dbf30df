-- The pre-trade gate: scoped kill switches and the orders counted by rolling windows and duplicate checks.

-- A switch scoped to one venue, strategy, account, desk or symbol; lifting it keeps the row (who, why, when).
CREATE TABLE scoped_switches (
  id          uuid PRIMARY KEY,
  scope_kind  text NOT NULL CHECK (scope_kind IN ('venue', 'strategy', 'account', 'desk', 'symbol')),
  scope_value text NOT NULL,
  reason      text NOT NULL,
  set_by      text NOT NULL,
  set_at      timestamptz NOT NULL,
  rejected    bigint NOT NULL DEFAULT 0,
  lifted_at   timestamptz,
  lifted_by   text,
  lift_reason text
);

-- At most one engaged switch per scope, whichever node engages it first.
CREATE UNIQUE INDEX scoped_switches_engaged ON scoped_switches (scope_kind, scope_value) WHERE lifted_at IS NULL;

-- One row per trade order admitted through the gate, written in its request's create transaction; windows
-- are summed from here inside the create transaction.
CREATE TABLE pretrade_orders (
  approval_id  uuid PRIMARY KEY,
  counted_at   timestamptz NOT NULL,
  strategy_key text NOT NULL,
  account_key  text NOT NULL,
  duplicate_key text NOT NULL,
  notional     numeric(18, 8)
);

CREATE INDEX pretrade_orders_by_strategy ON pretrade_orders (strategy_key, counted_at);
CREATE INDEX pretrade_orders_by_account ON pretrade_orders (account_key, counted_at);
CREATE INDEX pretrade_orders_by_duplicate ON pretrade_orders (duplicate_key, counted_at);
