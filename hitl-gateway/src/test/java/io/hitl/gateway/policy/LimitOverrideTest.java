package io.hitl.gateway.policy;

import static io.hitl.gateway.policy.PolicyTesting.document;
import static io.hitl.gateway.policy.PolicyTesting.entries;
import static io.hitl.gateway.policy.PolicyTesting.policy;
import static io.hitl.gateway.policy.PolicyTesting.price;
import static io.hitl.gateway.policy.PolicyTesting.put;
import static io.hitl.gateway.policy.PolicyTesting.sql;
import static io.hitl.gateway.policy.PolicyTesting.tickers;
import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pre-trade limits in the create path: an order inside every limit follows its policy and is counted; an
 * order that breaches one becomes a limit-override request for the override approvers (or is refused with
 * SEC-052 when nobody may override); approving it authorises that order once or raises the limit for a
 * bounded time, journaled either way; an edited order is checked again.
 */
class LimitOverrideTest {
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded();
  static final String admin = gw.token("ops-admin", "admin");
  static final String engine = gw.token("engine-1", "submitter");
  static final String alice = gw.token("alice", "approver");
  static final String risk = gw.token("risk-1", "approver");

  @BeforeAll
  static void start() {
    JsonObject override = new JsonObject().put("approvers", new JsonObject().put("users", new JsonArray().add("risk-1")))
      .put("max_raise_seconds", 600);
    JsonObject capped = new JsonObject().put("max_quantity", "500").put("price_collar_pct", "2")
      .put("duplicate_window_seconds", 60).put("override", override);
    JsonObject rolling = new JsonObject().put("rolling", new JsonArray().add(new JsonObject().put("per", "strategy")
      .put("window_seconds", 3600).put("max_orders", 2))).put("override", override);
    JsonObject edits = new JsonObject().put("allowed", new JsonArray().add("quantity"));
    put(gw.get(), admin, document(new JsonObject(),
      policy("capped", tickers("CAPD")).put("limits", capped)
        .put("approvers", new JsonObject().put("users", new JsonArray().add("alice")))
        .put("re_request", new JsonObject().put("cooldown_seconds", 0)),
      policy("rolling", tickers("ROLL")).put("limits", rolling),
      policy("hard", tickers("HARD")).put("limits", new JsonObject().put("max_quantity", "10")),
      policy("editable", tickers("EDLM")).put("limits", new JsonObject().put("max_quantity", "500")
        .put("rolling", new JsonArray().add(new JsonObject().put("per", "strategy").put("window_seconds", 600)
          .put("max_orders", 100)))).put("edits", edits)));
  }

  static JsonObject order(String ticker, Object quantity, String strategy) {
    return new JsonObject().put("ticker", ticker).put("action", "BUY").put("quantity", quantity).put("price", "100")
      .put("strategy", strategy).put("account", "acct-1").put("venue", "XNAS").put("reason", "test order");
  }

  static Response create(JsonObject body) {
    price(gw.get(), body.getString("ticker"), body.getString("price"));
    return gw.call("POST", "/api/v1/approvals/trade", engine, body);
  }

