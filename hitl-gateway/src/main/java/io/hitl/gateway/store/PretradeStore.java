package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.instant;
import static io.hitl.gateway.store.Json.odt;

import io.hitl.gateway.core.Decimals;
import io.hitl.gateway.core.pretrade.WindowTotals;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The orders the pre-trade gate counted, summed per rolling window in the create transaction. A create
 * first takes a transaction-scoped advisory lock per window key (in key order, so two never deadlock),
 * so two nodes counting the same strategy or account queue on it and each sees the other's order.
 */
public final class PretradeStore {
  /** The two-key form of the advisory lock: this class id, then the key's hash. */
  private static final int LOCK_CLASS = 0x50524554;
  private static final String LOCK = "SELECT pg_advisory_xact_lock(" + LOCK_CLASS + ", hashtext($1))";
  private static final String TOTALS_BY_STRATEGY = "SELECT count(*) AS n, coalesce(sum(notional), 0) AS total "
    + "FROM pretrade_orders WHERE strategy_key = $1 AND counted_at > $2";
  private static final String TOTALS_BY_ACCOUNT = "SELECT count(*) AS n, coalesce(sum(notional), 0) AS total "
    + "FROM pretrade_orders WHERE account_key = $1 AND counted_at > $2";
  private static final String LATEST_SAME = "SELECT counted_at FROM pretrade_orders WHERE duplicate_key = $1 "
    + "AND counted_at > $2 ORDER BY counted_at DESC LIMIT 1";
  private static final String RAISES = "SELECT payload FROM journal WHERE action = 'limit_raised' "
    + "AND target = ANY($1) AND created_at > $2";
  private static final String DELETE = "DELETE FROM pretrade_orders WHERE approval_id = $1";
  private static final String INSERT = "INSERT INTO pretrade_orders (approval_id, counted_at, strategy_key, "
    + "account_key, duplicate_key, notional) VALUES ($1, $2, $3, $4, $5, $6)";

  /** Locks every key given, in order; call with the keys sorted. */
  public Future<Void> lock(SqlClient c, List<String> sortedKeys) {
    Future<Void> f = Future.succeededFuture();
    for (String k : sortedKeys) {
      f = f.compose(v -> c.preparedQuery(LOCK).execute(Tuple.of(k)).mapEmpty());
    }
    return f;
  }

  /**
   * What {@code key} counted after {@code since}; {@code byStrategy} picks the column. Orders stamped later than the
   * reader's clock (a node whose clock runs ahead) count too, so skew can only make a window stricter.
   */
  public Future<WindowTotals> totals(SqlClient c, boolean byStrategy, String key, Instant since) {
    return c.preparedQuery(byStrategy ? TOTALS_BY_STRATEGY : TOTALS_BY_ACCOUNT)
      .execute(Tuple.of(key, odt(since))).map(rs -> {
        Row r = rs.iterator().next();
        return new WindowTotals(r.getLong("n"), Decimals.scaled(r.getBigDecimal("total")));
      });
  }

  /** The latest time an order with this duplicate key was counted in the window, as a list of at most one. */
  public Future<List<Instant>> latestSame(SqlClient c, String duplicateKey, Instant since) {
    return c.preparedQuery(LATEST_SAME).execute(Tuple.of(duplicateKey, odt(since))).map(rs -> {
      List<Instant> out = new ArrayList<>();
      rs.forEach(r -> out.add(instant(r.getOffsetDateTime("counted_at"))));
      return out;
    });
  }

  /** The payloads of the limit raises journaled for these targets since {@code since}. */
  public Future<List<Map<String, Object>>> raises(SqlClient c, List<String> targets, Instant since) {
    return c.preparedQuery(RAISES).execute(Tuple.of(targets.toArray(new String[0]), odt(since))).map(rs -> {
      List<Map<String, Object>> out = new ArrayList<>();
      rs.forEach(r -> out.add(Json.plainMap(r.getJsonObject("payload"))));
      return out;
    });
  }

  public Future<Void> delete(SqlClient c, UUID approvalId) {
    return c.preparedQuery(DELETE).execute(Tuple.of(approvalId)).mapEmpty();
  }

  public Future<Void> insert(SqlClient c, UUID approvalId, Instant at, String strategyKey, String accountKey,
      String duplicateKey, BigDecimal notional) {
    return c.preparedQuery(INSERT).execute(Tuple.from(new Object[] {
      approvalId, odt(at), strategyKey, accountKey, duplicateKey, notional
    })).mapEmpty();
  }
}
