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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The orders the pre-trade gate counted, summed per rolling window in the create transaction. A create
 * first takes a transaction-scoped advisory lock per window key (in key order, so two never deadlock, all
 * in one statement), so two nodes counting the same strategy or account queue on it and each sees the
 * other's order; then it reads every window total, the latest duplicate, the raises in force and the
 * quote in one statement sent right behind it (pipelined), which starts once the locks are held, so it sees
 * every order counted before. A window's total reads the kept per-second totals of its key
 * ({@code pretrade_window_seconds}) for its whole seconds and the orders' own rows only for the part of a second
 * at its start and for orders not kept under the key, so it costs at most one row per second that had orders
 * rather than one per order.
 */
public final class PretradeStore {
  /** Journal action of a purge of the counted orders and kept seconds older than every window. */
  public static final String PURGED_ACTION = "pretrade_purged";
  /** Payload key of a purge entry: rows counted before this time may be gone. */
  public static final String PURGED_BEFORE_KEY = "before";
  /** The two-key form of the advisory lock: this class id, then the key's hash. */
  private static final int LOCK_CLASS = 0x50524554;
  /** The statement of each read's shape, built once. */
  private static final ConcurrentMap<Shape, String> FACTS = new ConcurrentHashMap<>();
  /** Takes the order's row out and its kept seconds down by what it added. */
  private static final String DELETE = "WITH o AS (DELETE FROM pretrade_orders WHERE approval_id = $1 RETURNING *) "
    + "UPDATE pretrade_window_seconds w SET orders = w.orders - 1, notional = w.notional - coalesce(o.notional, 0) "
    + "FROM o WHERE w.second = " + second("o.counted_at") + " AND ((o.strategy_kept AND w.window_key = o.strategy_key) "
    + "OR (o.account_kept AND w.window_key = o.account_key))";
  /** The order's row, and its second of each key named in $7 (the keys whose advisory lock the caller holds). */
  private static final String INSERT = "WITH " + counting(1) + " SELECT 1";
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
    + "WHERE (w.orders IS DISTINCT FROM coalesce(r.orders, 0) OR w.notional IS DISTINCT FROM coalesce(r.notional, 0)) "
    + "AND coalesce(w.second, r.second) >= $1 ORDER BY 1, 2 LIMIT 1000";
  /**
   * At most $2 counted orders counted before $1, removed. Found by reading the table in order (no index is on the time
   * alone): an index for the purge would cost every counted order an entry, for a job that runs every ten minutes.
   */
  private static final String PURGE_ORDERS = "DELETE FROM pretrade_orders WHERE ctid = ANY(ARRAY(SELECT ctid "
    + "FROM pretrade_orders WHERE counted_at < $1 LIMIT $2))";
  /** At most $2 kept seconds before the epoch second $1 removed. */
  private static final String PURGE_SECONDS = "DELETE FROM pretrade_window_seconds WHERE ctid = ANY(ARRAY(SELECT ctid "
    + "FROM pretrade_window_seconds WHERE second < $1 LIMIT $2))";
  /**
   * The latest time any journaled purge removed rows before (its entries have their own partial index); the latest,
   * not the newest purge's, as a purge after HITL_PRETRADE_KEEP_HOURS was raised removes rows before an earlier time.
   */
  private static final String PURGED_BEFORE = "SELECT max((payload->>'" + PURGED_BEFORE_KEY + "')::timestamptz) "
    + "FROM journal WHERE action = '" + PURGED_ACTION + "'";

