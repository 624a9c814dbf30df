package io.hitl.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.store.Database;
import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /metrics after real traffic: each domain counter moves by exactly what happened; Vert.x's meters are there. */
class MetricsApiTest {
  static final Map<String, String> SETTINGS = Map.of("HITL_METRICS_DB_REFRESH_SECONDS", "0",
    "HITL_EXPIRY_SWEEP_SECONDS", "3600");
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded().with(SETTINGS);
  static final String engine = gw.token("engine-1", "submitter");
  static final String alice = gw.token("alice", "approver");

  @Test
  void createApproveRejectExpireCancelAndRefusalsMoveEachCounterByExactlyTheirNumber() {
    Scrape before = scrape(gw.get());

    String pending = create(gw.get(), "/api/v1/approvals/trade", TestGateway.trade());
    String approved = create(gw.get(), "/api/v1/approvals/trade", TestGateway.trade());
    assertThat(gw.call("POST", "/api/v1/approvals/" + approved + "/approve", alice, Map.of()).status()).isEqualTo(200);
    String rejected = create(gw.get(), "/api/v1/approvals", generic("STRATEGY_CHANGE", 300));
    assertThat(gw.call("POST", "/api/v1/approvals/" + rejected + "/reject", alice, Map.of("reason", "too risky"))
      .status()).isEqualTo(200);
    String expiring = create(gw.get(), "/api/v1/approvals", generic("CONFIG_UPDATE", 60));
    String cancelled = create(gw.get(), "/api/v1/approvals", generic("RISK_LIMIT_CHANGE", 300));
    assertThat(gw.call("DELETE", "/api/v1/approvals/" + cancelled, engine, null).status()).isEqualTo(200);
    JsonObject keyed = generic("MANUAL_INTERVENTION", 300);
    Map<String, String> key = Map.of("Idempotency-Key", "metrics-once");
    assertThat(gw.call("POST", "/api/v1/approvals", engine, keyed, key).status()).isEqualTo(201);
    assertThat(gw.call("POST", "/api/v1/approvals", engine, keyed, key).status()).isEqualTo(200);
    assertThat(gw.call("POST", "/api/v1/approvals/" + approved + "/approve", alice, Map.of()).status()).isEqualTo(409);
    assertThat(gw.call("GET", "/api/v1/approvals/" + UUID.randomUUID(), alice, null).status()).isEqualTo(404);

    gw.clock().advance(Duration.ofSeconds(61));
    sweep(gw.get());
    assertThat(gw.call("GET", "/api/v1/approvals/" + expiring, alice, null).json().getString("status"))
      .isEqualTo("expired");

    Scrape after = scrape(gw.get());
    assertThat(after.delta(before, "hitl_requests_total", "type", "TRADE_EXECUTION")).isEqualTo(2);
    assertThat(after.delta(before, "hitl_requests_total", "type", "STRATEGY_CHANGE")).isEqualTo(1);
    assertThat(after.delta(before, "hitl_requests_total", "type", "CONFIG_UPDATE")).isEqualTo(1);
    assertThat(after.delta(before, "hitl_requests_total", "type", "RISK_LIMIT_CHANGE")).isEqualTo(1);
    assertThat(after.delta(before, "hitl_requests_total", "type", "MANUAL_INTERVENTION")).isEqualTo(1);
    assertThat(after.delta(before, "hitl_requests_total", "type", "OTHER")).isZero();

    assertThat(after.delta(before, "hitl_approvals_total", "reason", "manual")).isEqualTo(1);
    assertThat(after.sum("hitl_approvals_total", l -> true) - before.sum("hitl_approvals_total", l -> true))
      .isEqualTo(1);
    assertThat(after.delta(before, "hitl_rejections_total", "reason", "manual")).isEqualTo(1);
    assertThat(after.delta(before, "hitl_rejections_total", "reason", "timeout")).isEqualTo(1);
    assertThat(after.sum("hitl_rejections_total", l -> true) - before.sum("hitl_rejections_total", l -> true))
      .isEqualTo(2);
    assertThat(after.delta(before, "hitl_rejections_timeout_total")).isEqualTo(1);
    assertThat(after.delta(before, "hitl_expired_total")).isEqualTo(1);
    assertThat(after.delta(before, "hitl_cancelled_total")).isEqualTo(1);
    assertThat(after.delta(before, "hitl_escalations_total")).isZero();
    assertThat(after.delta(before, "hitl_reminders_total")).isZero();
    assertThat(after.delta(before, "hitl_integrity_alerts_total")).isZero();
    assertThat(after.sum("blocked_by_guardian_total", l -> true) - before.sum("blocked_by_guardian_total", l -> true))
      .isZero();

    assertThat(after.delta(before, "decision_latency_seconds_count", "type", "TRADE_EXECUTION", "outcome", "approved"))
      .isEqualTo(1);
    assertThat(after.delta(before, "decision_latency_seconds_count", "type", "STRATEGY_CHANGE", "outcome", "rejected"))
      .isEqualTo(1);
    assertThat(after.delta(before, "decision_latency_seconds_count", "type", "CONFIG_UPDATE", "outcome", "expired"))
      .isEqualTo(1);
    assertThat(after.delta(before, "decision_latency_seconds_count", "type", "RISK_LIMIT_CHANGE", "outcome",
      "cancelled")).isEqualTo(1);
    // the expired request waited its 60 s timeout (the clock moved 61 s, plus however long the calls took)
    assertThat(after.delta(before, "decision_latency_seconds_sum", "type", "CONFIG_UPDATE", "outcome", "expired"))
      .isGreaterThanOrEqualTo(60.0);
    assertThat(after.delta(before, "decision_latency_seconds_bucket", "type", "CONFIG_UPDATE", "outcome", "expired",
      "le", "60.0")).isZero();
    assertThat(after.delta(before, "decision_latency_seconds_bucket", "type", "CONFIG_UPDATE", "outcome", "expired",
      "le", "120.0")).isEqualTo(1);

    assertThat(after.delta(before, "hitl_refusals_total", "operation", "decide", "code", "SEC-012")).isEqualTo(1);
    assertThat(after.delta(before, "hitl_refusals_total", "operation", "get", "code", "SEC-011")).isEqualTo(1);
    assertThat(after.delta(before, "hitl_response_latency_seconds_count", "operation", "create", "result", "ok"))
      .isEqualTo(7);
    assertThat(after.delta(before, "hitl_response_latency_seconds_count", "operation", "decide", "result", "ok"))
      .isEqualTo(2);
    assertThat(after.delta(before, "hitl_response_latency_seconds_count", "operation", "decide", "result", "SEC-012"))
      .isEqualTo(1);
    assertThat(after.delta(before, "hitl_response_latency_seconds_count", "operation", "cancel", "result", "ok"))
      .isEqualTo(1);

    // the 60 s request expired once the clock had passed its deadline by 1 s; nothing else was decided by a timer
    assertThat(after.delta(before, "hitl_expiry_lateness_seconds_count")).isEqualTo(1);
    assertThat(after.delta(before, "hitl_expiry_lateness_seconds_sum")).isBetween(1.0, 1.0 + 30);
    assertThat(after.value("hitl_database_up")).isEqualTo(1);
    assertThat(after.value("hitl_guardian_locked")).isZero();

    // read from PostgreSQL: the trade left pending and the keyed request; the oldest at least 61 s old by the clock
    assertThat(after.delta(before, "hitl_pending_requests", "type", "TRADE_EXECUTION")).isEqualTo(1);
    assertThat(after.delta(before, "hitl_pending_requests", "type", "MANUAL_INTERVENTION")).isEqualTo(1);
    assertThat(after.sum("hitl_pending_requests", l -> true) - before.sum("hitl_pending_requests", l -> true))
      .isEqualTo(2);
    assertThat(after.value("hitl_oldest_pending_age_seconds")).isBetween(61.0, 61.0 + 30);
    assertThat(gw.call("GET", "/api/v1/approvals/" + pending, alice, null).json().getString("status"))
      .isEqualTo("pending");
  }

