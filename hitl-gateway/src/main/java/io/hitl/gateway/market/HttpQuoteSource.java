package io.hitl.gateway.market;

import io.hitl.gateway.approval.QuoteSource;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.guard.Quotes;
import io.hitl.gateway.store.Json;
import io.hitl.gateway.store.QuoteStore;
import io.vertx.core.Future;
import io.vertx.core.http.HttpResponseExpectation;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quotes from HITL_QUOTE_URL ({ticker} replaced by the URL-encoded ticker), answering JSON
 * {bid, ask, ts}. Asked only when the stored quote is stale; what it returns is stored for every node.
 */
public final class HttpQuoteSource implements QuoteSource {
  private static final Logger LOG = LoggerFactory.getLogger(HttpQuoteSource.class);
  public static final long TIMEOUT_MS = 2000;

  private final Pool pool;
  private final WebClient client;
  private final String template;
  private final Clock clock;
  private final Duration maxAge;
  private final QuoteStore quotes = new QuoteStore();

  public HttpQuoteSource(Pool pool, WebClient client, String template, Clock clock, Duration maxAge) {
    this.pool = pool;
    this.client = client;
    this.template = template;
    this.clock = clock;
    this.maxAge = maxAge;
  }

  @Override
  public Future<Void> refresh(String ticker) {
    return quotes.latest(pool, ticker).compose(stored -> {
      if (stored != null && stored.freshAt(now(), maxAge)) {
        return Future.<Void>succeededFuture();
      }
      String url = template.replace("{ticker}", URLEncoder.encode(ticker, StandardCharsets.UTF_8));
      return client.getAbs(url).timeout(TIMEOUT_MS).send()
        .expecting(HttpResponseExpectation.SC_SUCCESS)
        .map(r -> Quotes.parse(Json.plainMap(r.bodyAsJsonObject()), ticker, "http", now()))
        .compose(q -> q.ticker().equals(ticker) ? quotes.upsert(pool, q).<Void>mapEmpty()
          : Future.<Void>failedFuture("the quote endpoint answered for " + q.ticker()));
    }).onFailure(t -> LOG.warn("no quote for {} from the quote endpoint: {}", ticker, t.getMessage()))
      .otherwiseEmpty();
  }

  private Instant now() {
    return Times.micros(clock.instant());
  }
}
