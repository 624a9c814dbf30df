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
 * before.
 */
public final class PretradeStore {
  /** The two-key form of the advisory lock: this class id, then the key's hash. */
  private static final int LOCK_CLASS = 0x50524554;
  /** One lock per key, taken in the array's order (the subquery's ORDER BY keeps it from being reordered). */
  private static final String LOCK = "SELECT pg_advisory_xact_lock(" + LOCK_CLASS + ", hashtext(k.key)) "
    + "FROM (SELECT key FROM unnest($1::text[]) WITH ORDINALITY AS u(key, i) ORDER BY i) k";
  private static final String TOTALS_BY_STRATEGY = "SELECT count(*) AS n, coalesce(sum(notional), 0) AS total "
    + "FROM pretrade_orders WHERE strategy_key = $1 AND counted_at > $2";
  private static final String TOTALS_BY_ACCOUNT = "SELECT count(*) AS n, coalesce(sum(notional), 0) AS total "
    + "FROM pretrade_orders WHERE account_key = $1 AND counted_at > $2";
  private static final String LATEST_SAME = "SELECT counted_at FROM pretrade_orders WHERE duplicate_key = $1 "
    + "AND counted_at > $2 ORDER BY counted_at DESC LIMIT 1";
  private static final String RAISES = "SELECT payload FROM journal WHERE action = 'limit_raised' "
    + "AND target = ANY($1) AND created_at > $2";
  private static final String QUOTE = "SELECT ticker, bid, ask, quoted_at, received_at, source FROM quotes "
    + "WHERE ticker = $1";
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
   * Reads every fact of {@code q}: one small statement per fact, all sent at once on the connection
   * (pipelined), so they cost one round trip; each starts after the locks taken before are held. Orders
   * stamped later than the reader's clock (a node whose clock runs ahead) count too, so skew can only make a
   * window stricter.
   */
  public Future<Facts> facts(SqlClient c, Query q) {
    List<Future<WindowTotals>> strategies = q.strategies().stream()
      .map(w -> c.preparedQuery(TOTALS_BY_STRATEGY).execute(Tuple.of(w.key(), odt(w.since())))
        .map(rs -> totals(rs.iterator().next()))).toList();
    List<Future<WindowTotals>> accounts = q.accounts().stream()
      .map(w -> c.preparedQuery(TOTALS_BY_ACCOUNT).execute(Tuple.of(w.key(), odt(w.since())))
        .map(rs -> totals(rs.iterator().next()))).toList();
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

  public Future<Void> insert(SqlClient c, UUID approvalId, Instant at, String strategyKey, String accountKey,
      String duplicateKey, BigDecimal notional) {
    return c.preparedQuery(INSERT).execute(Tuple.from(new Object[] {
      approvalId, odt(at), strategyKey, accountKey, duplicateKey, notional
    })).mapEmpty();
  }
}
