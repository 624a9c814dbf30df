package io.hitl.gateway.policy;

import static io.hitl.gateway.policy.PolicyTesting.create;
import static io.hitl.gateway.policy.PolicyTesting.document;
import static io.hitl.gateway.policy.PolicyTesting.entries;
import static io.hitl.gateway.policy.PolicyTesting.policy;
import static io.hitl.gateway.policy.PolicyTesting.put;
import static io.hitl.gateway.policy.PolicyTesting.tickers;
import static io.hitl.gateway.policy.PolicyTesting.trade;
import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Re-request lineage (cooldown, limit, newest only), bulk decisions reported per id, and trade batches. */
class LineageBulkBatchTest {
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded()
    .with("HITL_REREQUEST_COOLDOWN_SECONDS", "30")
    .with("HITL_REREQUEST_MAX_PER_LINEAGE", "3");
  static final String admin = gw.token("ops-admin", "admin");
  static final String engine = gw.token("engine-1", "submitter");
  static final String otherEngine = gw.token("engine-2", "submitter");
  static final String alice = gw.token("alice", "approver");
  static final String viewer = gw.token("vic", "viewer");

  @BeforeAll
  static void start() {
    put(gw.get(), admin, document(new JsonObject(),
      policy("retry", tickers("RR")).put("re_request", new JsonObject().put("cooldown_seconds", 10)
        .put("max_per_lineage", 2)),
      policy("pair", tickers("PAIR")).put("required_approvals", 2),
      policy("batches", new JsonObject().put("tickers", new JsonArray().add("BAT"))
        .put("notional_min", "1000000")).put("required_approvals", 2)));
  }

  static String rejected(String ticker) {
    String id = create(gw.get(), engine, trade(ticker)).getString("request_id");
    assertThat(gw.call("POST", "/api/v1/approvals/" + id + "/reject", alice, new JsonObject().put("reason", "no"))
      .json().getString("status")).isEqualTo("rejected");
    return id;
  }

  static Response reRequest(String id, String token) {
    return gw.call("POST", "/api/v1/approvals/" + id + "/re-request", token, new JsonObject().put("reason", "retry"));
  }

