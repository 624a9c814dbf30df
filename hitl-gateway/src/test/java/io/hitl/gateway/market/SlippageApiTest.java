package io.hitl.gateway.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC §5 rule 5 end to end, with quotes from the bus, the API and a local quote endpoint. */
class SlippageApiTest {
  static Vertx fakeVertx;
  static HttpServer fake;
  /** What the quote endpoint answers per ticker: a JSON body, "500", or "slow". */
  static final Map<String, String> answers = new ConcurrentHashMap<>();
  static final List<String> asked = new CopyOnWriteArrayList<>();
  static TestGateway gw;
  static String engine;
  static String alice;
  static String viewer;

  @BeforeAll
  static void start() throws Exception {
    fakeVertx = Vertx.vertx();
    fake = fakeVertx.createHttpServer().requestHandler(req -> {
      asked.add(req.method() + " " + req.uri());
      String ticker = req.path().substring("/quotes/".length());
      String answer = answers.get(URLDecoder.decode(ticker, StandardCharsets.UTF_8));
      if (answer == null) {
        req.response().setStatusCode(404).end();
      } else if (answer.equals("500")) {
        req.response().setStatusCode(500).end("down");
      } else if (!answer.equals("slow")) {
        req.response().putHeader("Content-Type", "application/json").end(answer);
      }
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    gw = TestGateway.start(TestDb.freshEmbedded(), Map.of(
      "HITL_QUOTE_URL", "http://127.0.0.1:" + fake.actualPort() + "/quotes/{ticker}?feed=test",
      "HITL_QUOTE_MAX_AGE_SECONDS", "5",
      "HITL_SLIPPAGE_MAX_PERCENT", "0.5"));
    engine = gw.token("engine-1", "submitter");
    alice = gw.token("alice", "approver");
    viewer = gw.token("vic", "viewer");
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
    fakeVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String trade(String ticker, String action, String price) {
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("ticker", ticker)
      .put("action", action).put("price", price));
    assertThat(r.status()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  private static Response approve(String id) {
    return gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of(), Map.of("X-Correlation-Id",
      "corr-" + id));
  }

  @Test
  void anApprovalWithinTheLimitIsTakenWithAPostTradeSnapshot() {
    String id = trade("SONY", "BUY", "100");
    gw.quote("SONY", "99.90", "100.40");
    Response ok = approve(id);
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(ok.json().getString("status")).isEqualTo("approved");

    JsonObject full = gw.call("GET", "/api/v1/approvals/" + id, viewer, null).json();
    JsonObject s = full.getJsonObject("post_trade_snapshot");
    assertThat(s.getString("bid")).isEqualTo("99.9");
    assertThat(s.getString("ask")).isEqualTo("100.4");
    assertThat(s.getString("spread")).isEqualTo("0.5");
    assertThat(s.getString("mid")).isEqualTo("100.15");
    assertThat(s.getString("reference_price")).isEqualTo("100.4");
    assertThat(s.getString("price_deviation_pct")).isEqualTo("0.40000000");
    assertThat(s.getString("quote_source")).isEqualTo("api");
    assertThat(s.getLong("latency_ms")).isBetween(0L, 5000L);
    assertThat(s.getString("correlation_id")).isEqualTo("corr-" + id);
    assertThat(full.getJsonObject("trade").getString("state")).isEqualTo("ACCEPTED");
  }

  @Test
  void aPriceThatMovedTooFarIsRefusedWithSec050ShowingTheDeviationAndAudited() {
    String id = trade("SONY2", "SELL", "100");
    gw.quote("SONY2", "99.40", "99.60");
    Response r = approve(id);
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().getString("code")).isEqualTo("SEC-050");
    assertThat(r.json().getString("deviation_pct")).isEqualTo("0.60000000");
    assertThat(r.json().getString("detail")).contains("0.60000000%").contains("bid 99.4").contains("0.5%");
    assertThat(gw.call("GET", "/api/v1/approvals/" + id, viewer, null).json().getString("status"))
      .as("the request waits for a better price, a reject or its deadline").isEqualTo("pending");
    JsonArray trail = gw.call("GET", "/api/v1/audit?approval_id=" + id, viewer, null).json().getJsonArray("entries");
    JsonObject refused = trail.getJsonObject(trail.size() - 1);
    assertThat(refused.getString("action")).isEqualTo("decision_refused");
    assertThat(refused.getString("error_code")).isEqualTo("SEC-050");
    assertThat(refused.getJsonObject("payload").getString("detail")).contains("0.60000000%");

    gw.quote("SONY2", "99.50", "99.70");
    assertThat(approve(id).json().getString("status")).as("exactly at the limit").isEqualTo("approved");
  }

  @Test
  void noQuoteOrAStaleOneIsSec051() {
    String id = trade("NOQUOTE", "BUY", "10");
    Response r = approve(id);
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().getString("code")).isEqualTo("SEC-051");
    assertThat(asked).contains("GET /quotes/NOQUOTE?feed=test");

    String stale = trade("STALE", "BUY", "10");
    gw.quote("STALE", "10", "10");
    gw.clock.advance(Duration.ofSeconds(6));
    Response old = approve(stale);
    assertThat(old.json().getString("code")).isEqualTo("SEC-051");
    assertThat(old.json().getString("detail")).contains("ms old");
  }

  @Test
  void theQuoteEndpointIsAskedOnlyWhenTheStoredQuoteIsStaleAndItsFailuresMeanNoQuote() {
    answers.put("7203.T", "{\"bid\":\"2850.0\",\"ask\":\"2851.0\"}");
    String id = trade("7203.T", "BUY", "2850.5");
    int before = asked.size();
    assertThat(approve(id).json().getString("status")).isEqualTo("approved");
    assertThat(asked.subList(before, asked.size())).containsExactly("GET /quotes/7203.T?feed=test");
    assertThat(gw.call("GET", "/api/v1/approvals/" + id, viewer, null).json().getJsonObject("post_trade_snapshot")
      .getString("quote_source")).isEqualTo("http");

    String again = trade("7203.T", "BUY", "2850.5");
    int now = asked.size();
    assertThat(approve(again).json().getString("status")).isEqualTo("approved");
    assertThat(asked.size()).as("the stored quote was fresh").isEqualTo(now);

    answers.put("BROKEN", "500");
    answers.put("SLOW", "slow");
    answers.put("WRONG", "{\"bid\":\"2\",\"ask\":\"1\"}");
    for (String t : List.of("BROKEN", "SLOW", "WRONG")) {
      Response r = approve(trade(t, "BUY", "1"));
      assertThat(r.json().getString("code")).as(t).isEqualTo("SEC-051");
    }
  }

  @Test
  void enginesPublishQuotesOnTheBusAndOlderQuotesNeverReplaceNewerOnes() throws Exception {
    String id = trade("BUSQ", "BUY", "50");
    var bus = gw.gateway.vertx().eventBus();
    DeliveryOptions feed = new DeliveryOptions().addHeader(Headers.ACTOR, "quote-feed")
      .addHeader(Headers.ROLES, "submitter");
    bus.publish("market.quotes", new JsonObject().put("ticker", "BUSQ").put("bid", "49.9").put("ask", "50.1"), feed);
    JsonObject reply = bus.<JsonObject>request("market.quotes", new JsonObject().put("ticker", "BUSQ")
      .put("bid", "10").put("ask", "11").put("ts", gw.clock.instant().minusSeconds(60).toString()), feed)
      .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body();
    assertThat(reply.getBoolean("latest")).isFalse();
    Response r = approve(id);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(gw.call("GET", "/api/v1/approvals/" + id, viewer, null).json().getJsonObject("post_trade_snapshot")
      .getString("ask")).isEqualTo("50.1");
  }

  @Test
  void badQuotesAreRefusedAndOnlySubmittersMayPostThem() {
    Response r = gw.call("POST", "/api/v1/market/quotes", engine, Map.of("ticker", "X", "bid", "2", "ask", "1"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().getJsonObject("errors").getString("ask")).contains("bid");
    assertThat(gw.call("POST", "/api/v1/market/quotes", alice, Map.of("ticker", "X", "bid", "1", "ask", "1")).status())
      .isEqualTo(403);
    assertThat(gw.call("POST", "/api/v1/market/quotes", engine, "{\"ticker\":\"X\",\"bid\":1e400,\"ask\":1}")
      .status()).isEqualTo(400);
  }
}
