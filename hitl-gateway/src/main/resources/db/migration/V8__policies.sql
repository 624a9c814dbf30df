-- Approval policies: every PUT is a new version row (never edited), hashed over its canonical JSON.
CREATE TABLE policies (
  version    integer PRIMARY KEY CHECK (version >= 1),
  document   jsonb NOT NULL,
  hash       text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE FUNCTION policies_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'policy versions are never changed or deleted';
END;
$$;

CREATE TRIGGER policies_no_update_delete BEFORE UPDATE OR DELETE ON policies
  FOR EACH ROW EXECUTE FUNCTION policies_append_only();

-- Persona acknowledgements: one box per (request, persona), ticked once.
CREATE TABLE approval_acknowledgements (
  approval_id     uuid NOT NULL REFERENCES approvals (id),
  persona         text NOT NULL,
  acknowledged_by text NOT NULL,
  comment         text,
  created_at      timestamptz NOT NULL,
  PRIMARY KEY (approval_id, persona)
);

-- Re-request lineage: the requests asked again after the first one, newest first.
CREATE INDEX approvals_by_lineage ON approvals (lineage_id, created_at DESC, id DESC) WHERE lineage_id IS NOT NULL;
