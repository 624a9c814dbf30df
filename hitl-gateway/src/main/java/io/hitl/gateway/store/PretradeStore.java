package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.instant;
import static io.hitl.gateway.store.Json.odt;

import io.hitl.gateway.core.Decimals;
import io.hitl.gateway.core.guard.Quote;
import io.hitl.gateway.core.pretrade.CountedOrder;
import io.hitl.gateway.core.pretrade.LimitOverride;
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
 * first takes a transaction-scoped advisory lock per window key (in key order, so two never deadlock, all
 * in one statement), so two nodes counting the same strategy or account queue on it and each sees the
 * other's order; then it reads every window total, the latest duplicate, the raises in force and the
 * quote in statements sent together (pipelined) once the locks are held, so each sees every order counted
 * before. A window's total reads the kept per-second totals of its key ({@code pretrade_window_seconds}) for
 * its whole seconds and the orders' own rows only for the part of a second at its start and for orders not
 * kept under the key, so it costs at most one row per second that had orders rather than one per order.
 */
public final class PretradeStore {
  /** The two-key form of the advisory lock: this class id, then the key's hash. */
  private static final int LOCK_CLASS = 0x50524554;
  /** One lock per key, taken in the array's order (the subquery's ORDER BY keeps it from being reordered). */
  private static final String LOCK = "SELECT pg_advisory_xact_lock(" + LOCK_CLASS + ", hashtext(k.key)) "
    + "FROM (SELECT key FROM unnest($1::text[]) WITH ORDINALITY AS u(key, i) ORDER BY i) k";
  private static final String TOTALS_BY_STRATEGY = totals("strategy");
  private static final String TOTALS_BY_ACCOUNT = totals("account");
  private static final String LATEST_SAME = "SELECT counted_at FROM pretrade_orders WHERE duplicate_key = $1 "
    + "AND counted_at > $2 ORDER BY counted_at DESC LIMIT 1";
  private static final String RAISES = "SELECT payload FROM journal WHERE action = 'limit_raised' "
    + "AND target = ANY($1) AND created_at > $2";
  private static final String QUOTE = "SELECT ticker, bid, ask, quoted_at, received_at, source FROM quotes "
    + "WHERE ticker = $1";
  /** Takes the order's row out and its kept seconds down by what it added. */
  private static final String DELETE = "WITH o AS (DELETE FROM pretrade_orders WHERE approval_id = $1 RETURNING *) "
    + "UPDATE pretrade_window_seconds w SET orders = w.orders - 1, notional = w.notional - coalesce(o.notional, 0) "
    + "FROM o WHERE w.second = " + second("o.counted_at") + " AND ((o.strategy_kept AND w.window_key = o.strategy_key) "
    + "OR (o.account_kept AND w.window_key = o.account_key))";
  /** The order's row, and its second of each key named in $7 (the keys whose advisory lock the caller holds). */
  private static final String INSERT = "WITH o AS (INSERT INTO pretrade_orders (approval_id, counted_at, strategy_key, "
    + "account_key, duplicate_key, notional, strategy_kept, account_kept) VALUES ($1, $2, $3, $4, $5, $6, "
    + "$3 = ANY($7::text[]), $4 = ANY($7::text[]))) "
    + "INSERT INTO pretrade_window_seconds AS w (window_key, second, orders, notional) "
    + "SELECT k, " + second("$2::timestamptz") + ", 1, coalesce($6::numeric, 0) FROM unnest($7::text[]) AS k "
    + "WHERE k IN ($3, $4) ORDER BY k "
    + "ON CONFLICT (window_key, second) DO UPDATE SET orders = w.orders + 1, notional = w.notional + excluded.notional";
  private static final String COUNTED_OF = "SELECT approval_id, counted_at, strategy_key, account_key, duplicate_key, "
    + "notional, strategy_kept, account_kept FROM pretrade_orders WHERE approval_id = ANY($1)";
  private static final String COUNTS_OF = "SELECT approval_id, seq, action, payload->>'counted_at' AS counted_at "
    + "FROM journal WHERE approval_id = ANY($1) AND action = ANY($2) AND payload->>'counted_at' IS NOT NULL ORDER BY seq";
  private static final String ORPHANS = "SELECT p.approval_id FROM pretrade_orders p WHERE NOT EXISTS "
    + "(SELECT 1 FROM approvals a WHERE a.id = p.approval_id) ORDER BY p.approval_id LIMIT $1";
  /** Every kept second that differs from the rows kept in it (at most 1,000), and the figures the rows give. */
  private static final String KEPT_DIFFERENCES = "SELECT coalesce(w.window_key, r.window_key) AS window_key, "
    + "coalesce(w.second, r.second) AS second, w.orders, w.notional, coalesce(r.orders, 0) AS counted, "
    + "coalesce(r.notional, 0) AS counted_notional FROM pretrade_window_seconds w FULL JOIN ("
    + "SELECT window_key, second, count(*) AS orders, coalesce(sum(notional), 0) AS notional FROM ("
    + "SELECT strategy_key AS window_key, " + second("counted_at") + " AS second, notional FROM pretrade_orders "
    + "WHERE strategy_kept UNION ALL SELECT account_key, " + second("counted_at") + ", notional FROM pretrade_orders "
    + "WHERE account_kept) k GROUP BY 1, 2) r ON r.window_key = w.window_key AND r.second = w.second "
    + "WHERE w.orders IS DISTINCT FROM coalesce(r.orders, 0) OR w.notional IS DISTINCT FROM coalesce(r.notional, 0) "
    + "ORDER BY 1, 2 LIMIT 1000";