  /**
   * A window's total: the orders kept under its key in the part of a second after its start (their own rows),
   * then the kept seconds from the next whole second on, plus every order since its start that was not kept
   * (counted under a policy that did not lock this key); each part reads its own partial index. Its
   * parameters from {@code p} on: the key, the window's start, the next whole second after it as a time and as
   * epoch seconds. Every time range is bounded on both sides (the open ends by bounds no row reaches): PostgreSQL
   * estimates a range between a parameter and anything as narrow when it plans without the parameters' values, so
   * the plan it keeps for the prepared statement (a generic plan) never looks dearer than one planned for the
   * values (a custom plan), and it stops planning the statement again on every execution. With one-sided ranges
   * it chose custom plans on some connections and not on others, and a create under limits then cost about
   * 270 µs of planning more.
   */
  private static String totals(String kind, int p) {
    String key = kind + "_key";
    String k = "$" + p;
    String since = "$" + (p + 1);
    return "SELECT coalesce(sum(n), 0)::bigint AS n, coalesce(sum(total), 0) AS total FROM ("
      + "SELECT count(*) AS n, sum(notional) AS total FROM pretrade_orders WHERE " + key + " = " + k + " AND "
      + kind + "_kept AND counted_at > " + since + " AND counted_at < $" + (p + 2) + " UNION ALL "
      + "SELECT count(*), sum(notional) FROM pretrade_orders WHERE " + key + " = " + k + " AND NOT " + kind
      + "_kept AND counted_at > " + since + " AND counted_at <= 'infinity' UNION ALL SELECT sum(orders), "
      + "sum(notional) FROM pretrade_window_seconds WHERE window_key = " + k + " AND second >= $" + (p + 3)
      + " AND second <= " + Long.MAX_VALUE + ") t";
  }

