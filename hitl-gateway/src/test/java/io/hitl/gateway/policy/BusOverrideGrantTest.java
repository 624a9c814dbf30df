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

import io.hitl.client.ApprovalClient;
import io.hitl.client.ApprovalStatus;
import io.hitl.client.ApprovalView;
import io.hitl.client.BusCredentials;
import io.hitl.client.Decision;
import io.hitl.client.HitlException;
import io.hitl.client.OverrideGrant;
import io.hitl.client.contract.BusRefusals;
import io.hitl.client.contract.ErrorCodes;
import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.cluster.ClusterSetup;
import io.hitl.gateway.support.ClusterSettings;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The event-bus client approving limit-override requests: a clustered gateway node and a client member joined
 * over loopback. A grant sent with {@link ApprovalClient} authorises the order once or raises the limit for a
 * bounded time, journaled as over HTTP; a grant of the wrong shape is refused by the client with the very
 * SEC-010 errors the gateway answers for it, and nothing changes.
 */
class BusOverrideGrantTest {
  static ClusterSettings cluster;
  static TestGateway gw;
  static Vertx client;
  static ApprovalClient engine;
  static ApprovalClient risk;
  static String admin;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ClusterSettings(1);
    gw = TestGateway.start(TestDb.freshEmbedded(), cluster.node(0));
    admin = gw.token("ops-admin", "admin");
    JsonObject override = new JsonObject().put("approvers", new JsonObject().put("users", new JsonArray().add("risk-1")))
      .put("max_raise_seconds", 600);
    JsonObject limits = new JsonObject().put("max_quantity", "500").put("override", override);
    put(gw, admin, document(new JsonObject(), policy("capped", tickers("BUSO")).put("limits", limits)));
    client = ClusterSetup.joinAsClient(cluster.client()).toCompletionStage().toCompletableFuture()
      .get(60, TimeUnit.SECONDS);
    engine = ApprovalClient.create(client, BusCredentials.token(gw.token("engine-1", "submitter")));
    risk = engine.withCredentials(BusCredentials.token(gw.token("risk-1", "approver")));
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (gw != null) {
      gw.close();
    }
  }

  static ApprovalView created(int quantity, String strategy) {
    price(gw, "BUSO", "100");
    JsonObject order = new JsonObject().put("type", "TRADE_EXECUTION").put("ticker", "BUSO").put("action", "BUY")
      .put("quantity", quantity).put("price", "100").put("strategy", strategy).put("account", "acct-1")
      .put("venue", "XNAS").put("reason", "bus order");
    return await(engine.create(order)).approval();
  }

  static boolean override(ApprovalView v) {
    return v.json().containsKey("limit_override");
  }

  static String strategy() {
    return "s-" + UUID.randomUUID();
  }

  static List<String> actions(UUID id) {
    return sql(gw, "SELECT action FROM journal WHERE approval_id = ?::uuid ORDER BY seq", id.toString());
  }

  @Test
  void approvedOnceOverTheBusTheOverrideAuthorisesThatOrderOnlyAndIsJournaled() {
    String s = strategy();
    ApprovalView breach = created(800, s);
    assertThat(override(breach)).as("800 breaches max_quantity 500").isTrue();
    price(gw, "BUSO", "100");
    ApprovalView approved = await(risk.decide(breach.requestId(), Decision.APPROVE, null, "desk call",
      OverrideGrant.once()));
    assertThat(approved.status()).isEqualTo(ApprovalStatus.APPROVED);
    assertThat(approved.decisionChannel()).isEqualTo("bus");
    JsonObject granted = entries(gw, admin, breach.requestId().toString(), "limit_override_granted").get(0)
      .getJsonObject("payload");
    assertThat(granted.getString("grant")).isEqualTo("once");
    assertThat(entries(gw, admin, breach.requestId().toString(), "limit_raised")).isEmpty();
    assertThat(override(created(800, s))).as("once is not a raise").isTrue();
  }

  @Test
  void approvedWithARaiseOverTheBusTheLimitIsLiftedForItsTimeToTheChosenValue() {
    String s = strategy();
    ApprovalView breach = created(800, s);
    price(gw, "BUSO", "100");
    ApprovalView approved = await(risk.decide(breach.requestId(), Decision.APPROVE, null, "index rebalance",
      OverrideGrant.raise(Duration.ofMinutes(5), Map.of("max_quantity", new BigDecimal("1000")))));
    assertThat(approved.status()).isEqualTo(ApprovalStatus.APPROVED);
    JsonObject granted = entries(gw, admin, breach.requestId().toString(), "limit_override_granted").get(0)
      .getJsonObject("payload");
    assertThat(granted.getString("grant")).isEqualTo("raise");
    assertThat(granted.getInteger("raise_seconds")).isEqualTo(300);
    assertThat(entries(gw, admin, breach.requestId().toString(), "limit_raised")).hasSize(1);
    assertThat(override(created(950, s))).as("inside the raise").isFalse();
    assertThat(override(created(1001, s))).as("above the raised value").isTrue();
    assertThat(override(created(950, strategy()))).as("another strategy keeps the limit").isTrue();
  }

  @Test
  void aGrantOfTheWrongShapeIsRefusedByTheClientWithTheGatewaysOwnSec010AndNothingChanges() {
    ApprovalView breach = created(800, strategy());
    UUID id = breach.requestId();
    List<String> before = actions(id);
    String token = gw.token("risk-1", "approver");
    List<OverrideGrant> wrong = List.of(
      OverrideGrant.raise(Duration.ZERO),
      OverrideGrant.raise(Duration.ofMillis(1500)),
      OverrideGrant.raise(OverrideGrant.MAX_RAISE.plusSeconds(1)),
      OverrideGrant.raise(Duration.ofSeconds(60), Map.of()),
      OverrideGrant.raise(Duration.ofSeconds(60), Map.of("max_quantity", BigDecimal.ZERO)),
      OverrideGrant.raise(Duration.ofSeconds(60), Map.of("max_quantity", new BigDecimal("-5"))),
      OverrideGrant.raise(Duration.ofSeconds(60), Map.of("max_notional", new BigDecimal("1E10"))),
      OverrideGrant.raise(Duration.ofSeconds(60), Map.of("rolling_orders", new BigDecimal("2.5"))),
      OverrideGrant.raise(Duration.ofSeconds(-1), Map.of("max_quantity", BigDecimal.ZERO, "rolling_orders",
        new BigDecimal("0.5"))));
    AtomicInteger arrived = new AtomicInteger();
    Handler<DeliveryContext<Object>> count = ctx -> {
      if (Addresses.APPROVALS_DECIDE.equals(ctx.message().address())) {
        arrived.incrementAndGet();
      }
      ctx.next();
    };
    gw.gateway.vertx().eventBus().addInboundInterceptor(count);
    try {
      for (OverrideGrant g : wrong) {
        refusedAlike(id, token, g, arrived);
      }
      int sent = arrived.get();
      HitlException onReject = refusal(risk.decide(id, Decision.REJECT, "no", null, OverrideGrant.once()));
      assertThat(onReject.code()).isEqualTo(ErrorCodes.SEC_010);
      assertThat(onReject.extensions().get("errors"))
        .isEqualTo(new JsonObject().put("override", "goes only with an approval"));
      assertThat(arrived.get()).as("the client sent nothing for a grant with a rejection").isEqualTo(sent);
    } finally {
      gw.gateway.vertx().eventBus().removeInboundInterceptor(count);
    }
    assertThat(await(risk.get(id)).status()).isEqualTo(ApprovalStatus.PENDING);
    assertThat(actions(id)).as("nothing journaled").isEqualTo(before);
  }

  /** The client refuses {@code g} without sending it, with the errors the gateway answers when it is sent raw. */
  static void refusedAlike(UUID id, String token, OverrideGrant g, AtomicInteger arrived) {
    int sent = arrived.get();
    HitlException local = refusal(risk.decide(id, Decision.APPROVE, null, null, g));
    assertThat(arrived.get()).as("the client sent nothing for %s", g).isEqualTo(sent);
    JsonObject raw = new JsonObject().put("request_id", id.toString()).put("decision", "approve")
      .put("override", g.json());
    HitlException gateway = refusal(client.eventBus().<JsonObject>request(Addresses.APPROVALS_DECIDE, raw,
      new DeliveryOptions().addHeader(Headers.TOKEN, token)).transform(ar -> Future.failedFuture(ar.succeeded()
        ? new AssertionError("the gateway took " + g) : BusRefusals.decode(ar.cause()))));
    assertThat(gateway.code()).as("the gateway on %s", g).isEqualTo(ErrorCodes.SEC_010);
    assertThat(local.code()).as("the client on %s", g).isEqualTo(ErrorCodes.SEC_010);
    assertThat(local.extensions().get("errors")).as("the client's errors on %s", g)
      .isEqualTo(gateway.extensions().get("errors"));
    assertThat(arrived.get()).as("the raw grant reached the gateway").isEqualTo(sent + 1);
    assertThat(local.detail()).isEqualTo(gateway.detail());
  }

  @Test
  void aGrantTheRequestOrThePolicyDoesNotAllowIsRefusedByTheGatewayWithSec053() {
    ApprovalView plain = created(100, strategy());
    assertThat(override(plain)).isFalse();
    price(gw, "BUSO", "100");
    HitlException notAnOverride = refusal(risk.decide(plain.requestId(), Decision.APPROVE, null, null,
      OverrideGrant.once()));
    assertThat(notAnOverride.code()).isEqualTo(ErrorCodes.SEC_053);
    ApprovalView breach = created(800, strategy());
    List<String> before = actions(breach.requestId());
    HitlException tooLong = refusal(risk.decide(breach.requestId(), Decision.APPROVE, null, null,
      OverrideGrant.raise(Duration.ofSeconds(601))));
    assertThat(tooLong.code()).as(tooLong.detail()).isEqualTo(ErrorCodes.SEC_053);
    HitlException tooLow = refusal(risk.decide(breach.requestId(), Decision.APPROVE, null, null,
      OverrideGrant.raise(Duration.ofSeconds(60), Map.of("max_quantity", new BigDecimal("700")))));
    assertThat(tooLow.code()).as(tooLow.detail()).isEqualTo(ErrorCodes.SEC_053);
    assertThat(await(risk.get(breach.requestId())).status()).isEqualTo(ApprovalStatus.PENDING);
    assertThat(sql(gw, "SELECT action || ' ' || error_code FROM journal WHERE approval_id = ?::uuid ORDER BY seq "
      + "OFFSET " + before.size(), breach.requestId().toString())).as("only the two refusals are journaled")
      .containsExactly("decision_refused SEC-053", "decision_refused SEC-053");
  }
}