  /**
   * A window's total: the orders in the part of a second after its start (their own rows), then the kept
   * seconds from the next whole second on, plus the orders from then on that were not kept (counted under a
   * policy that did not lock this key). $2 is the window's start, $3 the next whole second after it (as a
   * time and, $4, as epoch seconds).
   */
  private static String totals(String kind) {
    String key = kind + "_key";
    return "SELECT coalesce(sum(n), 0)::bigint AS n, coalesce(sum(total), 0) AS total FROM ("
      + "SELECT count(*) AS n, sum(notional) AS total FROM pretrade_orders WHERE " + key + " = $1 AND counted_at > $2 "
      + "AND counted_at < $3 UNION ALL SELECT count(*), sum(notional) FROM pretrade_orders WHERE " + key + " = $1 "
      + "AND NOT " + kind + "_kept AND counted_at >= $3 UNION ALL SELECT sum(orders), sum(notional) "
      + "FROM pretrade_window_seconds WHERE window_key = $1 AND second >= $4) t";
  }

  /** The whole second a time falls in, in epoch seconds; the same expression everywhere a row meets its second. */
  private static String second(String time) {
    return "floor(extract(epoch FROM " + time + "))::bigint";
  }

  /** A kept second whose figures differ from those of the rows kept in it. */
  public record KeptDifference(String windowKey, long second, Long orders, BigDecimal notional, long counted,
      BigDecimal countedNotional) {
  }

  /** The windows to sum: one key each, counted after its {@code since}. */
  public record Window(String key, Instant since) {
  }

  /**
   * What one check reads: which windows of each kind, the duplicate key and since when (null key: no
   * duplicate check), the raise targets and since when, and the quote's ticker (null: no quote needed).
   */
  public record Query(List<Window> strategies, List<Window> accounts, String duplicateKey, Instant duplicateSince,
      List<String> raiseTargets, Instant raiseSince, String ticker) {
  }

  /**
   * What the check read: the totals in the order of the query's windows, the latest duplicate's time (null
   * when none in the window), the payloads of the raises journaled for the targets and the latest quote (or null).
   */
  public record Facts(List<WindowTotals> strategies, List<WindowTotals> accounts, Instant latestSame,
      List<Map<String, Object>> raises, Quote quote) {
  }

  /** Locks every key given, in order, in one statement; call with the keys sorted. */
  public Future<Void> lock(SqlClient c, List<String> sortedKeys) {
    if (sortedKeys.isEmpty()) {
      return Future.succeededFuture();
    }
    return c.preparedQuery(LOCK).execute(Tuple.of(sortedKeys.toArray(new String[0]))).mapEmpty();
  }

  /**
   * Reads every fact of {@code q}: one small statement per fact, all sent at once on the connection
   * (pipelined), so they cost one round trip; each starts after the locks taken before are held. Orders
   * stamped later than the reader's clock (a node whose clock runs ahead) count too, so skew can only make a
   * window stricter.
   */
  public Future<Facts> facts(SqlClient c, Query q) {
    List<Future<WindowTotals>> strategies = q.strategies().stream()
      .map(w -> c.preparedQuery(TOTALS_BY_STRATEGY).execute(window(w)).map(rs -> totals(rs.iterator().next())))
      .toList();
    List<Future<WindowTotals>> accounts = q.accounts().stream()
      .map(w -> c.preparedQuery(TOTALS_BY_ACCOUNT).execute(window(w)).map(rs -> totals(rs.iterator().next())))
      .toList();
    Future<Instant> latest = q.duplicateKey() == null ? Future.succeededFuture()
      : c.preparedQuery(LATEST_SAME).execute(Tuple.of(q.duplicateKey(), odt(q.duplicateSince())))
        .map(rs -> rs.iterator().hasNext() ? instant(rs.iterator().next().getOffsetDateTime("counted_at")) : null);
    Future<List<Map<String, Object>>> raises = q.raiseTargets().isEmpty() ? Future.succeededFuture(List.of())
      : c.preparedQuery(RAISES).execute(Tuple.of(q.raiseTargets().toArray(new String[0]), odt(q.raiseSince())))
        .map(rs -> {
          List<Map<String, Object>> out = new ArrayList<>();
          rs.forEach(r -> out.add(Json.plainMap(r.getJsonObject("payload"))));
          return out;
        });
    Future<Quote> quote = q.ticker() == null ? Future.succeededFuture()
      : c.preparedQuery(QUOTE).execute(Tuple.of(q.ticker())).map(rs -> rs.iterator().hasNext()
        ? quote(rs.iterator().next()) : null);
    List<Future<?>> all = new ArrayList<>(strategies);
    all.addAll(accounts);
    all.addAll(List.of(latest, raises, quote));
    return Future.all(all).map(v -> new Facts(strategies.stream().map(Future::result).toList(),
      accounts.stream().map(Future::result).toList(), latest.result(), raises.result(), quote.result()));
  }

