-- The head of the hash chain: one row, updated in the same statement that appends an entry. Its row
-- lock serializes appends (seq order = commit order, no gaps) and it remembers the newest link, so
-- a journal whose newest entries were removed no longer matches it.
CREATE TABLE journal_head (
  id        smallint PRIMARY KEY CHECK (id = 1),
  seq       bigint NOT NULL,
  prev_hash text NOT NULL,
  hash      text NOT NULL
);

INSERT INTO journal_head (id, seq, prev_hash, hash)
SELECT 1,
       coalesce((SELECT seq FROM journal ORDER BY seq DESC LIMIT 1), 0),
       coalesce((SELECT prev_hash FROM journal ORDER BY seq DESC LIMIT 1), repeat('0', 64)),
       coalesce((SELECT hash FROM journal ORDER BY seq DESC LIMIT 1), repeat('0', 64));

CREATE FUNCTION journal_head_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the journal head is never deleted';
END;
$$;

CREATE TRIGGER journal_head_no_delete BEFORE DELETE ON journal_head
  FOR EACH ROW EXECUTE FUNCTION journal_head_no_delete();
