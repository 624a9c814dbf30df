package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.instant;
import static io.hitl.gateway.store.Json.odt;

import io.hitl.gateway.core.guard.Quote;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** The latest quote per ticker, shared by every node; an older quote never replaces a newer one. */
public final class QuoteStore {
  private static final String UPSERT = "INSERT INTO quotes (ticker, bid, ask, quoted_at, received_at, source) "
    + "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (ticker) DO UPDATE SET bid = EXCLUDED.bid, ask = EXCLUDED.ask, "
    + "quoted_at = EXCLUDED.quoted_at, received_at = EXCLUDED.received_at, source = EXCLUDED.source "
    + "WHERE quotes.quoted_at <= EXCLUDED.quoted_at";
  private static final String LATEST = "SELECT ticker, bid, ask, quoted_at, received_at, source FROM quotes "
    + "WHERE ticker = $1";
  private static final String LATEST_OF = "SELECT ticker, bid, ask, quoted_at, received_at, source FROM quotes "
    + "WHERE ticker = ANY($1)";

  /** True when the quote is now the latest for its ticker. */
  public Future<Boolean> upsert(SqlClient c, Quote q) {
    return c.preparedQuery(UPSERT).execute(Tuple.of(q.ticker(), q.bid(), q.ask(), odt(q.quotedAt()),
      odt(q.receivedAt()), q.source())).map(rs -> rs.rowCount() == 1);
  }

  public Future<Quote> latest(SqlClient c, String ticker) {
    return c.preparedQuery(LATEST).execute(Tuple.of(ticker))
      .map(rs -> rs.iterator().hasNext() ? quote(rs.iterator().next()) : null);
  }

  /** The latest quote of each ticker that has one, in one statement. */
  public Future<Map<String, Quote>> latest(SqlClient c, Collection<String> tickers) {
    if (tickers.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return c.preparedQuery(LATEST_OF).execute(Tuple.of(tickers.toArray(new String[0]))).map(rs -> {
      Map<String, Quote> m = new HashMap<>();
      rs.forEach(r -> m.put(r.getString("ticker"), quote(r)));
      return m;
    });
  }

  private static Quote quote(Row r) {
    return new Quote(r.getString("ticker"), r.getBigDecimal("bid"), r.getBigDecimal("ask"),
      instant(r.getOffsetDateTime("quoted_at")), instant(r.getOffsetDateTime("received_at")), r.getString("source"));
  }
}
