package io.hitl.gateway.client;

import static io.hitl.gateway.support.Futures.await;
import static io.hitl.gateway.support.Futures.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.client.ApprovalStatus;
import io.hitl.client.EngineClient;
import io.hitl.client.EngineSession;
import io.hitl.client.HitlException;
import io.hitl.client.contract.ErrorCodes;
import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.Poll;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * hitl-client's engine sessions against a real gateway: kept alive by the client's heartbeats, lapsed once they
 * stop (the bound request cancelled, the engine told on its next heartbeat), and closed on purpose.
 */
class EngineClientSessionTest {
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded();
  static Vertx vertx;
  static EngineClient engine;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    engine = EngineClient.create(vertx, EngineClient.Options.of("http://127.0.0.1:" + gw.port(),
      gw.token("engine-1", "submitter")));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static UUID bound(EngineSession s) {
    JsonObject trade = new JsonObject().put("ticker", "7203.T").put("action", "BUY").put("quantity", "100")
      .put("price", "2850.5").put("session_id", s.id().toString());
    return await(engine.createTrade(trade)).approval().requestId();
  }

  @Test
  void heartbeatsKeepASessionOpenAndOnceTheyStopItLapsesAndTheEngineLearnsWhatWasCancelled() throws Exception {
    EngineSession s = await(engine.openSession(Duration.ofSeconds(30)));
    assertThat(s.open()).isTrue();
    assertThat(s.heartbeatTimeoutSeconds()).isEqualTo(30);
    UUID id = bound(s);

    CompletableFuture<HitlException> ended = new CompletableFuture<>();
    EngineClient.KeepAlive beats = engine.keepAlive(s.id(), Duration.ofMillis(100), ended::complete);
    EngineSession before = await(engine.session(s.id()));
    Poll.until(() -> await(engine.session(s.id())).lapsesAt().isAfter(before.lapsesAt()), Duration.ofSeconds(20),
      "a heartbeat moved the lapse time");
    await(beats.stop());
    assertThat(await(engine.get(id)).status()).as("kept alive").isEqualTo(ApprovalStatus.PENDING);

    gw.clock().advance(Duration.ofSeconds(31));
    Poll.until(() -> "lapsed".equals(await(engine.session(s.id())).state()), Duration.ofSeconds(20),
      "the session lapsed");
    assertThat(await(engine.get(id)).decisionReason()).isEqualTo("ENGINE_DISCONNECTED");
    assertThat(ended).as("stopped beats say nothing").isNotDone();

    HitlException told = refusal(engine.heartbeat(s.id()));
    assertThat(told.code()).isEqualTo(ErrorCodes.SEC_073);
    assertThat(String.valueOf(told.extensions().get("cancelled"))).contains(id.toString());
    assertThat(await(engine.session(s.id())).cancelled()).containsExactly(id);

    EngineClient.KeepAlive late = engine.keepAlive(s.id(), Duration.ofMillis(50), ended::complete);
    try {
      assertThat(ended.get(30, TimeUnit.SECONDS).code()).as("a keep-alive on an ended session is told at once")
        .isEqualTo(ErrorCodes.SEC_073);
    } finally {
      await(late.stop());
    }
  }

  @Test
  void aSessionClosedOnPurposeCancelsItsPendingRequestsOnlyWhenAsked() {
    EngineSession kept = await(engine.openSession(Duration.ofSeconds(60)));
    UUID left = bound(kept);
    EngineSession closed = await(engine.closeSession(kept.id(), false));
    assertThat(closed.state()).isEqualTo("closed");
    assertThat(await(engine.get(left)).status()).isEqualTo(ApprovalStatus.PENDING);

    EngineSession cancelling = await(engine.openSession(Duration.ofSeconds(60)));
    UUID cancelled = bound(cancelling);
    assertThat(await(engine.closeSession(cancelling.id(), true)).state()).isEqualTo("closed");
    assertThat(await(engine.get(cancelled)).status()).isEqualTo(ApprovalStatus.CANCELLED);
    assertThat(await(engine.get(cancelled)).decisionReason()).isEqualTo("ENGINE_SESSION_CLOSED");
    assertThat(await(engine.closeSession(cancelling.id(), true)).state()).as("closed twice: as it is")
      .isEqualTo("closed");
    assertThat(refusal(engine.heartbeat(cancelling.id())).code()).isEqualTo(ErrorCodes.SEC_073);
  }
}
