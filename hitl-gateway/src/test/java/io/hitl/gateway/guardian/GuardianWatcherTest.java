package io.hitl.gateway.guardian;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.MutableClock;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The status endpoint poller against a local Guardian that can lock, unlock, fail and stop answering. */
class GuardianWatcherTest {
  enum Mode { UNLOCKED, LOCKED, ERROR, GARBAGE, SILENT }

  static Vertx fakeVertx;
  static HttpServer fake;
  static final AtomicReference<Mode> mode = new AtomicReference<>(Mode.UNLOCKED);
  static final AtomicInteger polls = new AtomicInteger();
  static final AtomicReference<String> lastRequest = new AtomicReference<>();
  static TestGateway gw;
  static MutableClock clock = new MutableClock();
  static String engine;
  static String admin;

  @BeforeAll
  static void start() throws Exception {
    fakeVertx = Vertx.vertx();
    fake = fakeVertx.createHttpServer().requestHandler(req -> {
      polls.incrementAndGet();
      lastRequest.set(req.method() + " " + req.uri());
      switch (mode.get()) {
        case UNLOCKED:
          req.response().putHeader("Content-Type", "application/json").end("{\"state\":\"UNLOCKED\"}");
          break;
        case LOCKED:
          req.response().putHeader("Content-Type", "application/json")
            .end("{\"state\":\"LOCKED\",\"reason\":\"daily drawdown 5%\"}");
          break;
        case ERROR:
          req.response().setStatusCode(500).end("boom");
          break;
        case GARBAGE:
          req.response().putHeader("Content-Type", "text/html").end("<html>maintenance</html>");
          break;
        default:
          break;
      }
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    gw = TestGateway.start(TestDb.freshEmbedded(), Map.of(
      "HITL_GUARDIAN_URL", "http://127.0.0.1:" + fake.actualPort() + "/guardian/status",
      "HITL_GUARDIAN_POLL_SECONDS", "1",
      "HITL_GUARDIAN_GRACE_SECONDS", "10"), clock);
    engine = gw.token("engine-1", "submitter");
    admin = gw.token("carol", "admin");
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
    fakeVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void guardianAnswersUnlocked() throws Exception {
    mode.set(Mode.UNLOCKED);
    await(g -> g.getString("state").equals("unlocked"));
  }

  private static JsonObject guardian() {
    return gw.call("GET", "/api/v1/guardian", admin, null).json();
  }

  private static JsonObject await(Predicate<JsonObject> p) {
    return Poll.until(GuardianWatcherTest::guardian, p, Duration.ofSeconds(30), "the Guardian state");
  }

  private static String pending() {
    return gw.call("POST", "/api/v1/approvals", engine, Map.of("type", "CONFIG_UPDATE", "title", "x")).json()
      .getString("request_id");
  }

  @Test
  void theGatewayPollsTheConfiguredUrlAndFollowsLockAndUnlock() throws Exception {
    String id = pending();
    assertThat(lastRequest.get()).isEqualTo("GET /guardian/status");
    assertThat(guardian().getJsonObject("endpoint").getString("last_contact_at")).isNotNull();

    mode.set(Mode.LOCKED);
    JsonObject locked = await(g -> g.getString("state").equals("locked"));
    assertThat(locked.getString("source")).isEqualTo("http");
    assertThat(locked.getString("reason")).isEqualTo("daily drawdown 5%");
    assertThat(gw.call("GET", "/api/v1/approvals/" + id, admin, null).json().getString("decision_reason"))
      .isEqualTo("GUARDIAN_LOCK");

    mode.set(Mode.UNLOCKED);
    assertThat(await(g -> g.getString("state").equals("unlocked")).getString("source")).isEqualTo("http");
  }

  @Test
  void anUnreachableGuardianFailsClosedAfterTheGracePeriodAndSaysSo() throws Exception {
    String id = pending();
    mode.set(Mode.SILENT);
    int before = polls.get();
    await(g -> polls.get() > before + 1 && g.getJsonObject("endpoint").getString("last_error") != null);
    assertThat(guardian().getString("state")).as("within the grace period").isEqualTo("unlocked");

    clock.advance(Duration.ofSeconds(11));
    JsonObject locked = await(g -> g.getString("state").equals("locked"));
    assertThat(locked.getString("source")).isEqualTo("fail_closed");
    assertThat(locked.getString("reason")).contains("unreachable").contains("failing closed");
    assertThat(locked.getString("changed_by")).isEqualTo("system");
    JsonObject rejected = gw.call("GET", "/api/v1/approvals/" + id, admin, null).json();
    assertThat(rejected.getString("status")).isEqualTo("rejected");
    assertThat(rejected.getString("decision_reason")).isEqualTo("GUARDIAN_LOCK");
    assertThat(gw.call("POST", "/api/v1/approvals", engine, Map.of("type", "CONFIG_UPDATE", "title", "y")).json()
      .getString("code")).isEqualTo("SEC-020");

    mode.set(Mode.UNLOCKED);
    await(g -> g.getString("state").equals("unlocked"));
  }

  @Test
  void errorAnswersCountAsUnreachableAndAManualLockOutlivesTheGuardiansUnlocked() throws Exception {
    mode.set(Mode.GARBAGE);
    int garbage = polls.get();
    JsonObject unusable = await(g -> polls.get() > garbage + 1
      && g.getJsonObject("endpoint").getString("last_error") != null);
    assertThat(unusable.getJsonObject("endpoint").getString("last_error")).contains("JSON object");
    assertThat(unusable.getString("state")).isEqualTo("unlocked");
    mode.set(Mode.ERROR);
    int before = polls.get();
    JsonObject failing = await(g -> polls.get() > before + 1 && g.getJsonObject("endpoint").getString("last_error") != null);
    assertThat(failing.getJsonObject("endpoint").getString("last_error")).contains("500");
    clock.advance(Duration.ofSeconds(11));
    await(g -> g.getString("source").equals("fail_closed"));

    assertThat(gw.call("POST", "/api/v1/guardian/unlock", admin, Map.of("reason", "checked by hand")).status())
      .isEqualTo(200);
    assertThat(gw.call("POST", "/api/v1/guardian/lock", admin, Map.of("reason", "hold until review")).status())
      .isEqualTo(200);
    mode.set(Mode.UNLOCKED);
    int now = polls.get();
    await(g -> polls.get() > now + 2);
    JsonObject g = guardian();
    assertThat(g.getString("state")).isEqualTo("locked");
    assertThat(g.getString("source")).isEqualTo("manual");
    gw.call("POST", "/api/v1/guardian/unlock", admin, Map.of());
  }
}
