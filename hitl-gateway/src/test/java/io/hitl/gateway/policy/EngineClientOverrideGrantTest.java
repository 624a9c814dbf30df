package io.hitl.gateway.policy;

import static io.hitl.gateway.policy.PolicyTesting.document;
import static io.hitl.gateway.policy.PolicyTesting.entries;
import static io.hitl.gateway.policy.PolicyTesting.policy;
import static io.hitl.gateway.policy.PolicyTesting.price;
import static io.hitl.gateway.policy.PolicyTesting.put;
import static io.hitl.gateway.policy.PolicyTesting.sql;
import static io.hitl.gateway.policy.PolicyTesting.tickers;
import static io.hitl.gateway.support.Futures.await;
import static io.hitl.gateway.support.Futures.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.client.ApprovalStatus;
import io.hitl.client.ApprovalView;
import io.hitl.client.Decision;
import io.hitl.client.EngineClient;
import io.hitl.client.HitlException;
import io.hitl.client.OverrideGrant;
import io.hitl.client.contract.ErrorCodes;
import io.hitl.gateway.support.GatewayExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HTTP client approving limit-override requests: a grant authorises the order once or raises the limit for a
 * bounded time, journaled as the API's own override member is; a grant of the wrong shape is refused by the client
 * with the SEC-010 errors the gateway answers for the same body, and nothing changes.
 */
class EngineClientOverrideGrantTest {
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded();
  static Vertx vertx;
  static EngineClient engine;
  static EngineClient risk;
  static String admin;

  @BeforeAll
  static void start() {
    admin = gw.token("ops-admin", "admin");
    JsonObject override = new JsonObject().put("approvers", new JsonObject().put("users", new JsonArray().add("risk-1")))
      .put("max_raise_seconds", 600);
    JsonObject limits = new JsonObject().put("max_quantity", "500").put("override", override);
    put(gw.get(), admin, document(new JsonObject(), policy("capped", tickers("HTTPO")).put("limits", limits)));
    vertx = Vertx.vertx();
    engine = EngineClient.create(vertx, EngineClient.Options.of("http://127.0.0.1:" + gw.port(),
      gw.token("engine-1", "submitter")));
    risk = engine.withToken(gw.token("risk-1", "approver"));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static ApprovalView created(int quantity, String strategy) {
    price(gw.get(), "HTTPO", "100");
    JsonObject order = new JsonObject().put("ticker", "HTTPO").put("action", "BUY").put("quantity", quantity)
      .put("price", "100").put("strategy", strategy).put("account", "acct-1").put("venue", "XNAS");
    return await(engine.createTrade(order)).approval();
  }

  static boolean override(ApprovalView v) {
    return v.json().containsKey("limit_override");
  }

  static String strategy() {
    return "s-" + UUID.randomUUID();
  }

  @Test
  void approvedOnceOrWithARaiseOverHttpAndJournaledAsSuch() {
    String s = strategy();
    ApprovalView once = created(800, s);
    assertThat(override(once)).as("800 breaches max_quantity 500").isTrue();
    price(gw.get(), "HTTPO", "100");
    ApprovalView approved = await(risk.decide(once.requestId(), Decision.APPROVE, null, "desk call",
      OverrideGrant.once()));
    assertThat(approved.status()).isEqualTo(ApprovalStatus.APPROVED);
    assertThat(entries(gw.get(), admin, once.requestId().toString(), "limit_override_granted").get(0)
      .getJsonObject("payload").getString("grant")).isEqualTo("once");
    assertThat(override(created(800, s))).as("once is not a raise").isTrue();

    ApprovalView raised = created(800, s);
    price(gw.get(), "HTTPO", "100");
    assertThat(await(risk.decide(raised.requestId(), Decision.APPROVE, null, "rebalance",
      OverrideGrant.raise(Duration.ofMinutes(5), Map.of("max_quantity", new BigDecimal("1000"))))).status())
      .isEqualTo(ApprovalStatus.APPROVED);
    assertThat(entries(gw.get(), admin, raised.requestId().toString(), "limit_raised")).hasSize(1);
    assertThat(override(created(950, s))).as("inside the raise").isFalse();
    assertThat(override(created(1001, s))).as("above the raised value").isTrue();
  }

  @Test
  void aGrantOfTheWrongShapeIsRefusedByTheClientAsTheGatewayRefusesItAndNothingChanges() {
    UUID id = created(800, strategy()).requestId();
    List<String> before = sql(gw.get(), "SELECT action FROM journal WHERE approval_id = ?::uuid ORDER BY seq",
      id.toString());
    OverrideGrant wrong = OverrideGrant.raise(Duration.ofMillis(1500), Map.of("rolling_orders", new BigDecimal("2.5")));
    HitlException local = refusal(risk.decide(id, Decision.APPROVE, null, null, wrong));
    assertThat(local.code()).isEqualTo(ErrorCodes.SEC_010);
    assertThat(local.httpStatus()).isEqualTo(400);
    var answered = gw.call("POST", "/api/v1/approvals/" + id + "/approve", gw.token("risk-1", "approver"),
      Map.of("override", wrong.json().getMap()));
    assertThat(answered.status()).isEqualTo(400);
    assertThat(local.extensions().get("errors")).as("the gateway's own errors for the same body")
      .isEqualTo(answered.json().getJsonObject("errors"));
    HitlException onReject = refusal(risk.decide(id, Decision.REJECT, "no", null, OverrideGrant.once()));
    assertThat(onReject.code()).isEqualTo(ErrorCodes.SEC_010);
    assertThat(await(risk.get(id)).status()).isEqualTo(ApprovalStatus.PENDING);
    assertThat(sql(gw.get(), "SELECT action FROM journal WHERE approval_id = ?::uuid ORDER BY seq", id.toString()))
      .as("nothing journaled by the client's refusals").isEqualTo(before);
  }
}
