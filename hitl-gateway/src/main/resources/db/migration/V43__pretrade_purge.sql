-- Counted orders and kept seconds older than every window are purged (HITL_PRETRADE_KEEP_HOURS); each purge journals
-- the time before which it removed rows, and verify reads the latest one to know which rows may be absent.
CREATE INDEX journal_pretrade_purges ON journal (seq) WHERE action = 'pretrade_purged';
