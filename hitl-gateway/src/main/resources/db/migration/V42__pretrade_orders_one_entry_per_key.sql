-- A counted order was filed twice under the key it is not kept under: in the index of every order by that key
-- and in the index of the orders not kept under it. A window's total needs, per key, the kept orders in the part
-- of a second at its start and every order not kept under the key since its start, so one index of the kept
-- orders and one of the others answer it, and each order now has one entry per key (four in all, not five).
DROP INDEX pretrade_orders_by_strategy;
DROP INDEX pretrade_orders_by_account;
CREATE INDEX pretrade_orders_strategy_kept ON pretrade_orders (strategy_key, counted_at) WHERE strategy_kept;
CREATE INDEX pretrade_orders_account_kept ON pretrade_orders (account_key, counted_at) WHERE account_kept;
