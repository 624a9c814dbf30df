package io.hitl.gateway.expiry;

import static io.hitl.gateway.expiry.ExpiryTesting.actions;
import static io.hitl.gateway.expiry.ExpiryTesting.journal;
import static io.hitl.gateway.expiry.ExpiryTesting.sweep;
import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.MutableClock;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A gateway stops with pending, overdue and (while it is down) tampered requests; the next one recovers them. */
class RecoveryTest {
  static final Map<String, String> SETTINGS = Map.of("HITL_EXPIRY_SWEEP_SECONDS", "3600");
  static TestGateway after;
  static String admin;
  static String overdue;
  static String overdueApprove;
  static String waiting;
  static String noticed;
  static String tampered;
  static String tamperedDecided;

  @BeforeAll
  static void stopTamperAndRestart() {
    String db = TestDb.freshEmbedded();
    MutableClock clock = new MutableClock();
    try (TestGateway before = TestGateway.start(db, SETTINGS, clock)) {
      String engine = before.token("engine-1", "submitter");
      String alice = before.token("alice", "approver");
      noticed = create(before, engine, Map.of("timeout_seconds", 300, "escalate_before_seconds", 200));
      clock.advance(Duration.ofSeconds(101));
      sweep(before);
      overdue = create(before, engine, Map.of("timeout_seconds", 60));
      overdueApprove = create(before, engine, Map.of("timeout_seconds", 60, "timeout_action", "approve"));
      waiting = create(before, engine, Map.of("timeout_seconds", 3600));
      tampered = create(before, engine, Map.of("timeout_seconds", 3600));
      tamperedDecided = create(before, engine, Map.of("timeout_seconds", 3600));
      before.call("POST", "/api/v1/approvals/" + tamperedDecided + "/approve", alice, null);
    }
    ExpiryTesting.sql(db, "UPDATE approvals SET context = jsonb_set(context, '{price}', '\"1.0\"') WHERE id = ?",
      UUID.fromString(tampered));
    ExpiryTesting.sql(db, "UPDATE approvals SET decided_by = 'mallory' WHERE id = ?", UUID.fromString(tamperedDecided));
    clock.advance(Duration.ofSeconds(70));
    after = TestGateway.start(db, SETTINGS, clock);
    admin = after.token("ops", "admin");
  }

  @AfterAll
  static void stop() {
    after.close();
  }

  @Test
  void overdueRequestsGetTheirTimeoutActionDuringStartUp() {
    JsonObject expired = get(overdue);
    assertThat(expired.getString("status")).isEqualTo("expired");
    assertThat(expired.getString("decision_reason")).isEqualTo("HITL_TIMEOUT");
    assertThat(Instant.parse(expired.getString("decided_at")))
      .isAfterOrEqualTo(Instant.parse(expired.getString("expires_at")));
    JsonObject approved = get(overdueApprove);
    assertThat(approved.getString("status")).isEqualTo("approved");
    assertThat(approved.getString("decision_reason")).isEqualTo("HITL_TIMEOUT_AUTO_APPROVE");
    assertThat(actions(after, admin, overdue)).containsExactly("created", "expired");
  }

  @Test
  void aPendingRowTamperedWhileTheGatewayWasDownIsRejectedWithSec080() {
    JsonObject a = get(tampered);
    assertThat(a.getString("status")).isEqualTo("rejected");
    assertThat(a.getString("decision_reason")).isEqualTo("INTEGRITY_FAILURE");
    assertThat(a.getString("decided_by")).isEqualTo("system");
    List<JsonObject> journal = journal(after, admin, tampered);
    assertThat(journal.stream().map(e -> e.getString("action"))).containsExactly("created", "integrity_failure",
      "rejected");
    assertThat(journal.get(1).getString("error_code")).isEqualTo("SEC-080");
    assertThat(journal.get(1).getJsonObject("payload").getString("stored_row_hash"))
      .isNotEqualTo(journal.get(1).getJsonObject("payload").getString("computed_row_hash"));
  }

