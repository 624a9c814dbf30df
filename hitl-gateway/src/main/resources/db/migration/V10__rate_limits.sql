-- Token buckets of the HTTP rate limits, shared by every node using this database.
-- UNLOGGED: losing the buckets in a crash only refills them, and the table is written on every limited call.
CREATE UNLOGGED TABLE rate_limit_buckets (
  bucket_key   text PRIMARY KEY,
  capacity     double precision NOT NULL,
  per_ms       double precision NOT NULL,
  tokens       double precision NOT NULL,
  updated_ms   bigint NOT NULL,
  last_allowed boolean NOT NULL
);

CREATE INDEX rate_limit_buckets_updated ON rate_limit_buckets (updated_ms);
