-- Retention: journal segments older than HITL_RETENTION_DAYS move to NDJSON files under HITL_ARCHIVE_DIR.
-- Each archived segment leaves an anchor here: which entries the file holds, the hash chain at both
-- ends and the sha256 of the file, so verify proves the chain across the cut and detects an edited,
-- shortened, reordered or missing file.
CREATE TABLE journal_archive (
  first_seq       bigint PRIMARY KEY,
  last_seq        bigint NOT NULL UNIQUE,
  file_name       text NOT NULL UNIQUE,
  first_prev_hash text NOT NULL,
  last_hash       text NOT NULL,
  file_sha256     text NOT NULL,
  entries         bigint NOT NULL,
  cutoff          timestamptz NOT NULL,
  archived_at     timestamptz NOT NULL,
  CHECK (last_seq >= first_seq AND entries = last_seq - first_seq + 1)
);

CREATE FUNCTION journal_archive_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'journal_archive is append-only';
END;
$$;

CREATE TRIGGER journal_archive_no_update_delete BEFORE UPDATE OR DELETE ON journal_archive
  FOR EACH ROW EXECUTE FUNCTION journal_archive_append_only();

-- The journal stays append-only; the one delete allowed is of entries an anchor already covers (the
-- retention job inserts the anchor and deletes the archived entries in one transaction).
CREATE OR REPLACE FUNCTION journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM journal_archive a
                                  WHERE OLD.seq BETWEEN a.first_seq AND a.last_seq) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'journal is append-only';
END;
$$;