  private static Tuple window(Window w) {
    long edge = w.since().getEpochSecond() + 1;
    return Tuple.of(w.key(), odt(w.since()), odt(Instant.ofEpochSecond(edge)), edge);
  }

  private static Quote quote(Row r) {
    return new Quote(r.getString("ticker"), r.getBigDecimal("bid"), r.getBigDecimal("ask"),
      instant(r.getOffsetDateTime("quoted_at")), instant(r.getOffsetDateTime("received_at")), r.getString("source"));
  }

  private static WindowTotals totals(Row r) {
    return new WindowTotals(r.getLong("n"), Decimals.scaled(r.getBigDecimal("total")));
  }

  public Future<Void> delete(SqlClient c, UUID approvalId) {
    return c.preparedQuery(DELETE).execute(Tuple.of(approvalId)).mapEmpty();
  }

  /**
   * Counts an order: its row, and its second of each of {@code keptKeys} (its strategy and/or account window
   * key, those whose advisory lock the caller holds), in one statement.
   */
  public Future<Void> insert(SqlClient c, UUID approvalId, Instant at, String strategyKey, String accountKey,
      String duplicateKey, BigDecimal notional, List<String> keptKeys) {
    return c.preparedQuery(INSERT).execute(Tuple.from(new Object[] {
      approvalId, odt(at), strategyKey, accountKey, duplicateKey, notional, keptKeys.toArray(new String[0])
    })).mapEmpty();
  }

  /** A counted order's row as stored (for verify). */
  public record Counted(UUID approvalId, Instant countedAt, String strategyKey, String accountKey, String duplicateKey,
      BigDecimal notional, boolean strategyKept, boolean accountKept) {
  }

  /** The counted rows of these requests, by request id (for verify). */
  public Future<Map<UUID, Counted>> countedOf(SqlClient c, List<UUID> approvalIds) {
    return c.preparedQuery(COUNTED_OF).execute(Tuple.of(approvalIds.toArray(new UUID[0]))).map(rs -> {
      Map<UUID, Counted> out = new java.util.LinkedHashMap<>();
      rs.forEach(r -> out.put(r.getUUID("approval_id"), new Counted(r.getUUID("approval_id"),
        instant(r.getOffsetDateTime("counted_at")), r.getString("strategy_key"), r.getString("account_key"),
        r.getString("duplicate_key"), r.getBigDecimal("notional"), r.getBoolean("strategy_kept"),
        r.getBoolean("account_kept"))));
      return out;
    });
  }

  /**
   * The counts journaled after these requests were created (limit-override grants and recounts of edited
   * orders), by request id in seq order (for verify).
   */
  public Future<Map<UUID, List<CountedOrder.Count>>> countsOf(SqlClient c, List<UUID> approvalIds) {
    return c.preparedQuery(COUNTS_OF).execute(Tuple.from(new Object[] {approvalIds.toArray(new UUID[0]),
      new String[] {LimitOverride.GRANTED_ACTION, CountedOrder.RECOUNTED_ACTION}})).map(rs -> {
        Map<UUID, List<CountedOrder.Count>> out = new java.util.HashMap<>();
        rs.forEach(r -> out.computeIfAbsent(r.getUUID("approval_id"), k -> new ArrayList<>()).add(
          new CountedOrder.Count(r.getLong("seq"), r.getString("action"), Instant.parse(r.getString("counted_at")))));
        return out;
      });
  }

  /** Counted rows whose request has no row at all (for verify), at most {@code limit}, by request id. */
  public Future<List<UUID>> orphans(SqlClient c, int limit) {
    return c.preparedQuery(ORPHANS).execute(Tuple.of(limit)).map(rs -> {
      List<UUID> out = new ArrayList<>();
      rs.forEach(r -> out.add(r.getUUID(0)));
      return out;
    });
  }

  /** The kept seconds that differ from the rows kept in them (for verify), at most 1,000, by key and second. */
  public Future<List<KeptDifference>> keptDifferences(SqlClient c) {
    return c.query(KEPT_DIFFERENCES).execute().map(rs -> {
      List<KeptDifference> out = new ArrayList<>();
      rs.forEach(r -> out.add(new KeptDifference(r.getString("window_key"), r.getLong("second"), r.getLong("orders"),
        r.getBigDecimal("notional"), r.getLong("counted"), r.getBigDecimal("counted_notional"))));
      return out;
    });
  }
}
