package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.instant;
import static io.hitl.gateway.store.Json.odt;

import io.hitl.gateway.core.guard.PostTradeSnapshot;
import io.hitl.gateway.core.guard.TradeState;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** Trades (SPEC §4 lifecycle) and the post-trade snapshots taken when they are approved. */
public final class TradeStore {
  private static final String COLUMNS = "trade_id, approval_id, ticker, side, quantity, price, state, created_at, "
    + "updated_at";
  private static final String INSERT = "INSERT INTO trades (" + COLUMNS + ") "
    + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT DO NOTHING";
  private static final String BY_ID = "SELECT " + COLUMNS + " FROM trades WHERE trade_id = $1";
  private static final String BY_ID_FOR_UPDATE = BY_ID + " FOR UPDATE";
  private static final String BY_APPROVAL = "SELECT " + COLUMNS + " FROM trades WHERE approval_id = $1";
  private static final String BY_APPROVAL_FOR_UPDATE = BY_APPROVAL + " FOR UPDATE";
  /** Conditional, like the approval's terminal write: only from the state the caller checked. */
  private static final String MOVE = "UPDATE trades SET state = $3, updated_at = $4 WHERE trade_id = $1 AND state = $2";
  private static final String SNAPSHOT_COLUMNS = "approval_id, trade_id, ticker, side, requested_price, bid, ask, "
    + "spread, mid, reference_price, latency_ms, price_deviation_pct, quote_source, quoted_at, correlation_id, "
    + "created_at";
  private static final String INSERT_SNAPSHOT = "INSERT INTO post_trade_snapshots (" + SNAPSHOT_COLUMNS + ") VALUES "
    + "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT (approval_id) DO NOTHING";
  private static final String SNAPSHOT = "SELECT " + SNAPSHOT_COLUMNS + " FROM post_trade_snapshots "
    + "WHERE approval_id = $1";

  public record Trade(String tradeId, UUID approvalId, String ticker, String side, BigDecimal quantity,
      BigDecimal price, TradeState state, Instant createdAt, Instant updatedAt) {
  }

  /** False when a trade with this id already exists. */
  public Future<Boolean> insert(SqlClient c, Trade t) {
    return c.preparedQuery(INSERT).execute(Tuple.from(new Object[] {
      t.tradeId(), t.approvalId(), t.ticker(), t.side(), t.quantity(), t.price(), t.state().name(), odt(t.createdAt())
    })).map(rs -> rs.rowCount() == 1);
  }

  public Future<Trade> find(SqlClient c, String tradeId) {
    return c.preparedQuery(BY_ID).execute(Tuple.of(tradeId)).map(TradeStore::first);
  }

  public Future<Trade> findForUpdate(SqlClient c, String tradeId) {
    return c.preparedQuery(BY_ID_FOR_UPDATE).execute(Tuple.of(tradeId)).map(TradeStore::first);
  }

  public Future<Trade> byApproval(SqlClient c, UUID approvalId) {
    return c.preparedQuery(BY_APPROVAL).execute(Tuple.of(approvalId)).map(TradeStore::first);
  }

  public Future<Trade> byApprovalForUpdate(SqlClient c, UUID approvalId) {
    return c.preparedQuery(BY_APPROVAL_FOR_UPDATE).execute(Tuple.of(approvalId)).map(TradeStore::first);
  }

  public Future<Boolean> move(SqlClient c, String tradeId, TradeState from, TradeState to, Instant at) {
    return c.preparedQuery(MOVE).execute(Tuple.of(tradeId, from.name(), to.name(), odt(at)))
      .map(rs -> rs.rowCount() == 1);
  }

  public Future<Void> insertSnapshot(SqlClient c, PostTradeSnapshot s) {
    return c.preparedQuery(INSERT_SNAPSHOT).execute(Tuple.from(new Object[] {
      s.approvalId(), s.tradeId(), s.ticker(), s.side(), s.requestedPrice(), s.bid(), s.ask(), s.spread(), s.mid(),
      s.referencePrice(), s.latencyMs(), s.priceDeviationPct(), s.quoteSource(), odt(s.quotedAt()), s.correlationId(),
      odt(s.createdAt())
    })).mapEmpty();
  }

  public Future<PostTradeSnapshot> snapshot(SqlClient c, UUID approvalId) {
    return c.preparedQuery(SNAPSHOT).execute(Tuple.of(approvalId)).map(rs -> {
      if (!rs.iterator().hasNext()) {
        return null;
      }
      Row r = rs.iterator().next();
      return new PostTradeSnapshot(r.getUUID("approval_id"), r.getString("trade_id"), r.getString("ticker"),
        r.getString("side"), r.getBigDecimal("requested_price"), r.getBigDecimal("bid"), r.getBigDecimal("ask"),
        r.getBigDecimal("spread"), r.getBigDecimal("mid"), r.getBigDecimal("reference_price"), r.getLong("latency_ms"),
        r.getBigDecimal("price_deviation_pct"), r.getString("quote_source"), instant(r.getOffsetDateTime("quoted_at")),
        r.getString("correlation_id"), instant(r.getOffsetDateTime("created_at")));
    });
  }

  private static Trade first(RowSet<Row> rs) {
    if (!rs.iterator().hasNext()) {
      return null;
    }
    Row r = rs.iterator().next();
    return new Trade(r.getString("trade_id"), r.getUUID("approval_id"), r.getString("ticker"), r.getString("side"),
      r.getBigDecimal("quantity"), r.getBigDecimal("price"), TradeState.valueOf(r.getString("state")),
      instant(r.getOffsetDateTime("created_at")), instant(r.getOffsetDateTime("updated_at")));
  }
}
