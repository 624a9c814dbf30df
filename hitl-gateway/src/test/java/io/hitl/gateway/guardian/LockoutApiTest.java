package io.hitl.gateway.guardian;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LockoutApiTest {
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded();
  static final String engine = gw.token("engine-1", "submitter");
  static final String alice = gw.token("alice", "approver");
  static final String admin = gw.token("carol", "admin");
  static final String viewer = gw.token("vic", "viewer");

  private static JsonObject trade(String ticker) {
    return TestGateway.trade().put("ticker", ticker);
  }

  @Test
  void aManualLockoutRefusesTradesOnItsTickerUntilItEnds() {
    Response created = gw.call("POST", "/api/v1/lockouts", admin,
      Map.of("ticker", "aapl", "reason", "earnings call", "duration_seconds", 600));
    assertThat(created.status()).isEqualTo(201);
    JsonObject l = created.json();
    assertThat(l.getString("ticker")).isEqualTo("AAPL");
    assertThat(l.getString("source")).isEqualTo("manual");
    assertThat(l.getString("created_by")).isEqualTo("carol");

    Response refused = gw.call("POST", "/api/v1/approvals/trade", engine, trade("AAPL"));
    assertThat(refused.status()).isEqualTo(423);
    assertThat(refused.json().getString("code")).isEqualTo("SEC-021");
    assertThat(refused.json().getString("lockout_id")).isEqualTo(l.getString("id"));
    assertThat(refused.json().getString("detail")).contains("earnings call");
    assertThat(gw.call("POST", "/api/v1/approvals/trade", engine, trade("MSFT")).status()).isEqualTo(201);
    assertThat(gw.call("POST", "/api/v1/approvals", engine, Map.of("type", "CONFIG_UPDATE", "title", "AAPL limits"))
      .status()).isEqualTo(201);

    JsonArray audit = gw.call("GET", "/api/v1/audit?limit=20", viewer, null).json().getJsonArray("entries");
    JsonObject refusal = audit.stream().map(JsonObject.class::cast)
      .filter(e -> "create_refused".equals(e.getString("action"))).findFirst().orElseThrow();
    assertThat(refusal.getString("error_code")).isEqualTo("SEC-021");
    assertThat(refusal.getJsonObject("payload").getString("ticker")).isEqualTo("AAPL");
    assertThat(audit.stream().map(JsonObject.class::cast).anyMatch(e -> "lockout_created".equals(e.getString("action"))
      && "AAPL".equals(e.getString("target")))).isTrue();

    assertThat(gw.call("GET", "/api/v1/lockouts", viewer, null).json().getJsonArray("items").stream()
      .map(JsonObject.class::cast).map(o -> o.getString("id"))).contains(l.getString("id"));
    gw.clock().advance(Duration.ofSeconds(601));
    assertThat(gw.call("GET", "/api/v1/lockouts", viewer, null).json().getJsonArray("items").stream()
      .map(JsonObject.class::cast).map(o -> o.getString("id"))).doesNotContain(l.getString("id"));
    assertThat(gw.call("POST", "/api/v1/approvals/trade", engine, trade("AAPL")).status()).isEqualTo(201);
  }

  @Test
  void approvingAPendingTradeOnALockedOutTickerIsRefusedButRejectingItIsNot() {
    String a = gw.call("POST", "/api/v1/approvals/trade", engine, trade("NVDA")).json().getString("request_id");
    String b = gw.call("POST", "/api/v1/approvals/trade", engine, trade("NVDA")).json().getString("request_id");
    gw.quote("NVDA", "2850", "2850.5");
    gw.call("POST", "/api/v1/lockouts", admin, Map.of("ticker", "NVDA", "reason", "halted", "duration_seconds", 60));

    Response approve = gw.call("POST", "/api/v1/approvals/" + a + "/approve", alice, Map.of());
    assertThat(approve.status()).isEqualTo(423);
    assertThat(approve.json().getString("code")).isEqualTo("SEC-021");
    JsonArray trail = gw.call("GET", "/api/v1/audit?approval_id=" + a, viewer, null).json().getJsonArray("entries");
    JsonObject last = trail.getJsonObject(trail.size() - 1);
    assertThat(last.getString("action")).isEqualTo("decision_refused");
    assertThat(last.getString("error_code")).isEqualTo("SEC-021");

    assertThat(gw.call("POST", "/api/v1/approvals/" + b + "/reject", alice, Map.of()).json().getString("status"))
      .isEqualTo("rejected");
  }

  @Test
  void removingALockoutEarlyIsAuditedAndTakesEffectAtOnce() {
    String id = gw.call("POST", "/api/v1/lockouts", admin, Map.of("ticker", "TSLA", "reason", "volatility",
      "until", gw.clock().instant().plusSeconds(3600).toString())).json().getString("id");
    assertThat(gw.call("POST", "/api/v1/approvals/trade", engine, trade("TSLA")).status()).isEqualTo(423);

    assertThat(gw.call("DELETE", "/api/v1/lockouts/" + id, alice, Map.of()).status()).isEqualTo(403);
    Response removed = gw.call("DELETE", "/api/v1/lockouts/" + id, admin, Map.of("reason", "news was benign"));
    assertThat(removed.status()).isEqualTo(200);
    assertThat(removed.json().getString("removed_by")).isEqualTo("carol");
    assertThat(removed.json().getString("removed_reason")).isEqualTo("news was benign");
    assertThat(gw.call("POST", "/api/v1/approvals/trade", engine, trade("TSLA")).status()).isEqualTo(201);

    JsonObject audit = gw.call("GET", "/api/v1/audit?limit=50", viewer, null).json().getJsonArray("entries").stream()
      .map(JsonObject.class::cast).filter(e -> "lockout_removed".equals(e.getString("action"))).findFirst()
      .orElseThrow();
    assertThat(audit.getString("actor")).isEqualTo("carol");
    assertThat(audit.getString("previous_state")).isEqualTo("ACTIVE");
    assertThat(audit.getString("new_state")).isEqualTo("REMOVED");
    assertThat(audit.getJsonObject("payload").getLong("seconds_early")).isBetween(3500L, 3600L);
    assertThat(gw.call("DELETE", "/api/v1/lockouts/" + id, admin, Map.of()).json().getString("code"))
      .isEqualTo("SEC-011");
  }

  @Test
  void systemProcessesLockTickersOutOverTheBus() throws Exception {
    var bus = gw.gateway().vertx().eventBus();
    JsonObject l = bus.<JsonObject>request("hitl.lockouts.create", new JsonObject().put("ticker", "GME")
      .put("reason", "news shock: halt rumour").put("source", "news_shock").put("duration_seconds", 300))
      .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body();
    assertThat(l.getString("source")).isEqualTo("news_shock");
    assertThat(l.getString("created_by")).isEqualTo("system");
    bus.send("hitl.lockouts.create", new JsonObject().put("ticker", "AMC").put("reason", "cooldown after loss")
      .put("source", "cooldown").put("duration_seconds", 300), new DeliveryOptions().addHeader("hitl-actor", "risk-svc"));

    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, trade("GME"));
    assertThat(r.json().getString("code")).isEqualTo("SEC-021");
    assertThat(r.json().getString("lockout_source")).isEqualTo("news_shock");
    Poll.until(() -> gw.call("POST", "/api/v1/approvals/trade", engine, trade("AMC")).status() == 423,
      Duration.ofSeconds(30), "the cooldown lockout applied");

    Throwable manual = bus.request("hitl.lockouts.create", new JsonObject().put("ticker", "X").put("reason", "r")
      .put("duration_seconds", 5)).toCompletionStage().toCompletableFuture().handle((m, t) -> t).get(10,
        TimeUnit.SECONDS);
    assertThat(((ReplyException) manual).failureCode()).isEqualTo(1);
  }

  @Test
  void badLockoutsAreRefusedWithFieldErrorsAndNonAdminsCannotCreateThem() {
    Response r = gw.call("POST", "/api/v1/lockouts", admin, Map.of("ticker", "X", "reason", "r"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().getJsonObject("errors").getString("duration_seconds")).contains("exactly one");
    r = gw.call("POST", "/api/v1/lockouts", admin, Map.of("ticker", "X", "reason", "r", "duration_seconds", 5,
      "source", "news_shock"));
    assertThat(r.json().getJsonObject("errors").getString("source")).contains("manual");
    r = gw.call("POST", "/api/v1/lockouts", admin, Map.of("ticker", "X", "reason", "r", "duration_seconds", -5));
    assertThat(r.json().getString("code")).isEqualTo("SEC-010");
    assertThat(gw.call("POST", "/api/v1/lockouts", alice, Map.of("ticker", "X", "reason", "r", "duration_seconds", 5))
      .status()).isEqualTo(403);
    assertThat(gw.call("DELETE", "/api/v1/lockouts/not-a-uuid", admin, null).json().getString("code"))
      .isEqualTo("SEC-010");
    assertThat(gw.call("GET", "/api/v1/lockouts", gw.token("nobody"), null).status()).isEqualTo(403);
  }
}