  /**
   * Two WITH queries counting an order: its row, and its second of each key named in the seventh parameter (the
   * keys whose advisory lock the caller holds), in key order. Parameters from {@code p} on: the request's id, the
   * time counted, the strategy, account and duplicate keys, the notional, the kept keys.
   */
  private static String counting(int p) {
    String at = "$" + (p + 1);
    String strategy = "$" + (p + 2);
    String account = "$" + (p + 3);
    String notional = "$" + (p + 5);
    String kept = "$" + (p + 6) + "::text[]";
    return "counted_order AS (INSERT INTO pretrade_orders (approval_id, counted_at, strategy_key, account_key, "
      + "duplicate_key, notional, strategy_kept, account_kept) VALUES ($" + p + ", " + at + ", " + strategy + ", "
      + account + ", $" + (p + 4) + ", " + notional + ", " + strategy + " = ANY(" + kept + "), " + account
      + " = ANY(" + kept + "))), counted_seconds AS (INSERT INTO pretrade_window_seconds AS w (window_key, second, "
      + "orders, notional) SELECT k, " + second(at + "::timestamptz") + ", 1, coalesce(" + notional + "::numeric, 0) "
      + "FROM unnest(" + kept + ") AS k WHERE k IN (" + strategy + ", " + account + ") ORDER BY k "
      + "ON CONFLICT (window_key, second) DO UPDATE SET orders = w.orders + 1, notional = w.notional + excluded.notional)";
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
   * An order to count in the same statement as the check's reads (they do not see it): its row, and its second of
   * each of {@code keptKeys} (the window keys whose advisory lock the caller holds).
   */
  public record Count(UUID approvalId, Instant at, String strategyKey, String accountKey, String duplicateKey,
      BigDecimal notional, List<String> keptKeys) {
  }

  /**
   * What the check read: the totals in the order of the query's windows, the latest duplicate's time (null
   * when none in the window), the payloads of the raises journaled for the targets and the latest quote (or null).
   */
  public record Facts(List<WindowTotals> strategies, List<WindowTotals> accounts, Instant latestSame,
      List<Map<String, Object>> raises, Quote quote) {
  }

  /**
   * The window-key locks as expressions for another statement's select list, after what it locks first (a select
   * list is evaluated in order): one {@code pg_advisory_xact_lock} per key, the keys its parameters from {@code p}
   * on, in the order given (sorted, so two creates never deadlock).
   */
  public static String windowLocks(int p, int keys) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < keys; i++) {
      out.append(", pg_advisory_xact_lock(").append(LOCK_CLASS).append(", hashtext($").append(p + i).append("))");
    }
    return out.toString();
  }

  /** Locks every key given, in order, in one statement ({@link #windowLocks}); call with the keys sorted. */
  public Future<Void> lock(SqlClient c, List<String> sortedKeys) {
    if (sortedKeys.isEmpty()) {
      return Future.succeededFuture();
    }
    return c.preparedQuery("SELECT true" + windowLocks(1, sortedKeys.size())).execute(Tuple.from(sortedKeys))
      .mapEmpty();
  }

  /**
   * Reads every fact of {@code q} in one statement (a statement's fixed cost in the server is most of what a
   * small read costs, so one statement for all of them rather than one each); it starts after the locks taken
   * before are held, since the connection runs statements in order. Orders stamped later than the reader's
   * clock (a node whose clock runs ahead) count too, so skew can only make a window stricter.
   */
  public Future<Facts> facts(SqlClient c, Query q) {
    return facts(c, q, null);
  }

  /**
   * {@link #facts(SqlClient, Query)}, and {@code count} (null: none) counted by the same statement: the reads do
   * not see it (one snapshot), so they are the facts without it; a caller whose check then fails takes it out
   * again ({@link #delete}). One statement less for the order that passes, which is nearly every order.
   */
  public Future<Facts> facts(SqlClient c, Query q, Count count) {
    boolean raises = !q.raiseTargets().isEmpty();
    if (count == null && q.strategies().isEmpty() && q.accounts().isEmpty() && q.duplicateKey() == null && !raises
        && q.ticker() == null) {
      return Future.succeededFuture(new Facts(List.of(), List.of(), null, List.of(), null));
    }
    String sql = FACTS.computeIfAbsent(new Shape(q.strategies().size(), q.accounts().size(),
      q.duplicateKey() != null, raises, q.ticker() != null, count != null), PretradeStore::factsSql);
    List<Object> params = new ArrayList<>();
    for (Window w : q.strategies()) {
      window(w, params);
    }
    for (Window w : q.accounts()) {
      window(w, params);
    }
    if (q.duplicateKey() != null) {
      params.add(q.duplicateKey());
      params.add(odt(q.duplicateSince()));
    }
    if (raises) {
      params.add(q.raiseTargets().toArray(new String[0]));
      params.add(odt(q.raiseSince()));
    }
    if (q.ticker() != null) {
      params.add(q.ticker());
    }
    if (count != null) {
      params.addAll(List.of(count.approvalId(), odt(count.at()), count.strategyKey(), count.accountKey(),
        count.duplicateKey()));
      params.add(count.notional());
      params.add(count.keptKeys().toArray(new String[0]));
    }
    return c.preparedQuery(sql).execute(Tuple.from(params)).map(rs -> {
      Row r = rs.iterator().next();
      List<WindowTotals> strategies = new ArrayList<>();
      for (int i = 0; i < q.strategies().size(); i++) {
        strategies.add(totals(r, "s" + i));
      }
      List<WindowTotals> accounts = new ArrayList<>();
      for (int i = 0; i < q.accounts().size(); i++) {
        accounts.add(totals(r, "a" + i));
      }
      Instant latest = q.duplicateKey() == null ? null : instant(r.getOffsetDateTime("latest_same"));
      List<Map<String, Object>> found = new ArrayList<>();
      if (raises) {
        r.getJsonArray("raises").forEach(p -> found.add(Json.plainMap((io.vertx.core.json.JsonObject) p)));
      }
      Quote quote = q.ticker() == null || r.getString("ticker") == null ? null : quote(r);
      return new Facts(strategies, accounts, latest, found, quote);
    });
  }

  /** Which facts a check reads; the statement's text depends on nothing else. */
  record Shape(int strategies, int accounts, boolean duplicate, boolean raises, boolean quote, boolean count) {
  }

  /**
   * The one statement reading a check's facts: a row of one total per window (each a one-row aggregate, joined),
   * the latest duplicate's time, the raises' payloads as one array in journal order, and the quote's columns
   * (null when the ticker has none). Parameters in that order: four per window, two for the duplicate, two for
   * the raises, one for the ticker, then seven for the order counted in its WITH clause. Time ranges are bounded
   * on both sides, as in {@link #totals}, so the statement keeps one plan.
   */
  static String factsSql(Shape s) {
    List<String> columns = new ArrayList<>();
    StringBuilder from = new StringBuilder(" FROM (SELECT 1) one");
    int n = 1;
    for (int i = 0; i < s.strategies() + s.accounts(); i++) {
      boolean strategy = i < s.strategies();
      String alias = strategy ? "s" + i : "a" + (i - s.strategies());
      columns.add(alias + ".n AS " + alias + "_n, " + alias + ".total AS " + alias + "_total");
      from.append(" CROSS JOIN (").append(totals(strategy ? "strategy" : "account", n)).append(") ").append(alias);
      n += 4;
    }
    if (s.duplicate()) {
      columns.add("(SELECT counted_at FROM pretrade_orders WHERE duplicate_key = $" + n + " AND counted_at > $"
        + (n + 1) + " AND counted_at <= 'infinity' ORDER BY counted_at DESC LIMIT 1) AS latest_same");
      n += 2;
    }
    if (s.raises()) {
      columns.add("(SELECT coalesce(jsonb_agg(payload ORDER BY seq), '[]'::jsonb) FROM journal "
        + "WHERE action = 'limit_raised' AND target = ANY($" + n + "::text[]) AND created_at > $" + (n + 1)
        + " AND created_at <= 'infinity') AS raises");
      n += 2;
    }
    if (s.quote()) {
      columns.add("q.ticker, q.bid, q.ask, q.quoted_at, q.received_at, q.source");
      from.append(" LEFT JOIN quotes q ON q.ticker = $").append(n);
      n++;
    }
    if (columns.isEmpty()) {
      columns.add("1 AS counted");
    }
    return Database.KEEP_PREPARED + (s.count() ? "WITH " + counting(n) + " " : "") + "SELECT "
      + String.join(", ", columns) + from;
  }

  /** A window's four parameters: its key, its start, the next whole second after it as a time and in epoch seconds. */
  private static void window(Window w, List<Object> params) {
    long edge = w.since().getEpochSecond() + 1;
    params.addAll(List.of(w.key(), odt(w.since()), odt(Instant.ofEpochSecond(edge)), edge));
  }

  private static Quote quote(Row r) {
    return new Quote(r.getString("ticker"), r.getBigDecimal("bid"), r.getBigDecimal("ask"),
      instant(r.getOffsetDateTime("quoted_at")), instant(r.getOffsetDateTime("received_at")), r.getString("source"));
  }

  private static WindowTotals totals(Row r, String alias) {
    return new WindowTotals(r.getLong(alias + "_n"), Decimals.scaled(r.getBigDecimal(alias + "_total")));
  }

  public Future<Void> delete(SqlClient c, UUID approvalId) {
    return c.preparedQuery(DELETE).execute(Tuple.of(approvalId)).mapEmpty();
  }

  /** Counts an order: its row, and its second of each of its kept keys, in one statement. */
  public Future<Void> insert(SqlClient c, Count count) {
    return c.preparedQuery(INSERT).execute(Tuple.from(new Object[] {
      count.approvalId(), odt(count.at()), count.strategyKey(), count.accountKey(), count.duplicateKey(),
      count.notional(), count.keptKeys().toArray(new String[0])
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

  /** Every kept second that differs from the rows kept in them, at most 1,000, by key and second. */
  public Future<List<KeptDifference>> keptDifferences(SqlClient c) {
    return keptDifferences(c, Long.MIN_VALUE);
  }

  /**
   * The kept seconds from epoch second {@code from} on that differ from the rows kept in them (for verify), at most
   * 1,000, by key and second. Before a purge's time, a purge may have removed a second's orders and not yet the
   * second, or the other way round (each goes in batches of its own).
   */
  public Future<List<KeptDifference>> keptDifferences(SqlClient c, long from) {
    return c.preparedQuery(KEPT_DIFFERENCES).execute(Tuple.of(from)).map(rs -> {
      List<KeptDifference> out = new ArrayList<>();
      rs.forEach(r -> out.add(new KeptDifference(r.getString("window_key"), r.getLong("second"), r.getLong("orders"),
        r.getBigDecimal("notional"), r.getLong("counted"), r.getBigDecimal("counted_notional"))));
      return out;
    });
  }

  /** Removes at most {@code limit} counted orders counted before {@code before}; completes with how many. */
  public Future<Integer> purgeOrders(SqlClient c, Instant before, int limit) {
    return c.preparedQuery(PURGE_ORDERS).execute(Tuple.of(odt(before), limit)).map(rs -> rs.rowCount());
  }

  /** Removes at most {@code limit} kept seconds before epoch second {@code before}; completes with how many. */
  public Future<Integer> purgeSeconds(SqlClient c, long before, int limit) {
    return c.preparedQuery(PURGE_SECONDS).execute(Tuple.of(before, limit)).map(rs -> rs.rowCount());
  }

  /** The latest time a journaled purge removed rows before, or null when none was journaled. */
  public Future<Instant> purgedBefore(SqlClient c) {
    return c.preparedQuery(PURGED_BEFORE).execute().map(rs -> instant(rs.iterator().next().getOffsetDateTime(0)));
  }
}
