package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.instant;
import static io.hitl.gateway.store.Json.odt;

import io.hitl.gateway.core.Decimals;
import io.hitl.gateway.core.guard.Quote;
import io.hitl.gateway.core.pretrade.WindowTotals;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The orders the pre-trade gate counted, summed per rolling window in the create transaction. A create
 * first takes a transaction-scoped advisory lock per window key (in key order, so two never deadlock, all
 * in one statement), so two nodes counting the same strategy or account queue on it and each sees the
 * other's order; then it reads every window total, the latest duplicate, the raises in force and the
 * quote in one statement, which starts once the locks are held and so sees every order counted before.
 */
public final class PretradeStore {
  /** The two-key form of the advisory lock: this class id, then the key's hash. */
  private static final int LOCK_CLASS = 0x50524554;
  /** One lock per key, taken in the array's order (the subquery's ORDER BY keeps it from being reordered). */
  private static final String LOCK = "SELECT pg_advisory_xact_lock(" + LOCK_CLASS + ", hashtext(k.key)) "
    + "FROM (SELECT key FROM unnest($1::text[]) WITH ORDINALITY AS u(key, i) ORDER BY i) k";
  private static final String NO_FACT = "NULL::timestamptz AS latest, NULL::jsonb AS payload, NULL::text AS ticker, "
    + "NULL::numeric AS bid, NULL::numeric AS ask, NULL::timestamptz AS quoted_at, NULL::timestamptz AS received_at, "
    + "NULL::text AS source";
  private static final String NO_TOTAL = "NULL::bigint, NULL::bigint, NULL::numeric";
  /**
   * Everything the check reads, one row per fact, told apart by {@code kind}: a window total per strategy
   * key ('s') and account key ('a') with its index in the arrays given, the latest duplicate ('d'), each
   * raise journaled for the targets ('r') and the latest quote ('q').
   */
  private static final String FACTS = "SELECT 's' AS kind, w.i AS i, t.n AS n, t.total AS total, " + NO_FACT
    + " FROM unnest($1::text[], $2::timestamptz[]) WITH ORDINALITY AS w(key, since, i) CROSS JOIN LATERAL "
    + "(SELECT count(*) AS n, coalesce(sum(notional), 0) AS total FROM pretrade_orders "
    + "WHERE strategy_key = w.key AND counted_at > w.since) t"
    + " UNION ALL SELECT 'a', w.i, t.n, t.total, " + NO_FACT
    + " FROM unnest($3::text[], $4::timestamptz[]) WITH ORDINALITY AS w(key, since, i) CROSS JOIN LATERAL "
    + "(SELECT count(*) AS n, coalesce(sum(notional), 0) AS total FROM pretrade_orders "
    + "WHERE account_key = w.key AND counted_at > w.since) t"
    + " UNION ALL (SELECT 'd', " + NO_TOTAL + ", counted_at, NULL, NULL, NULL, NULL, NULL, NULL, NULL "
    + "FROM pretrade_orders WHERE duplicate_key = $5::text AND counted_at > $6::timestamptz "
    + "ORDER BY counted_at DESC LIMIT 1)"
    + " UNION ALL SELECT 'r', " + NO_TOTAL + ", NULL, payload, NULL, NULL, NULL, NULL, NULL, NULL FROM journal "
    + "WHERE action = 'limit_raised' AND target = ANY($7::text[]) AND created_at > $8::timestamptz"
    + " UNION ALL SELECT 'q', " + NO_TOTAL + ", NULL, NULL, ticker, bid, ask, quoted_at, received_at, source "
    + "FROM quotes WHERE ticker = $9::text";
  private static final String DELETE = "DELETE FROM pretrade_orders WHERE approval_id = $1";
  private static final String INSERT = "INSERT INTO pretrade_orders (approval_id, counted_at, strategy_key, "
    + "account_key, duplicate_key, notional) VALUES ($1, $2, $3, $4, $5, $6)";

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
   * Reads every fact of {@code q} in one statement. Orders stamped later than the reader's clock (a node whose
   * clock runs ahead) count too, so skew can only make a window stricter.
   */
  public Future<Facts> facts(SqlClient c, Query q) {
    Tuple args = Tuple.from(new Object[] {
      keys(q.strategies()), sinces(q.strategies()), keys(q.accounts()), sinces(q.accounts()), q.duplicateKey(),
      q.duplicateKey() == null ? null : odt(q.duplicateSince()), q.raiseTargets().toArray(new String[0]),
      odt(q.raiseSince()), q.ticker()
    });
    return c.preparedQuery(FACTS).execute(args).map(rs -> {
      WindowTotals[] strategies = new WindowTotals[q.strategies().size()];
      WindowTotals[] accounts = new WindowTotals[q.accounts().size()];
      Instant latest = null;
      List<Map<String, Object>> raises = new ArrayList<>();
      Quote quote = null;
      for (Row r : rs) {
        switch (r.getString("kind")) {
          case "s" -> strategies[(int) (r.getLong("i") - 1)] = totals(r);
          case "a" -> accounts[(int) (r.getLong("i") - 1)] = totals(r);
          case "d" -> latest = instant(r.getOffsetDateTime("latest"));
          case "r" -> raises.add(Json.plainMap(r.getJsonObject("payload")));
          default -> quote = new Quote(r.getString("ticker"), r.getBigDecimal("bid"), r.getBigDecimal("ask"),
            instant(r.getOffsetDateTime("quoted_at")), instant(r.getOffsetDateTime("received_at")),
            r.getString("source"));
        }
      }
      return new Facts(List.of(strategies), List.of(accounts), latest, raises, quote);
    });
  }

  private static WindowTotals totals(Row r) {
    return new WindowTotals(r.getLong("n"), Decimals.scaled(r.getBigDecimal("total")));
  }

  private static String[] keys(List<Window> ws) {
    return ws.stream().map(Window::key).toArray(String[]::new);
  }

  private static OffsetDateTime[] sinces(List<Window> ws) {
    return ws.stream().map(w -> odt(w.since())).toArray(OffsetDateTime[]::new);
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