  static JsonObject created(JsonObject body) {
    Response r = create(body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  static Response approve(String id, String token, JsonObject body) {
    return gw.call("POST", "/api/v1/approvals/" + id + "/approve", token, body);
  }

  static long counted(String id) {
    return Long.parseLong(sql(gw.get(), "SELECT count(*) FROM pretrade_orders WHERE approval_id = ?::uuid", id).get(0));
  }

  static String strategy() {
    return "s-" + UUID.randomUUID();
  }

  @Test
  void anOrderInsideEveryLimitFollowsItsPolicyAndIsCounted() {
    JsonObject a = created(order("CAPD", 100, strategy()));
    assertThat(a.getString("status")).isEqualTo("pending");
    assertThat(a.containsKey("limit_override")).isFalse();
    assertThat(a.getString("order_digest")).matches("[0-9a-f]{64}");
    assertThat(counted(a.getString("request_id"))).isEqualTo(1);
    Response r = approve(a.getString("request_id"), alice, new JsonObject());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().getString("order_digest")).isEqualTo(a.getString("order_digest"));
  }

  @Test
  void aRetriedCreateIsCountedOnce() {
    String s = strategy();
    JsonObject body = order("ROLL", 100, s);
    price(gw.get(), "ROLL", "100");
    java.util.Map<String, String> key = java.util.Map.of("Idempotency-Key", "retry-" + s);
    Response first = gw.call("POST", "/api/v1/approvals/trade", engine, body, key);
    Response again = gw.call("POST", "/api/v1/approvals/trade", engine, body, key);
    assertThat(first.status()).as(first.body()).isEqualTo(201);
    assertThat(again.status()).as(again.body()).isIn(200, 201);
    assertThat(again.json().getString("request_id")).isEqualTo(first.json().getString("request_id"));
    assertThat(sql(gw.get(), "SELECT count(*) FROM pretrade_orders WHERE strategy_key = ?", "strategy:" + s))
      .as("the retry's order, counted with its check, is taken out when the request already exists")
      .containsExactly("1");
    assertThat(sql(gw.get(), "SELECT coalesce(sum(orders), 0) FROM pretrade_window_seconds WHERE window_key = ?",
      "strategy:" + s)).containsExactly("1");
  }

  @Test
  void aBreachBecomesALimitOverrideRequestThatShowsTheLimitAndTheFigures() {
    JsonObject a = created(order("CAPD", 800, strategy()));
    String id = a.getString("request_id");
    assertThat(a.getString("status")).isEqualTo("pending");
    JsonObject breach = a.getJsonObject("limit_override").getJsonArray("breaches").getJsonObject(0);
    assertThat(breach.getString("limit")).isEqualTo("max_quantity");
    assertThat(breach.getJsonObject("figures")).isEqualTo(new JsonObject().put("limit", "500").put("quantity", "800"));
    assertThat(breach.getString("detail")).contains("800").contains("500");
    assertThat(counted(id)).as("an order waiting for an override is not counted yet").isZero();
    JsonObject read = gw.call("GET", "/api/v1/approvals/" + id, admin, null).json();
    assertThat(read.getJsonObject("limit_override")).isEqualTo(a.getJsonObject("limit_override"));
    assertThat(entries(gw.get(), admin, id, "created")).singleElement().satisfies(e -> assertThat(
      e.getJsonObject("payload").getJsonObject("limit_override").getJsonArray("breaches")).hasSize(1));
    Response byPolicyApprover = approve(id, alice, new JsonObject());
    assertThat(byPolicyApprover.status()).as("only the override approvers decide an override").isEqualTo(403);
    assertThat(byPolicyApprover.json().getString("code")).isEqualTo("SEC-090");
  }

  @Test
  void approvedOnceTheOverrideAuthorisesThatOrderOnlyAndIsJournaled() {
    String s = strategy();
    String id = created(order("CAPD", 800, s)).getString("request_id");
    Response r = approve(id, risk, new JsonObject().put("override", new JsonObject().put("grant", "once")));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().getString("status")).isEqualTo("approved");
    assertThat(counted(id)).as("the authorised order counts in the windows").isEqualTo(1);
    JsonObject granted = entries(gw.get(), admin, id, "limit_override_granted").get(0).getJsonObject("payload");
    assertThat(granted.getString("grant")).isEqualTo("once");
    assertThat(granted.getJsonArray("breached")).containsExactly("max_quantity");
    assertThat(granted.getString("order_digest")).isEqualTo(r.json().getString("order_digest"));
    assertThat(entries(gw.get(), admin, id, "limit_raised")).isEmpty();
    JsonObject next = created(order("CAPD", 801, s));
    assertThat(next.containsKey("limit_override")).as("once is not a raise").isTrue();
  }

  @Test
  void approvedWithARaiseTheLimitIsLiftedForItsTimeAndOnlyForItsScope() {
    String s = strategy();
    String id = created(order("CAPD", 800, s)).getString("request_id");
    Response r = approve(id, risk, new JsonObject().put("override", new JsonObject().put("grant", "raise")
      .put("raise_seconds", 300).put("limits", new JsonObject().put("max_quantity", "1000"))));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<JsonObject> raised = entries(gw.get(), admin, id, "limit_raised");
    assertThat(raised).singleElement().satisfies(e -> {
      assertThat(e.getJsonObject("payload").getString("limit")).isEqualTo("max_quantity");
      assertThat(e.getJsonObject("payload").getString("value")).isEqualTo("1000");
      assertThat(e.getJsonObject("payload").getString("key")).isEqualTo("strategy:" + s);
    });
    assertThat(entries(gw.get(), admin, id, "limit_override_granted").get(0).getJsonObject("payload")
      .getInteger("raise_seconds")).isEqualTo(300);
    assertThat(created(order("CAPD", 950, s)).containsKey("limit_override")).as("inside the raise").isFalse();
    assertThat(created(order("CAPD", 1001, s)).containsKey("limit_override")).as("above the raise").isTrue();
    assertThat(created(order("CAPD", 950, strategy())).containsKey("limit_override")).as("another strategy")
      .isTrue();
    gw.clock().advance(Duration.ofSeconds(301));
    assertThat(created(order("CAPD", 951, s)).containsKey("limit_override")).as("after the raise").isTrue();
    JsonObject verify = gw.call("GET", "/api/v1/audit/verify", admin, null).json();
    assertThat(verify.getBoolean("valid")).as("grants and raises replay with the journal: %s", verify).isTrue();
  }

