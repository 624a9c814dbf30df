package io.hitl.gateway.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.SseProbe;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An engine's event stream as its session's heartbeat: alive while the stream is open, lapsing once it drops. */
class SessionStreamTest {
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded().with("HITL_ENGINE_SESSION_SWEEP_MS", "100");
  static final String engine = gw.token("engine-1", "submitter");
  static final String otherEngine = gw.token("engine-2", "submitter");
  static final String admin = gw.token("carol", "admin");
  static Vertx vertx;
  static HttpClient client;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    client = vertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  static String open(int timeout) {
    Response r = gw.call("POST", "/api/v1/sessions", engine, Map.of("heartbeat_timeout_seconds", timeout));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("id");
  }

  static JsonObject session(String id) {
    return gw.call("GET", "/api/v1/sessions/" + id, engine, null).json();
  }

  static int sweep() {
    DeliveryOptions o = new DeliveryOptions().addHeader(Headers.ACTOR, "ops").addHeader(Headers.ROLES, "admin");
    try {
      return gw.vertx().eventBus().<JsonObject>request(Addresses.SESSIONS_SWEEP, new JsonObject(), o)
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS).body().getInteger("lapsed");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static SseProbe stream(String path, String token, Map<String, String> headers) {
    Map<String, String> h = new java.util.HashMap<>(headers);
    h.put("Authorization", "Bearer " + token);
    SseProbe p = SseProbe.await(SseProbe.open(client, gw.port(), path, h));
    SseProbe.waitFor(p::connected, Duration.ofSeconds(10), "the stream to open");
    return p;
  }

  /** The refusal a stream open is answered with: "status body". */
  static String refused(String path, String token, Map<String, String> headers) {
    Map<String, String> h = new java.util.HashMap<>(headers);
    h.put("Authorization", "Bearer " + token);
    try {
      SseProbe.open(client, gw.port(), path, h).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause().getMessage();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    throw new AssertionError("the stream opened: " + path);
  }

  @Test
  void anOpenStreamKeepsItsSessionAliveAndOnceItDropsTheSessionLapsesAndCancelsItsPendingRequests() {
    String id = open(6);
    Response created = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("session_id", id));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String bound = created.json().getString("request_id");

    SseProbe s = stream("/api/v1/stream?session_id=" + id, engine, Map.of());
    for (int i = 0; i < 4; i++) {
      // 3 s at a time, 12 s in all against a 6 s timeout: only the stream's refreshes (every 2 s) keep it open
      gw.clock().advance(Duration.ofSeconds(3));
      Instant after = Times.micros(gw.clock().instant());
      Poll.until(() -> !Instant.parse(session(id).getString("last_heartbeat_at")).isBefore(after),
        Duration.ofSeconds(30), "the stream to refresh its session");
      assertThat(sweep()).isZero();
      assertThat(session(id).getString("state")).isEqualTo("open");
    }
    assertThat(gw.call("GET", "/api/v1/approvals/" + bound, admin, null).json().getString("status"))
      .isEqualTo("pending");

    s.close();
    // a refresh already under way when the stream dropped may still land: the session then lapses at a later sweep
    // (the node's own, every 100 ms, or the one asked for here)
    Poll.until(() -> {
      gw.clock().advance(Duration.ofSeconds(7));
      sweep();
      return session(id).getString("state");
    }, "lapsed"::equals, Duration.ofSeconds(30), "the session to lapse after its stream dropped");
    JsonObject a = gw.call("GET", "/api/v1/approvals/" + bound, admin, null).json();
    assertThat(a.getString("status")).isEqualTo("cancelled");
    assertThat(a.getString("decision_reason")).isEqualTo("ENGINE_DISCONNECTED");
    assertThat(session(id).getJsonArray("cancelled").getList()).containsExactly(bound);

    assertThat(refused("/api/v1/stream", engine, Map.of("Hitl-Session-Id", id))).startsWith("409")
      .contains("SEC-073").contains(bound);
  }

  @Test
  void theNodesOwnSweepLapsesAnOverdueSessionAtItsConfiguredPeriodWithoutBeingAsked() {
    String id = open(1);
    Response created = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("session_id", id));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    gw.clock().advance(Duration.ofSeconds(2));
    Poll.until(() -> session(id).getString("state"), "lapsed"::equals, Duration.ofSeconds(30),
      "the sweep (HITL_ENGINE_SESSION_SWEEP_MS=100) to lapse the session");
    assertThat(gw.call("GET", "/api/v1/approvals/" + created.json().getString("request_id"), admin, null).json()
      .getString("decision_reason")).isEqualTo("ENGINE_DISCONNECTED");
  }

  @Test
  void aSessionClosedWhileItsStreamIsOpenEndsTheStreamWithTheRefusal() {
    String id = open(3);
    SseProbe s = stream("/api/v1/stream", engine, Map.of("Hitl-Session-Id", id));
    Response closed = gw.call("DELETE", "/api/v1/sessions/" + id, engine, null);
    assertThat(closed.status()).as(closed.body()).isEqualTo(200);
    s.awaitEnded(Duration.ofSeconds(30));
    SseProbe.Event last = s.events().get(s.events().size() - 1);
    assertThat(last.name()).isEqualTo("session");
    assertThat(last.json().getString("code")).isEqualTo("SEC-073");
    assertThat(last.json().getString("state")).isEqualTo("closed");
    assertThat(last.json().getString("session_id")).isEqualTo(id);
  }

  @Test
  void aStreamMayKeepOnlyItsCallersSessionAndBadIdsAreRefused() {
    String id = open(30);
    assertThat(refused("/api/v1/stream?session_id=" + id, otherEngine, Map.of())).startsWith("404")
      .contains("SEC-011");
    assertThat(refused("/api/v1/stream?session_id=" + UUID.randomUUID(), engine, Map.of())).startsWith("404");
    assertThat(refused("/api/v1/stream?session_id=nope", engine, Map.of())).startsWith("400").contains("SEC-010");
    assertThat(refused("/api/v1/stream?session_id=" + id, engine, Map.of("Hitl-Session-Id",
      UUID.randomUUID().toString()))).startsWith("400").contains("SEC-010");
    String before = session(id).getString("last_heartbeat_at");
    gw.clock().advance(Duration.ofSeconds(1));
    assertThat(refused("/api/v1/stream?session_id=" + id, otherEngine, Map.of())).startsWith("404");
    assertThat(session(id).getString("last_heartbeat_at")).as("a refused stream is no heartbeat").isEqualTo(before);
  }
}
