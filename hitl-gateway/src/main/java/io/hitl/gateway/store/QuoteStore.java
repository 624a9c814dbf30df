package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.instant;
import static io.hitl.gateway.store.Json.odt;

import io.hitl.gateway.core.guard.Quote;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** The latest quote per ticker, shared by every node; an older quote never replaces a newer one. */
public final class QuoteStore {
  private static final String UPSERT = "INSERT INTO quotes (ticker, bid, ask, quoted_at, received_at, source) "
    + "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (ticker) DO UPDATE SET bid = EXCLUDED.bid, ask = EXCLUDED.ask, "
    + "quoted_at = EXCLUDED.quoted_at, received_at = EXCLUDED.received_at, source = EXCLUDED.source "
    + "WHERE quotes.quoted_at <= EXCLUDED.quoted_at";
  private static final String LATEST = "SELECT ticker, bid, ask, quoted_at, received_at, source FROM quotes "
    + "WHERE ticker = $1";

  /** True when the quote is now the latest for its ticker. */
  public Future<Boolean> upsert(SqlClient c, Quote q) {
    return c.preparedQuery(UPSERT).execute(Tuple.of(q.ticker(), q.bid(), q.ask(), odt(q.quotedAt()),
      odt(q.receivedAt()), q.source())).map(rs -> rs.rowCount() == 1);
  }

  public Future<Quote> latest(SqlClient c, String ticker) {
    return c.preparedQuery(LATEST).execute(Tuple.of(ticker)).map(rs -> {
      if (!rs.iterator().hasNext()) {
        return null;
      }
      Row r = rs.iterator().next();
      return new Quote(r.getString("ticker"), r.getBigDecimal("bid"), r.getBigDecimal("ask"),
        instant(r.getOffsetDateTime("quoted_at")), instant(r.getOffsetDateTime("received_at")), r.getString("source"));
    });
  }
}