  @Test
  void aGuardianLockCountsEveryRejectedRequestAndEveryRefusalWhileLocked() {
    String admin = gw.token("ops-admin", "admin");
    for (int i = 0; i < 3; i++) {
      create(gw.get(), "/api/v1/approvals", generic("CONFIG_UPDATE", 300));
    }
    long pendingNow = gw.call("GET", "/api/v1/approvals?status=pending&limit=500", alice, null).json()
      .getJsonArray("items").size();
    Scrape before = scrape(gw.get());
    assertThat(gw.call("POST", "/api/v1/guardian/lock", admin, Map.of("reason", "drawdown")).status()).isEqualTo(200);
    assertThat(gw.call("POST", "/api/v1/approvals", engine, generic("CONFIG_UPDATE", 300)).status()).isEqualTo(423);
    assertThat(scrape(gw.get()).value("hitl_guardian_locked")).isEqualTo(1);
    assertThat(gw.call("POST", "/api/v1/guardian/unlock", admin, Map.of("reason", "recovered")).status())
      .isEqualTo(200);
    Scrape after = scrape(gw.get());
    assertThat(after.delta(before, "blocked_by_guardian_total", "stage", "cascade")).isEqualTo(pendingNow);
    assertThat(after.delta(before, "blocked_by_guardian_total", "stage", "create")).isEqualTo(1);
    assertThat(after.delta(before, "hitl_rejections_total", "reason", "guardian")).isEqualTo(pendingNow);
    assertThat(after.value("hitl_guardian_locked")).isZero();
  }

