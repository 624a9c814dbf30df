-- Rolling windows kept as per-second totals, so a window's total reads at most one row per second that had
-- orders instead of every order in it. An order adds itself to the second of its window key under that key's
-- advisory lock (the one every check of a cap on the key takes), so a kept total only ever changes under the
-- lock its readers take; `strategy_kept` / `account_kept` say whether this order's row was added to its key's
-- seconds. An order counted under a policy that locks only one of its keys (a cap per account, none per
-- strategy) is not added to the other key's seconds and is summed from its own row instead.
CREATE TABLE pretrade_window_seconds (
  window_key text NOT NULL,
  second     bigint NOT NULL,
  orders     bigint NOT NULL CHECK (orders >= 0),
  notional   numeric NOT NULL,
  PRIMARY KEY (window_key, second)
);

-- Rows counted before this migration stay summed from their own rows (not kept), so no backfill is needed.
ALTER TABLE pretrade_orders ADD COLUMN strategy_kept boolean NOT NULL DEFAULT false;
ALTER TABLE pretrade_orders ADD COLUMN account_kept boolean NOT NULL DEFAULT false;

CREATE INDEX pretrade_orders_strategy_unkept ON pretrade_orders (strategy_key, counted_at) WHERE NOT strategy_kept;
CREATE INDEX pretrade_orders_account_unkept ON pretrade_orders (account_key, counted_at) WHERE NOT account_kept;
