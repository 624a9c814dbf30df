package io.hitl.gateway.guardian;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.hitl.gateway.bus.Headers;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GuardianApiTest {
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded().with("SLACK_WEBHOOK_URL", "http://127.0.0.1:9/hook");
  static final String engine = gw.token("engine-1", "submitter");
  static final String alice = gw.token("alice", "approver");
  static final String admin = gw.token("carol", "admin");
  static final String viewer = gw.token("vic", "viewer");
  static final List<JsonObject> events = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    gw.gateway().vertx().eventBus().<JsonObject>consumer("hitl.events", m -> events.add(m.body()));
  }

  @AfterEach
  void unlock() {
    gw.call("POST", "/api/v1/guardian/unlock", admin, Map.of("reason", "test over"));
  }

  private static String create() {
    Response r = gw.call("POST", "/api/v1/approvals", engine, Map.of("type", "CONFIG_UPDATE", "title", "raise limit"));
    assertThat(r.status()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  @Test
  void lockRejectsPendingRequestsRefusesNewOnesAndDecisionsThenUnlockRestores() {
    String a = create();
    String b = create();
    long blockedBefore = gw.call("GET", "/api/v1/guardian", viewer, null).json().getLong("blocked_by_guardian");

    Response lock = gw.call("POST", "/api/v1/guardian/lock", admin, Map.of("reason", "desk halt"));
    assertThat(lock.status()).isEqualTo(200);
    assertThat(lock.json().getString("state")).isEqualTo("locked");
    assertThat(lock.json().getString("source")).isEqualTo("manual");
    assertThat(lock.json().getInteger("rejected")).isEqualTo(2);
    assertThat(lock.json().getLong("blocked_by_guardian")).isEqualTo(blockedBefore + 2);

    for (String id : List.of(a, b)) {
      JsonObject r = gw.call("GET", "/api/v1/approvals/" + id, viewer, null).json();
      assertThat(r.getString("status")).isEqualTo("rejected");
      assertThat(r.getString("decision_reason")).isEqualTo("GUARDIAN_LOCK");
      assertThat(r.getString("decision_channel")).isEqualTo("system");
    }

    Response create = gw.call("POST", "/api/v1/approvals", engine, Map.of("type", "CONFIG_UPDATE", "title", "x"));
    assertThat(create.status()).isEqualTo(423);
    assertThat(create.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(create.json().getString("code")).isEqualTo("SEC-020");
    assertThat(create.json().getString("detail")).contains("desk halt");
    Response decide = gw.call("POST", "/api/v1/approvals/" + a + "/reject", alice, Map.of());
    assertThat(decide.status()).isEqualTo(423);
    assertThat(decide.json().getString("code")).isEqualTo("SEC-020");

    Response again = gw.call("POST", "/api/v1/guardian/lock", admin, Map.of());
    assertThat(again.json().getBoolean("changed")).isFalse();
    assertThat(again.json().getString("reason")).isEqualTo("desk halt");

    Response unlock = gw.call("POST", "/api/v1/guardian/unlock", admin, Map.of("reason", "resume"));
    assertThat(unlock.json().getString("state")).isEqualTo("unlocked");
    assertThat(unlock.json().getBoolean("changed")).isTrue();
    assertThat(gw.call("POST", "/api/v1/approvals", engine, Map.of("type", "CONFIG_UPDATE", "title", "y")).status())
      .isEqualTo(201);
  }

  @Test
  void everyStepIsJournaledAnnouncedAndQueuedForNotification() throws Exception {
    String a = create();
    events.clear();
    Response lock = gw.call("POST", "/api/v1/guardian/lock", admin, Map.of("reason", "audit me"));
    assertThat(lock.status()).isEqualTo(200);
    gw.call("POST", "/api/v1/approvals", engine, Map.of("type", "CONFIG_UPDATE", "title", "refused"));

    JsonArray journal = gw.call("GET", "/api/v1/audit?limit=10", viewer, null).json().getJsonArray("entries");
    JsonObject refused = journal.getJsonObject(0);
    assertThat(refused.getString("action")).isEqualTo("create_refused");
    assertThat(refused.getString("error_code")).isEqualTo("SEC-020");
    assertThat(refused.getString("actor")).isEqualTo("engine-1");
    JsonObject locked = find(journal, "guardian_locked");
    assertThat(locked.getString("actor")).isEqualTo("carol");
    assertThat(locked.getString("target")).isEqualTo("guardian");
    assertThat(locked.getString("previous_state")).isEqualTo("UNLOCKED");
    assertThat(locked.getString("new_state")).isEqualTo("LOCKED");
    assertThat(locked.getJsonObject("payload").getInteger("rejected")).isEqualTo(1);
    JsonObject rejected = gw.call("GET", "/api/v1/audit?approval_id=" + a, viewer, null).json()
      .getJsonArray("entries").getJsonObject(1);
    assertThat(rejected.getString("action")).isEqualTo("rejected");
    assertThat(rejected.getLong("seq")).isGreaterThan(locked.getLong("seq"));
    assertThat(rejected.getJsonObject("payload").getString("reason")).isEqualTo("GUARDIAN_LOCK");

    Poll.until(() -> events.size() >= 2, Duration.ofSeconds(30), "the lock's and the rejection's events");
    assertThat(events).extracting(e -> e.getString("event")).startsWith("guardian.locked", "decided");
    assertThat(events.get(0).getJsonObject("guardian").getString("state")).isEqualTo("LOCKED");
    assertThat(events.get(1).getJsonObject("approval").getString("decision_reason")).isEqualTo("GUARDIAN_LOCK");

    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT kind, approval_id, payload->'details'->>'reason' FROM outbox "
          + "WHERE kind = 'guardian.locked' ORDER BY id DESC LIMIT 1")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(2)).isNull();
      assertThat(rs.getString(3)).isEqualTo("audit me");
    }
    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM outbox WHERE approval_id = '" + a + "' AND kind = 'decided'")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }
  }

  @Test
  void onlyAdminsLockAndUnlockButEveryRoleReadsTheState() {
    Response r = gw.call("POST", "/api/v1/guardian/lock", alice, Map.of());
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().getString("code")).isEqualTo("SEC-002");
    assertThat(gw.call("POST", "/api/v1/guardian/unlock", engine, Map.of()).json().getString("code"))
      .isEqualTo("SEC-002");
    assertThat(gw.call("POST", "/api/v1/guardian/lock", null, Map.of()).status()).isEqualTo(401);
    assertThat(gw.call("POST", "/api/v1/guardian/lock", admin, Map.of("reason", 42)).json().getString("code"))
      .isEqualTo("SEC-010");
    JsonObject state = gw.call("GET", "/api/v1/guardian", viewer, null).json();
    assertThat(state.getString("state")).isEqualTo("unlocked");
    assertThat(state.getJsonObject("endpoint").getBoolean("configured")).isFalse();
  }

  @Test
  void jvmServicesLockAndUnlockOverGuardianStatusButCannotLiftAManualLock() throws Exception {
    String a = create();
    var bus = gw.gateway().vertx().eventBus();
    DeliveryOptions riskEngine = new DeliveryOptions().addHeader(Headers.ACTOR, "risk-engine")
      .addHeader(Headers.ROLES, "admin");
    Throwable noActor = bus.request("guardian.status", new JsonObject().put("state", "LOCKED")).toCompletionStage()
      .toCompletableFuture().handle((m, t) -> t).get(10, TimeUnit.SECONDS);
    assertThat(((ReplyException) noActor).failureCode()).isEqualTo(1);
    Throwable notAdmin = bus.request("guardian.status", new JsonObject().put("state", "LOCKED"),
      new DeliveryOptions().addHeader(Headers.ACTOR, "desk-bob").addHeader(Headers.ROLES, "approver"))
      .toCompletionStage().toCompletableFuture().handle((m, t) -> t).get(10, TimeUnit.SECONDS);
    assertThat(((ReplyException) notAdmin).failureCode()).isEqualTo(2);
    assertThat(gw.call("GET", "/api/v1/guardian", viewer, null).json().getString("state")).isEqualTo("unlocked");

    JsonObject reply = bus.<JsonObject>request("guardian.status", new JsonObject().put("state", "LOCKED")
      .put("reason", "risk engine: drawdown"), riskEngine).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body();
    assertThat(reply.getString("state")).isEqualTo("locked");
    assertThat(reply.getString("source")).isEqualTo("bus");
    assertThat(gw.call("GET", "/api/v1/approvals/" + a, viewer, null).json().getString("decision_reason"))
      .isEqualTo("GUARDIAN_LOCK");

    reply = bus.<JsonObject>request("guardian.status", new JsonObject().put("state", "UNLOCKED"), riskEngine)
      .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body();
    assertThat(reply.getString("state")).isEqualTo("unlocked");

    gw.call("POST", "/api/v1/guardian/lock", admin, Map.of("reason", "manual halt"));
    reply = bus.<JsonObject>request("guardian.status", new JsonObject().put("state", "UNLOCKED"), riskEngine)
      .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body();
    assertThat(reply.getString("state")).isEqualTo("locked");
    assertThat(reply.getString("reason")).isEqualTo("manual halt");

    Throwable bad = bus.request("guardian.status", new JsonObject().put("state", "SIDEWAYS"), riskEngine)
      .toCompletionStage()
      .toCompletableFuture().handle((m, t) -> t).get(10, TimeUnit.SECONDS);
    assertThat(bad).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) bad).failureCode()).isEqualTo(10);
  }

  private static JsonObject find(JsonArray entries, String action) {
    for (int i = 0; i < entries.size(); i++) {
      if (action.equals(entries.getJsonObject(i).getString("action"))) {
        return entries.getJsonObject(i);
      }
    }
    throw new AssertionError("no " + action + " in " + entries.encodePrettily());
  }
}
