package io.hitl.gateway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.client.ApprovalStatus;
import io.hitl.client.ApprovalView;
import io.hitl.client.Created;
import io.hitl.client.Decision;
import io.hitl.client.EngineClient;
import io.hitl.client.HitlException;
import io.hitl.client.contract.ErrorCodes;
import io.hitl.gateway.support.GatewayExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** hitl-client's HTTP engine client against a real gateway: what the gateway answers is what the client reports. */
class EngineClientGatewayTest {
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded();
  static Vertx vertx;
  static EngineClient engine;
  static EngineClient desk;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    engine = EngineClient.create(vertx, EngineClient.Options.of("http://127.0.0.1:" + gw.port(),
      gw.token("engine-1", "submitter")));
    desk = engine.withToken(gw.token("alice", "approver"));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  static JsonObject trade(String qty) {
    return new JsonObject().put("ticker", "7203.T").put("action", "BUY").put("quantity", qty).put("price", "2850.5");
  }

  @Test
  void aCreateRepeatedWithItsKeyFindsTheFirstRequestAndAnotherBodyUnderItIsRefused() throws Exception {
    String key = UUID.randomUUID().toString();
    Created first = await(engine.createTrade(trade("100"), key));
    Created again = await(engine.createTrade(trade("100"), key));
    assertThat(first.created()).isTrue();
    assertThat(again.created()).isFalse();
    assertThat(again.approval().requestId()).isEqualTo(first.approval().requestId());
    assertThat(first.approval().status()).isEqualTo(ApprovalStatus.PENDING);
    assertThatThrownBy(() -> await(engine.createTrade(trade("200"), key)))
      .isInstanceOfSatisfying(HitlException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCodes.SEC_014);
        assertThat(e.httpStatus()).isEqualTo(422);
      });
    Created other = await(engine.createTrade(trade("100")));
    assertThat(other.created()).as("a fresh key each time").isTrue();
    assertThat(other.approval().requestId()).isNotEqualTo(first.approval().requestId());
  }

  @Test
  void awaitDecisionReturnsOnceADeskDecides() throws Exception {
    UUID id = await(engine.createTrade(trade("10"))).approval().requestId();
    Future<ApprovalView> waiting = engine.awaitDecision(id, Duration.ofSeconds(60));
    await(engine.postQuote("7203.T", new BigDecimal("2850"), new BigDecimal("2851")));
    ApprovalView decided = await(desk.decide(id, Decision.APPROVE, null, "within limits"));
    assertThat(decided.status()).isEqualTo(ApprovalStatus.APPROVED);
    ApprovalView seen = await(waiting);
    assertThat(seen.status()).isEqualTo(ApprovalStatus.APPROVED);
    assertThat(seen.decidedBy()).isEqualTo("alice");
    assertThat(seen.json().getJsonArray("votes")).hasSize(1);
    assertThatThrownBy(() -> await(desk.decide(id, Decision.REJECT, "late", null)))
      .isInstanceOfSatisfying(HitlException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCodes.SEC_012);
        assertThat(e.extensions()).containsKey("outcome");
      });
  }

  @Test
  void awaitDecisionGivesThePendingRequestBackAtTheCallersDeadline() throws Exception {
    UUID id = await(engine.createTrade(trade("11"))).approval().requestId();
    EngineClient shortPolls = EngineClient.create(vertx, engine.options().withPollWindow(Duration.ofMillis(400)));
    ApprovalView v = await(shortPolls.awaitDecision(id, Duration.ofMillis(1500)));
    assertThat(v.status()).isEqualTo(ApprovalStatus.PENDING);
    assertThat(v.json().getBoolean("timed_out")).isTrue();
    assertThat(await(engine.cancel(id, "changed my mind")).status()).isEqualTo(ApprovalStatus.CANCELLED);
    assertThat(await(shortPolls.awaitDecision(id, Duration.ofSeconds(30))).status())
      .isEqualTo(ApprovalStatus.CANCELLED);
  }

  @Test
  void refusalsCarryTheGatewaysCodeStatusAndProblemMembers() throws Exception {
    assertThatThrownBy(() -> await(engine.get(UUID.randomUUID())))
      .isInstanceOfSatisfying(HitlException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCodes.SEC_011);
        assertThat(e.httpStatus()).isEqualTo(404);
      });
    assertThatThrownBy(() -> await(engine.createTrade(new JsonObject().put("ticker", "7203.T"))))
      .isInstanceOfSatisfying(HitlException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCodes.SEC_010);
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.extensions()).containsKey("errors");
      });
    UUID id = await(engine.createTrade(trade("12"))).approval().requestId();
    assertThatThrownBy(() -> await(engine.decide(id, Decision.APPROVE, null, null)))
      .isInstanceOfSatisfying(HitlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.SEC_002));
    assertThatThrownBy(() -> await(EngineClient.create(vertx, engine.options().withToken("not-a-token")).get(id)))
      .isInstanceOfSatisfying(HitlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.SEC_001));
  }

  @Test
  void theClientAcceptsAnApprovalOnlyForTheExactOrderItSent() throws Exception {
    JsonObject document = new JsonObject().put("policies", new io.vertx.core.json.JsonArray().add(new JsonObject()
      .put("name", "client-edits").put("match", new JsonObject().put("tickers", new io.vertx.core.json.JsonArray()
        .add("EDCL"))).put("edits", new JsonObject().put("allowed", new io.vertx.core.json.JsonArray()
          .add("quantity"))))).put("default", new JsonObject());
    assertThat(gw.call("PUT", "/api/v1/policies", gw.token("ops-admin", "admin"), document).status()).isEqualTo(201);
    await(engine.postQuote("EDCL", new BigDecimal("99.99"), new BigDecimal("100.01")));
    // the gateway's digest matches whatever spelling of the same order the engine used
    JsonObject asked = new JsonObject().put("ticker", "edcl").put("action", "buy").put("quantity", "10.00")
      .put("price", 100).put("strategy", "momo-1").put("account", "A-7").put("venue", "XNAS");
    Created plain = await(engine.createTrade(asked));
    assertThat(plain.approval().orderDigest()).isEqualTo(io.hitl.client.contract.OrderDigest.ofTrade(asked.getMap()));
    UUID plainId = plain.approval().requestId();
    await(desk.decide(plainId, Decision.APPROVE, null, "as asked"));
    ApprovalView approved = await(engine.awaitDecision(plainId, asked, Duration.ofSeconds(30)));
    assertThat(approved.status()).isEqualTo(ApprovalStatus.APPROVED);
    assertThatThrownBy(() -> EngineClient.verifyOrder(approved, asked.copy().put("price", "100.01")))
      .isInstanceOfSatisfying(HitlException.class, e -> assertThat(e.code()).isEqualTo(
        EngineClient.ORDER_DIGEST_MISMATCH));

    JsonObject second = asked.copy().put("quantity", "20");
    UUID id = await(engine.createTrade(second)).approval().requestId();
    var r = gw.call("POST", "/api/v1/approvals/" + id + "/approve", gw.token("alice", "approver"),
      new JsonObject().put("edits", new JsonObject().put("quantity", 5)));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().getString("order_digest")).isEqualTo(io.hitl.client.contract.OrderDigest.ofTrade(
      second.copy().put("quantity", "5").getMap()));
    assertThatThrownBy(() -> await(engine.awaitDecision(id, second, Duration.ofSeconds(30))))
      .as("an approval with edits authorises another order: the engine must not send the one it asked for")
      .isInstanceOfSatisfying(HitlException.class, e -> {
        assertThat(e.code()).isEqualTo(EngineClient.ORDER_DIGEST_MISMATCH);
        assertThat(e.extensions()).containsEntry("order_digest", r.json().getString("order_digest"));
      });
  }
}