  static void assertCode(Response r, int status, String code) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.json().getString("code")).isEqualTo(code);
  }

  @Test
  void aRejectedRequestIsAskedAgainAsALinkedRequestAfterItsCooldownWithinItsLimit() {
    String first = rejected("RR");
    Response tooSoon = reRequest(first, engine);
    assertCode(tooSoon, 429, "SEC-060");
    assertThat(Integer.parseInt(tooSoon.header("Retry-After"))).isBetween(1, 10);
    assertThat(entries(gw.get(), admin, first, "rerequest_refused")).singleElement()
      .satisfies(e -> assertThat(e.getString("error_code")).isEqualTo("SEC-060"));

    gw.clock().advance(Duration.ofSeconds(11));
    Response again = reRequest(first, engine);
    assertThat(again.status()).as(again.body()).isEqualTo(201);
    JsonObject second = again.json();
    String secondId = second.getString("request_id");
    assertThat(second.getString("lineage_id")).isEqualTo(first);
    assertThat(second.getString("status")).isEqualTo("pending");
    assertThat(second.getString("title")).isEqualTo("BUY 100 RR");
    assertThat(second.getJsonObject("context").getString("price")).isEqualTo("2850.5");
    assertThat(again.header("Location")).isEqualTo("/api/v1/approvals/" + secondId);
    assertThat(entries(gw.get(), admin, first, "re_requested")).singleElement()
      .satisfies(e -> assertThat(e.getJsonObject("payload").getString("new_request_id")).isEqualTo(secondId));
    JsonObject createdEntry = entries(gw.get(), admin, secondId, "created").get(0);
    assertThat(createdEntry.getJsonObject("payload").getString("re_requested_from")).isEqualTo(first);
    assertThat(createdEntry.getJsonObject("payload").getInteger("re_request")).isEqualTo(1);

    assertCode(reRequest(first, engine), 409, "SEC-030");
    assertThat(reRequest(first, engine).json().getString("newest_request_id")).isEqualTo(secondId);
    assertCode(reRequest(secondId, engine), 409, "SEC-030");

    gw.call("POST", "/api/v1/approvals/" + secondId + "/reject", alice, null);
    gw.clock().advance(Duration.ofSeconds(11));
    Response third = reRequest(secondId, engine);
    assertThat(third.status()).isEqualTo(201);
    assertThat(third.json().getString("lineage_id")).as("the lineage is the first request's id").isEqualTo(first);
    String thirdId = third.json().getString("request_id");
    gw.call("POST", "/api/v1/approvals/" + thirdId + "/reject", alice, null);
    gw.clock().advance(Duration.ofSeconds(11));
    Response limit = reRequest(thirdId, engine);
    assertCode(limit, 409, "SEC-030");
    assertThat(limit.json().getInteger("max_per_lineage")).isEqualTo(2);
  }

  @Test
  void onlyTheRequesterOrAnAdminMayReRequestAndOnlyRejectedOrExpiredRequests() {
    String id = rejected("RQ");
    gw.clock().advance(Duration.ofSeconds(31));
    assertCode(reRequest(id, otherEngine), 403, "SEC-002");
    assertCode(reRequest(id, alice), 403, "SEC-002");
    String pending = create(gw.get(), engine, trade("RQ")).getString("request_id");
    assertCode(reRequest(pending, engine), 409, "SEC-030");
    String approved = create(gw.get(), engine, trade("RQ")).getString("request_id");
    gw.call("POST", "/api/v1/approvals/" + approved + "/approve", alice, null);
    assertCode(reRequest(approved, engine), 409, "SEC-030");
    assertCode(reRequest(UUID.randomUUID().toString(), engine), 404, "SEC-011");
    assertCode(reRequest("nope", engine), 400, "SEC-010");
    assertThat(reRequest(id, admin).status()).isEqualTo(201);
  }

  @Test
  void anExpiredRequestCanBeReRequested() {
    String id = create(gw.get(), engine, trade("EXP").put("timeout_seconds", 60)).getString("request_id");
    gw.clock().advance(Duration.ofSeconds(61));
    assertThat(gw.call("POST", "/api/v1/approvals/cleanup", admin, null).status()).isEqualTo(200);
    assertThat(gw.call("GET", "/api/v1/approvals/" + id, viewer, null).json().getString("status")).isEqualTo("expired");
    gw.clock().advance(Duration.ofSeconds(31));
    Response r = reRequest(id, engine);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.json().getString("lineage_id")).isEqualTo(id);
  }

  @Test
  void concurrentReRequestsOfOneRequestCreateExactlyOne() throws Exception {
    String id = rejected("RACE");
    gw.clock().advance(Duration.ofSeconds(31));
    List<CompletableFuture<Response>> calls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      calls.add(gw.callAsync("POST", "/api/v1/approvals/" + id + "/re-request", engine, new JsonObject(), Map.of()));
    }
    int created = 0;
    for (CompletableFuture<Response> c : calls) {
      Response r = c.get();
      if (r.status() == 201) {
        created++;
      } else {
        assertCode(r, 409, "SEC-030");
      }
    }
    assertThat(created).isEqualTo(1);
    assertThat(PolicyTesting.sql(gw.get(), "SELECT count(*) FROM approvals WHERE lineage_id = ?", UUID.fromString(id)))
      .containsExactly("1");
  }

  @Test
  void aBulkDecisionEvaluatesEveryIdOnItsOwnAndReportsEachOne() {
    String a = create(gw.get(), engine, trade("BLK")).getString("request_id");
    String b = create(gw.get(), engine, trade("BLK")).getString("request_id");
    String decided = rejected("BLK");
    String pair = create(gw.get(), engine, trade("PAIR")).getString("request_id");
    String unknown = UUID.randomUUID().toString();
    JsonArray ids = new JsonArray().add(a).add(decided).add("garbage").add(unknown).add(pair).add(b);
    Response r = gw.call("POST", "/api/v1/approvals/bulk-decision", alice, new JsonObject().put("ids", ids)
      .put("decision", "approve").put("comment", "batch ok"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonObject body = r.json();
    assertThat(body.getInteger("count")).isEqualTo(6);
    assertThat(body.getInteger("succeeded")).isEqualTo(3);
    assertThat(body.getInteger("failed")).isEqualTo(3);
    JsonArray results = body.getJsonArray("results");
    assertThat(results.stream().map(x -> ((JsonObject) x).getString("request_id")).toList())
      .containsExactly(a, decided, "garbage", unknown, pair, b);
    assertThat(results.getJsonObject(0).getString("status")).isEqualTo("approved");
    assertThat(results.getJsonObject(0).getJsonObject("approval").getString("decision_comment")).isEqualTo("batch ok");
    assertThat(results.getJsonObject(1).getInteger("http_status")).isEqualTo(409);
    assertThat(results.getJsonObject(1).getJsonObject("error").getString("code")).isEqualTo("SEC-012");
    assertThat(results.getJsonObject(1).getJsonObject("error").getJsonObject("outcome").getString("status"))
      .isEqualTo("rejected");
    assertThat(results.getJsonObject(2).getJsonObject("error").getString("code")).isEqualTo("SEC-010");
    assertThat(results.getJsonObject(3).getJsonObject("error").getString("code")).isEqualTo("SEC-011");
    assertThat(results.getJsonObject(4).getString("status")).isEqualTo("pending");
    assertThat(results.getJsonObject(4).getJsonObject("approval").getJsonObject("progress").getString("summary"))
      .isEqualTo("1 of 2 approvals: alice");
    assertThat(results.getJsonObject(5).getBoolean("ok")).isTrue();
    assertThat(entries(gw.get(), admin, decided, "decision_refused")).singleElement()
      .satisfies(e -> assertThat(e.getString("error_code")).isEqualTo("SEC-012"));
    assertThat(PolicyTesting.audit(gw.get(), admin, a).stream().map(e -> ((JsonObject) e).getString("action")))
      .containsExactly("created", "trade_state", "approved", "trade_state");
  }

  @Test
  void aBulkDecisionByAViewerIsRefusedForEachIdAndAudited() {
    String a = create(gw.get(), engine, trade("BLK")).getString("request_id");
    JsonObject body = gw.call("POST", "/api/v1/approvals/bulk-decision", viewer, new JsonObject()
      .put("ids", new JsonArray().add(a)).put("decision", "reject")).json();
    assertThat(body.getJsonArray("results").getJsonObject(0).getJsonObject("error").getString("code"))
      .isEqualTo("SEC-002");
    assertThat(entries(gw.get(), admin, a, "decision_refused")).hasSize(1);
  }

  @Test
  void aBadBulkCallIsRefusedAsAWhole() {
    String a = create(gw.get(), engine, trade("BLK")).getString("request_id");
    assertCode(gw.call("POST", "/api/v1/approvals/bulk-decision", alice, new JsonObject()
      .put("ids", new JsonArray().add(a).add(a)).put("decision", "approve")), 400, "SEC-010");
    assertCode(gw.call("POST", "/api/v1/approvals/bulk-decision", alice, new JsonObject()
      .put("ids", new JsonArray()).put("decision", "approve")), 400, "SEC-010");
    JsonArray many = new JsonArray();
    for (int i = 0; i < 101; i++) {
      many.add(UUID.randomUUID().toString());
    }
    assertCode(gw.call("POST", "/api/v1/approvals/bulk-decision", alice, new JsonObject().put("ids", many)
      .put("decision", "approve")), 400, "SEC-010");
    assertCode(gw.call("POST", "/api/v1/approvals/bulk-decision", alice, new JsonObject()
      .put("ids", new JsonArray().add(a)).put("decision", "maybe")), 400, "SEC-010");
    assertThat(gw.call("GET", "/api/v1/approvals/" + a, viewer, null).json().getString("status")).isEqualTo("pending");
  }

  @Test
  void severalTradesForOneTickerAreAskedAsOneRequest() {
    JsonObject body = new JsonObject().put("ticker", "BAT").put("trades", new JsonArray()
      .add(new JsonObject().put("action", "BUY").put("quantity", 100).put("price", 2850.5).put("risk_pct", 0.5))
      .add(new JsonObject().put("action", "BUY").put("quantity", 200).put("price", "2851").put("trade_id", "t-2"))
      .add(new JsonObject().put("action", "BUY").put("quantity", 50).put("price", "2849.75")));
    Response r = gw.call("POST", "/api/v1/approvals/trade/batch", engine, body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    JsonObject a = r.json();
    assertThat(a.getString("title")).isEqualTo("BUY 3 trades BAT");
    JsonObject c = a.getJsonObject("context");
    assertThat(c.getString("quantity")).isEqualTo("350");
    assertThat(c.getString("notional")).isEqualTo("997737.5");
    assertThat(c.getInteger("trade_count")).isEqualTo(3);
    assertThat(c.getJsonArray("trades").getJsonObject(1).getString("trade_id")).isEqualTo("t-2");
    assertThat(a.getString("policy_name")).as("under the notional threshold").isEqualTo("default");

    JsonObject large = body.copy();
    large.getJsonArray("trades").getJsonObject(0).put("quantity", 1000);
    JsonObject big = create(gw.get(), engine, large.put("type", "TRADE_EXECUTION"));
    assertThat(big.getString("policy_name")).isEqualTo("batches");
    assertThat(big.getInteger("required_approvals")).isEqualTo(2);
  }

  @Test
  void aBadBatchNamesTheTradeAndFieldAtFault() {
    JsonObject body = new JsonObject().put("ticker", "BAT").put("trades", new JsonArray()
      .add(new JsonObject().put("action", "BUY").put("quantity", 1).put("price", 1))
      .add(new JsonObject().put("action", "BUY").put("quantity", -1).put("price", 1)));
    Response r = gw.call("POST", "/api/v1/approvals/trade/batch", engine, body);
    assertCode(r, 400, "SEC-010");
    assertThat(r.json().getJsonObject("errors").getString("trades[1].quantity")).isEqualTo("must be greater than 0");
    assertCode(gw.call("POST", "/api/v1/approvals/trade/batch", engine, new JsonObject().put("ticker", "BAT")), 400,
      "SEC-010");
    assertCode(gw.call("POST", "/api/v1/approvals/trade/batch", alice, body), 403, "SEC-002");
  }
}
