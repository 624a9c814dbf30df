package io.hitl.gateway.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The market facts on pending trade requests (GET /approvals/{id} and the pending list): the latest quote and its age,
 * the deviation against the slippage limit and the notional, with the verdict an approval then meets.
 */
class MarketCheckApiTest {
  static TestGateway gw;
  static String engine;
  static String alice;
  static String viewer;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(TestDb.freshEmbedded(), Map.of("HITL_QUOTE_MAX_AGE_SECONDS", "5",
      "HITL_SLIPPAGE_MAX_PERCENT", "0.5"));
    engine = gw.token("engine-1", "submitter");
    alice = gw.token("alice", "approver");
    viewer = gw.token("vic", "viewer");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static String trade(String ticker, String action, String price) {
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("ticker", ticker)
      .put("action", action).put("price", price).put("quantity", "12.5"));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  private static JsonObject market(String id) {
    Response r = gw.call("GET", "/api/v1/approvals/" + id, viewer, null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().getJsonObject("market");
  }

  private static Response approve(String id) {
    return gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of());
  }

  @Test
  void aTradeWithinTheLimitShowsItsQuoteDeviationAndNotionalAndItsApprovalPasses() {
    gw.quote("MKOK", "99.90", "100.10");
    String id = trade("MKOK", "BUY", "100");
    JsonObject m = market(id);
    assertThat(m.getString("verdict")).isEqualTo("ok");
    assertThat(m.getString("side")).isEqualTo("BUY");
    assertThat(m.getString("reference_price")).as("a BUY pays the ask").isEqualTo("100.1");
    assertThat(m.getString("deviation_pct")).isEqualTo("0.10000000");
    assertThat(m.getString("slippage_max_pct")).isEqualTo("0.5");
    assertThat(m.getString("notional")).isEqualTo("1250");
    assertThat(m.getJsonObject("quote").getString("bid")).isEqualTo("99.9");
    assertThat(m.getLong("quote_max_age_seconds")).isEqualTo(5);
    assertThat(m.getBoolean("fresh")).isTrue();
    assertThat(m.getBoolean("within_limit")).isTrue();
    assertThat(approve(id).status()).isEqualTo(200);
    assertThat(gw.call("GET", "/api/v1/approvals/" + id, viewer, null).json().containsKey("market"))
      .as("a decided request has no market check").isFalse();
  }

  @Test
  void aTradeBeyondTheSlippageLimitIsFlaggedAndItsApprovalIsRefusedWithSec050() {
    gw.quote("MKOUT", "109.00", "109.20");
    String id = trade("MKOUT", "SELL", "100");
    JsonObject m = market(id);
    assertThat(m.getString("verdict")).isEqualTo("out_of_limit");
    assertThat(m.getString("reference_price")).as("a SELL gets the bid").isEqualTo("109");
    assertThat(m.getString("deviation_pct")).isEqualTo("9.00000000");
    assertThat(m.getBoolean("within_limit")).isFalse();
    Response r = approve(id);
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().getString("code")).isEqualTo("SEC-050");
  }

  @Test
  void aQuoteOlderThanTheLimitIsShownStaleAndNoQuoteAtAllAsNoQuoteBothRefusedWithSec051() {
    gw.quote("MKOLD", "49.99", "50.01");
    String stale = trade("MKOLD", "BUY", "50");
    String none = trade("MKNONE", "BUY", "50");
    gw.clock.advance(Duration.ofSeconds(6));
    JsonObject m = market(stale);
    assertThat(m.getString("verdict")).isEqualTo("stale");
    assertThat(m.getBoolean("fresh")).isFalse();
    assertThat(m.getLong("quote_age_ms")).isGreaterThanOrEqualTo(6000);
    assertThat(approve(stale).json().getString("code")).isEqualTo("SEC-051");
    JsonObject n = market(none);
    assertThat(n.getString("verdict")).isEqualTo("no_quote");
    assertThat(n.getValue("quote")).isNull();
    assertThat(n.getString("notional")).isEqualTo("625");
    assertThat(approve(none).json().getString("code")).isEqualTo("SEC-051");
  }

  @Test
  void thePendingListCarriesTheMarketOfEachTradeAndNothingForOtherRequests() {
    gw.quote("MKLST", "10.00", "10.02");
    String t = trade("MKLST", "BUY", "10");
    Response c = gw.call("POST", "/api/v1/approvals", engine, Map.of("type", "CONFIG_UPDATE", "title", "limits"));
    String config = c.json().getString("request_id");
    Response r = gw.call("GET", "/api/v1/approvals?status=pending&limit=500", viewer, null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    Map<String, JsonObject> byId = new HashMap<>();
    r.json().getJsonArray("items").forEach(o -> byId.put(((JsonObject) o).getString("request_id"), (JsonObject) o));
    assertThat(byId.get(t).getJsonObject("market").getString("ticker")).isEqualTo("MKLST");
    assertThat(byId.get(t).getJsonObject("market").getString("notional")).isEqualTo("125");
    assertThat(byId.get(config).containsKey("market")).isFalse();
  }
}