  @Test
  void openStreamsAreCountedWhileTheyAreOpen() throws Exception {
    Scrape before = scrape(gw.get());
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    var response = client.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + gw.port() + "/api/v1/stream")).header("Authorization", "Bearer " + alice)
      .build(), java.net.http.HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    Poll.until(() -> scrape(gw.get()).value("hitl_sse_connections") - before.value("hitl_sse_connections") >= 1,
      Duration.ofSeconds(30), "the stream counted");
    assertThat(scrape(gw.get()).value("hitl_sse_connections") - before.value("hitl_sse_connections")).isEqualTo(1);
    response.body().close();
    Poll.until(() -> scrape(gw.get()).value("hitl_sse_connections") <= before.value("hitl_sse_connections"),
      Duration.ofSeconds(30), "the closed stream no longer counted");
    assertThat(scrape(gw.get()).value("hitl_sse_connections")).isEqualTo(before.value("hitl_sse_connections"));
  }

  @Test
  void vertxHttpEventBusPoolAndJvmMetricsAreServedWithTheDomainOnes() {
    Scrape before = scrape(gw.get());
    create(gw.get(), "/api/v1/approvals/trade", TestGateway.trade());
    Response r = gw.call("GET", "/metrics", null, null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("text/plain; version=0.0.4");
    Scrape after = Scrape.parse(r.body());

    assertThat(after.sum("vertx_http_server_requests_total", l -> "201".equals(l.get("code"))
      && l.getOrDefault("route", "").endsWith("/api/v1/approvals/trade"))
      - before.sum("vertx_http_server_requests_total", l -> "201".equals(l.get("code"))
      && l.getOrDefault("route", "").endsWith("/api/v1/approvals/trade"))).isEqualTo(1);
    assertThat(after.has("vertx_http_server_response_time_seconds_bucket")).isTrue();
    assertThat(after.delta(before, "vertx_eventbus_processed_total", "address", Addresses.APPROVALS_CREATE, "side",
      "local")).isEqualTo(1);
    assertThat(after.value("vertx_eventbus_handlers", "address", Addresses.APPROVALS_CREATE)).isEqualTo(4);
    assertThat(after.value("vertx_pool_completed_total", "pool_type", "sql", "pool_name", Database.POOL_NAME))
      .isPositive();
    assertThat(after.has("jvm_memory_used_bytes")).isTrue();
    assertThat(after.has("jvm_gc_pause_seconds_count") || after.has("jvm_gc_memory_allocated_bytes_total")).isTrue();
    // the facade for the notifier and the SSE stream: present at zero before anything uses it
    assertThat(after.value("hitl_notifications_delivered_total", "channel", "slack")).isZero();
    assertThat(after.value("hitl_notifications_failed_total", "channel", "discord")).isZero();
    assertThat(after.value("hitl_outbox_depth", "channel", "webhook")).isZero();
    assertThat(after.has("hitl_sse_connections")).isTrue();
    // paths carry request ids: only route patterns may become labels
    assertThat(after.samples()).noneMatch(s -> s.labels().values().stream()
      .anyMatch(v -> v.matches(".*[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}.*")));
  }

  @Test
  void eachEventIsCountedOnlyByTheNodeThatCommittedItWhileBothNodesSeeEveryEvent() {
    try (TestGateway other = TestGateway.start(gw.dbUrl(), SETTINGS)) {
      MessageConsumer<JsonObject> toOther = bridge(gw.get(), other);
      try {
        bridge(other, gw.get());
        Scrape beforeA = scrape(gw.get());
        Scrape beforeB = scrape(other);

        String id = create(gw.get(), "/api/v1/approvals/trade", TestGateway.trade());
        assertThat(other.call("POST", "/api/v1/approvals/" + id + "/approve", other.token("bob", "approver"),
          Map.of()).status()).isEqualTo(200);

        Scrape a = scrape(gw.get());
        Scrape b = scrape(other);
        assertThat(a.delta(beforeA, "hitl_requests_total", "type", "TRADE_EXECUTION")).isEqualTo(1);
        assertThat(b.delta(beforeB, "hitl_requests_total", "type", "TRADE_EXECUTION")).isZero();
        assertThat(a.delta(beforeA, "hitl_approvals_total", "reason", "manual")).isZero();
        assertThat(b.delta(beforeB, "hitl_approvals_total", "reason", "manual")).isEqualTo(1);
        // both nodes did receive both events
        assertThat(a.delta(beforeA, "vertx_eventbus_received_total", "address", Addresses.EVENTS, "side", "local"))
          .isEqualTo(2);
        assertThat(b.delta(beforeB, "vertx_eventbus_received_total", "address", Addresses.EVENTS, "side", "local"))
          .isEqualTo(2);
        // the pending gauge is the whole cluster's, so both nodes report the same figure
        assertThat(a.sum("hitl_pending_requests", l -> true)).isEqualTo(b.sum("hitl_pending_requests", l -> true));
      } finally {
        await(toOther.unregister());
      }
    }
  }

  static Scrape scrape(TestGateway g) {
    Response r = g.call("GET", "/metrics", null, null);
    assertThat(r.status()).isEqualTo(200);
    return Scrape.parse(r.body());
  }

  static String create(TestGateway g, String path, JsonObject body) {
    Response r = g.call("POST", path, g.token("engine-1", "submitter"), body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  static JsonObject generic(String type, int timeoutSeconds) {
    return new JsonObject().put("type", type).put("title", "change " + type).put("timeout_seconds", timeoutSeconds);
  }

  static void sweep(TestGateway g) {
    try {
      g.gateway.vertx().eventBus().request(Addresses.EXPIRY_SWEEP, new JsonObject())
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Forwards what one gateway publishes on hitl.events to the other, as a clustered event bus would. */
  static MessageConsumer<JsonObject> bridge(TestGateway from, TestGateway to) {
    MessageConsumer<JsonObject> c = from.gateway.vertx().eventBus().consumer(Addresses.EVENTS, m -> {
      if (m.headers().get("test-bridged") == null) {
        to.gateway.vertx().eventBus().publish(Addresses.EVENTS, m.body(),
          new DeliveryOptions().addHeader("test-bridged", "1"));
      }
    });
    await(c.completion());
    return c;
  }

  private static void await(io.vertx.core.Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
