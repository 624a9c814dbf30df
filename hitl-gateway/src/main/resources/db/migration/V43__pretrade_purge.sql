-- Counted orders and kept seconds older than every window are purged (HITL_PRETRADE_KEEP_HOURS, at least an hour
-- past the longest window a policy may declare). The purge finds them by time, which no index had: a BRIN index
-- per table fits rows written in time order, and costs a create next to nothing (a summary per range of pages,
-- not an entry per row).
CREATE INDEX pretrade_orders_counted_brin ON pretrade_orders USING brin (counted_at);
CREATE INDEX pretrade_window_seconds_brin ON pretrade_window_seconds USING brin (second);

-- Each purge journals the time before which it removed rows; verify reads the newest one to know which rows may be
-- absent.
CREATE INDEX journal_pretrade_purges ON journal (seq) WHERE action = 'pretrade_purged';
