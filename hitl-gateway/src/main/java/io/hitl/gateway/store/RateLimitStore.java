package io.hitl.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** Token buckets in PostgreSQL: one statement takes a token from each bucket of a call, on every node alike. */
public final class RateLimitStore {
  /** Tokens after refilling for the time since the last call (never backwards when node clocks differ a little). */
  private static final String REFILLED = "LEAST(EXCLUDED.capacity, b.tokens + "
    + "GREATEST(0, EXCLUDED.updated_ms - b.updated_ms) * EXCLUDED.per_ms)";
  private static final String TAKE = "INSERT INTO rate_limit_buckets AS b "
    + "(bucket_key, capacity, per_ms, tokens, updated_ms, last_allowed) "
    + "SELECT k, c, p, c - 1, $4, true FROM unnest($1::text[], $2::float8[], $3::float8[]) AS t(k, c, p) ORDER BY k "
    + "ON CONFLICT (bucket_key) DO UPDATE SET "
    + "tokens = CASE WHEN " + REFILLED + " >= 1 THEN " + REFILLED + " - 1 ELSE " + REFILLED + " END, "
    + "last_allowed = " + REFILLED + " >= 1, "
    + "capacity = EXCLUDED.capacity, per_ms = EXCLUDED.per_ms, "
    + "updated_ms = GREATEST(b.updated_ms, EXCLUDED.updated_ms) "
    + "RETURNING bucket_key, last_allowed, tokens";
  private static final String PURGE = "DELETE FROM rate_limit_buckets WHERE updated_ms < $1";

  /** One bucket to take a token from: {@code capacity} tokens at most, refilled at {@code perMinute}. */
  public record Bucket(String key, double capacity, double perMinute) {
  }

  /** The outcome for one bucket; {@code waitMs} is how long until it holds a whole token again (0 if allowed). */
  public record Take(String key, boolean allowed, long waitMs) {
  }

  /** Takes one token from each bucket, in one round trip; a bucket never seen before starts full. */
  public Future<List<Take>> take(SqlClient c, List<Bucket> buckets, long nowMs) {
    String[] keys = new String[buckets.size()];
    Double[] capacities = new Double[buckets.size()];
    Double[] perMs = new Double[buckets.size()];
    for (int i = 0; i < buckets.size(); i++) {
      Bucket b = buckets.get(i);
      keys[i] = b.key();
      capacities[i] = b.capacity();
      perMs[i] = b.perMinute() / 60_000d;
    }
    return c.preparedQuery(TAKE).execute(Tuple.of(keys, capacities, perMs, nowMs)).map(rs -> {
      List<Take> out = new ArrayList<>();
      for (Row r : rs) {
        String key = r.getString("bucket_key");
        boolean allowed = r.getBoolean("last_allowed");
        double perMinute = buckets.stream().filter(b -> b.key().equals(key)).findFirst().orElseThrow().perMinute();
        double missing = 1 - r.getDouble("tokens");
        // less than a microsecond of floating-point noise never adds a whole millisecond of waiting
        long wait = allowed ? 0 : Math.max(1, (long) Math.ceil(missing * 60_000d / perMinute - 1e-3));
        out.add(new Take(key, allowed, wait));
      }
      return out;
    });
  }

  /** Deletes buckets untouched since {@code beforeMs}: a missing bucket is a full one, so nothing changes. */
  public Future<Integer> purge(SqlClient c, long beforeMs) {
    return c.preparedQuery(PURGE).execute(Tuple.of(beforeMs)).map(rs -> rs.rowCount());
  }
}
