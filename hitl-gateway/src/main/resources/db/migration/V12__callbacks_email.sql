-- Engine callbacks: the URL a request named at create, where its decision and trade states are POSTed.
-- Written once in the create transaction and never changed; the created journal entry holds its SHA-256,
-- so an edit of this table is caught by comparing it with the hash-chained journal.
CREATE TABLE approval_callbacks (
  approval_id uuid PRIMARY KEY REFERENCES approvals (id),
  url         text NOT NULL,
  created_at  timestamptz NOT NULL
);

CREATE FUNCTION approval_callbacks_write_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'approval callbacks are written once';
END;
$$;

CREATE TRIGGER approval_callbacks_no_update_delete BEFORE UPDATE OR DELETE ON approval_callbacks
  FOR EACH ROW EXECUTE FUNCTION approval_callbacks_write_once();

-- Email fallback: when a request's chat message fails for good, the recipients get one email about it,
-- however many of its chat jobs fail.
CREATE UNIQUE INDEX outbox_email_fallback_once ON outbox (approval_id)
  WHERE channel = 'email' AND kind = 'chat.failed';