  @Test
  void aRaiseOfARollingCapAdmitsMoreOrdersOfThatStrategy() {
    String s = strategy();
    created(order("ROLL", 1, s));
    created(order("ROLL", 2, s));
    JsonObject third = created(order("ROLL", 3, s));
    JsonObject breach = third.getJsonObject("limit_override").getJsonArray("breaches").getJsonObject(0);
    assertThat(breach.getString("limit")).isEqualTo("rolling_orders");
    assertThat(breach.getJsonObject("figures").getInteger("orders")).isEqualTo(2);
    Response r = approve(third.getString("request_id"), risk, new JsonObject().put("override",
      new JsonObject().put("grant", "raise").put("raise_seconds", 600).put("limits",
        new JsonObject().put("rolling_orders", 4))));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(created(order("ROLL", 4, s)).containsKey("limit_override")).as("the fourth is inside the raise")
      .isFalse();
    assertThat(created(order("ROLL", 5, s)).containsKey("limit_override")).as("the fifth is not").isTrue();
  }

  @Test
  void aBreachNobodyMayOverrideIsRefusedWithSec052AndNothingIsCreated() {
    String tradeId = "hard-" + UUID.randomUUID();
    Response r = create(order("HARD", 11, strategy()).put("trade_id", tradeId));
    assertThat(r.status()).as(r.body()).isEqualTo(409);
    assertThat(r.json().getString("code")).isEqualTo("SEC-052");
    assertThat(r.json().getJsonArray("breaches").getJsonObject(0).getString("limit")).isEqualTo("max_quantity");
    assertThat(sql(gw.get(), "SELECT count(*) FROM approvals WHERE trade_id = ?", tradeId)).containsExactly("0");
    assertThat(sql(gw.get(), "SELECT count(*) FROM journal WHERE action = 'create_refused' AND error_code = 'SEC-052' "
      + "AND payload->>'trade_id' = ?", tradeId)).containsExactly("1");
    assertThat(create(order("HARD", 10, strategy())).status()).as("inside the limit").isEqualTo(201);
  }

  @Test
  void raisesTheRequestOrThePolicyDoNotAllowAreRefusedWithSec053() {
    String plain = created(order("CAPD", 100, strategy())).getString("request_id");
    Response notAnOverride = approve(plain, alice, new JsonObject().put("override", new JsonObject().put("grant", "once")));
    assertThat(notAnOverride.status()).as(notAnOverride.body()).isEqualTo(409);
    assertThat(notAnOverride.json().getString("code")).isEqualTo("SEC-053");

    String s = strategy();
    String id = created(order("CAPD", 800, s)).getString("request_id");
    Response tooLong = approve(id, risk, new JsonObject().put("override", new JsonObject().put("grant", "raise")
      .put("raise_seconds", 601)));
    assertThat(tooLong.status()).as(tooLong.body()).isEqualTo(409);
    assertThat(tooLong.json().getString("code")).isEqualTo("SEC-053");
    assertThat(tooLong.json().getString("detail")).contains("600");
    Response tooLow = approve(id, risk, new JsonObject().put("override", new JsonObject().put("grant", "raise")
      .put("raise_seconds", 60).put("limits", new JsonObject().put("max_quantity", "700"))));
    assertThat(tooLow.json().getString("code")).as(tooLow.body()).isEqualTo("SEC-053");
    assertThat(tooLow.json().getString("detail")).contains("needs 800");
    Response notBreached = approve(id, risk, new JsonObject().put("override", new JsonObject().put("grant", "raise")
      .put("raise_seconds", 60).put("limits", new JsonObject().put("price_collar", "5"))));
    assertThat(notBreached.json().getString("code")).as(notBreached.body()).isEqualTo("SEC-053");
    assertThat(entries(gw.get(), admin, id, "decision_refused")).extracting(e -> e.getString("error_code"))
      .containsExactly("SEC-053", "SEC-053", "SEC-053");

    created(order("CAPD", 100, s));
    String duplicate = created(order("CAPD", 100, s)).getString("request_id");
    Response onlyDuplicate = approve(duplicate, risk, new JsonObject().put("override", new JsonObject()
      .put("grant", "raise").put("raise_seconds", 60)));
    assertThat(onlyDuplicate.json().getString("code")).as(onlyDuplicate.body()).isEqualTo("SEC-053");
    assertThat(gw.call("GET", "/api/v1/approvals/" + id, admin, null).json().getString("status"))
      .as("refusals change nothing").isEqualTo("pending");
    assertThat(approve(duplicate, risk, new JsonObject()).json().getString("status")).isEqualTo("approved");
  }