  @Test
  void pendingRequestsAreReArmedAndTheNoticeThatAlreadyFiredDoesNotFireAgain() {
    JsonObject status = sweep(after);
    JsonObject recovery = status.getJsonObject("recovery");
    assertThat(recovery.getInteger("pending")).isEqualTo(5);
    assertThat(recovery.getInteger("armed")).isEqualTo(2);
    assertThat(recovery.getInteger("overdue")).isEqualTo(2);
    assertThat(recovery.getInteger("tampered")).isEqualTo(1);
    assertThat(status.getInteger("armed")).isEqualTo(2);

    assertThat(get(waiting).getString("status")).isEqualTo("pending");
    assertThat(get(noticed).getString("status")).isEqualTo("pending");
    assertThat(actions(after, admin, noticed)).containsExactly("created", "escalated");
    after.clock.advance(Duration.ofSeconds(130));
    sweep(after);
    assertThat(actions(after, admin, noticed)).containsExactly("created", "escalated", "expired");
  }

  @Test
  void aDecidedRowTamperedWhileDownIsLeftToVerifyNotToRecovery() {
    assertThat(actions(after, admin, tamperedDecided)).containsExactly("created", "approved");
    JsonObject verify = after.call("GET", "/api/v1/audit/verify", admin, null).json();
    assertThat(verify.getJsonObject("approvals").getJsonArray("invalid_ids").getList()).contains(tamperedDecided);
  }

  @Test
  void recoveryRepublishesEveryPendingRequestWithItsNextTimer() throws Exception {
    List<JsonObject> published = new CopyOnWriteArrayList<>();
    Map<UUID, Instant> armed = new ConcurrentHashMap<>();
    List<UUID> handed = new CopyOnWriteArrayList<>();
    Recovery recovery = new Recovery(after.gateway.vertx(), after.gateway.pool(), after.clock, new MapScheduler(armed), id -> {
      handed.add(id);
      return Future.succeededFuture();
    }, published::add, after.gateway.config().timeoutDefaults());
    Recovery.Summary s = recovery.run().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

    List<String> pending = new ArrayList<>();
    after.call("GET", "/api/v1/approvals?status=pending", admin, null).json().getJsonArray("items")
      .forEach(o -> pending.add(((JsonObject) o).getString("request_id")));
    assertThat(s.pending()).isEqualTo(pending.size());
    assertThat(handed).isEmpty();
    assertThat(published.stream().map(e -> e.getJsonObject("approval").getString("request_id")))
      .containsExactlyInAnyOrderElementsOf(pending);
    for (JsonObject e : published) {
      assertThat(e.getString("event")).isEqualTo("recovered");
      assertThat(e.containsKey("seq")).isFalse();
      JsonObject a = e.getJsonObject("approval");
      assertThat(a.getString("status")).isEqualTo("pending");
      assertThat(e.getString("next_timer_at")).isEqualTo(a.getString("expires_at"));
      assertThat(armed.get(UUID.fromString(a.getString("request_id"))))
        .isEqualTo(Instant.parse(a.getString("expires_at")));
    }
  }

  /** Records what recovery arms, instead of arming Vert.x timers. */
  record MapScheduler(Map<UUID, Instant> armed) implements Scheduler {
    @Override
    public void schedule(UUID id, Instant at) {
      armed.put(id, at);
    }

    @Override
    public void cancel(UUID id) {
      armed.remove(id);
    }

    @Override
    public Instant dueAt(UUID id) {
      return armed.get(id);
    }

    @Override
    public int size() {
      return armed.size();
    }

    @Override
    public List<UUID> takeDue() {
      return List.of();
    }
  }

  private static String create(TestGateway gw, String token, Map<String, Object> extra) {
    TestGateway.Response r = gw.call("POST", "/api/v1/approvals/trade", token,
      TestGateway.trade().mergeIn(new JsonObject(extra)));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  private static JsonObject get(String id) {
    return after.call("GET", "/api/v1/approvals/" + id, admin, null).json();
  }
}