  @Test
  void aGrantOfTheWrongShapeIsSec010() {
    String id = created(order("CAPD", 800, strategy())).getString("request_id");
    for (JsonObject bad : List.of(new JsonObject().put("grant", "forever"),
        new JsonObject().put("grant", "once").put("raise_seconds", 60),
        new JsonObject().put("grant", "raise"),
        new JsonObject().put("grant", "raise").put("raise_seconds", "60"),
        new JsonObject().put("grant", "raise").put("raise_seconds", 60).put("limits", new JsonObject()
          .put("max_quantity", -1)),
        new JsonObject().put("grant", "once").put("until", "tomorrow"))) {
      Response r = approve(id, risk, new JsonObject().put("override", bad));
      assertThat(r.status()).as(bad + " " + r.body()).isEqualTo(400);
      assertThat(r.json().getString("code")).isEqualTo("SEC-010");
      assertThat(r.json().getJsonObject("errors").fieldNames()).allMatch(f -> f.startsWith("override"));
    }
    Response onReject = gw.call("POST", "/api/v1/approvals/" + id + "/reject", risk,
      new JsonObject().put("override", new JsonObject().put("grant", "once")));
    assertThat(onReject.status()).as(onReject.body()).isEqualTo(400);
    assertThat(gw.call("GET", "/api/v1/approvals/" + id, admin, null).json().getString("status")).isEqualTo("pending");
  }

  @Test
  void anEditThatBreachesALimitIsCaughtAndAnEditInsideThemGetsANewDigest() {
    String strategy = strategy();
    JsonObject a = created(order("EDLM", 100, strategy));
    String id = a.getString("request_id");
    Response breaching = approve(id, alice, new JsonObject().put("edits", new JsonObject().put("quantity", 900)));
    assertThat(breaching.status()).as(breaching.body()).isEqualTo(409);
    assertThat(breaching.json().getString("code")).isEqualTo("SEC-052");
    assertThat(breaching.json().getJsonArray("breaches").getJsonObject(0).getJsonObject("figures")
      .getString("quantity")).isEqualTo("900");
    assertThat(gw.call("GET", "/api/v1/approvals/" + id, admin, null).json().getString("status")).isEqualTo("pending");
    assertThat(counted(id)).as("the original order still counts").isEqualTo(1);
    assertThat(kept(strategy)).as("the window's kept seconds hold the original order").isEqualTo(List.of("1", "10000"));
    Response inside = approve(id, alice, new JsonObject().put("edits", new JsonObject().put("quantity", 50)));
    assertThat(inside.status()).as(inside.body()).isEqualTo(200);
    assertThat(inside.json().getString("order_digest")).as("an edited order is a new proposal")
      .isNotEqualTo(a.getString("order_digest"));
    assertThat(sql(gw.get(), "SELECT notional FROM pretrade_orders WHERE approval_id = ?::uuid", id))
      .singleElement().satisfies(n -> assertThat(new java.math.BigDecimal(n)).isEqualByComparingTo("5000"));
    assertThat(kept(strategy)).as("the edited order replaced the original in the kept seconds")
      .isEqualTo(List.of("1", "5000"));
    JsonObject verify = gw.call("GET", "/api/v1/audit/verify", admin, null).json();
    assertThat(verify.getBoolean("valid")).as("the edited order's count replays with the journal: %s", verify).isTrue();
  }

  /** A strategy window's orders and notional over all its kept seconds. */
  static List<String> kept(String strategy) {
    return sql(gw.get(), "SELECT sum(orders) || ',' || trim_scale(sum(notional)) FROM pretrade_window_seconds "
      + "WHERE window_key = 'strategy:' || ?", strategy).stream().flatMap(x -> List.of(x.split(",")).stream()).toList();
  }

  @Test
  void aReRequestedOrderGoesThroughTheGateAgain() {
    String id = created(order("CAPD", 800, strategy())).getString("request_id");
    Response rejected = gw.call("POST", "/api/v1/approvals/" + id + "/reject", risk,
      new JsonObject().put("reason", "too big today"));
    assertThat(rejected.status()).as(rejected.body()).isEqualTo(200);
    Response again = gw.call("POST", "/api/v1/approvals/" + id + "/re-request", engine,
      new JsonObject().put("reason", "index rebalance"));
    assertThat(again.status()).as(again.body()).isEqualTo(201);
    assertThat(again.json().getJsonObject("limit_override").getJsonArray("breaches").getJsonObject(0)
      .getString("limit")).isEqualTo("max_quantity");
    assertThat(again.json().getInteger("required_approvals")).isEqualTo(1);
    Response byPolicyApprover = approve(again.json().getString("request_id"), alice, new JsonObject());
    assertThat(byPolicyApprover.json().getString("code")).as(byPolicyApprover.body()).isEqualTo("SEC-090");
  }
}
