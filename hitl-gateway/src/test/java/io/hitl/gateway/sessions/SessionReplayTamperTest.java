package io.hitl.gateway.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The session tables are projections of the journal: sessions and bindings made through the gateway replay
 * exactly, and each row edited, deleted or inserted in PostgreSQL behind its back is named by verify.
 */
class SessionReplayTamperTest {
  // the test asks for its sweeps; none may run on its own after the rows are edited
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded().with("HITL_ENGINE_SESSION_SWEEP_MS", "60000");
  static final String engine = gw.token("engine-1", "submitter");
  static final String admin = gw.token("carol", "admin");

  static String open(int timeout) {
    Response r = gw.call("POST", "/api/v1/sessions", engine, Map.of("heartbeat_timeout_seconds", timeout));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("id");
  }

  static String bound(String session) {
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, session == null ? TestGateway.trade()
      : TestGateway.trade().put("session_id", session));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  static JsonObject verify() {
    Response r = gw.call("GET", "/api/v1/audit/verify", admin, null);
    assertThat(r.status()).isEqualTo(200);
    return r.json();
  }

  static List<JsonObject> differences(JsonObject report) {
    return report.getJsonObject("guards").getJsonArray("differences").stream().map(JsonObject.class::cast).toList();
  }

  static void sql(String... statements) throws Exception {
    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement s = c.createStatement()) {
      for (String st : statements) {
        s.execute(st);
      }
    }
  }

  static long seq(String action, String session) throws Exception {
    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT max(seq) FROM journal WHERE action = '" + action + "' AND target = "
          + "'session:" + session + "'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static void named(List<JsonObject> d, String table, String id, String field, String expected, String found,
      Long seq) {
    assertThat(d).as(table + " " + id + " " + field).anySatisfy(x -> {
      assertThat(x.getString("table")).isEqualTo(table);
      assertThat(x.getString("id")).isEqualTo(id);
      assertThat(x.getString("field")).isEqualTo(field);
      if (expected == null) {
        assertThat(x.getString("expected")).isNull();
      } else {
        assertThat(x.getString("expected")).contains(expected);
      }
      if (found == null) {
        assertThat(x.getString("found")).isNull();
      } else {
        assertThat(x.getString("found")).contains(found);
      }
      assertThat(x.getLong("journal_seq")).isEqualTo(seq);
    });
  }

  @Test
  void sessionsReplayExactlyAndEachRowEditedDeletedOrInsertedInSqlIsNamed() throws Exception {
    String kept = open(30);
    String r1 = bound(kept);
    String lapsing = open(1);
    bound(lapsing);
    String closed = open(30);
    String r3 = bound(closed);
    String closedCancelling = open(30);
    String r4 = bound(closedCancelling);
    String unbound = bound(null);
    assertThat(gw.call("DELETE", "/api/v1/sessions/" + closed, engine, null).status()).isEqualTo(200);
    assertThat(gw.call("DELETE", "/api/v1/sessions/" + closedCancelling + "?cancel_pending=true", engine, null)
      .status()).isEqualTo(200);
    gw.clock().advance(Duration.ofSeconds(5));
    assertThat(gw.call("POST", "/api/v1/sessions/" + kept + "/heartbeat", engine, null).status()).isEqualTo(200);
    DeliveryOptions o = new DeliveryOptions().addHeader(Headers.ACTOR, "ops").addHeader(Headers.ROLES, "admin");
    assertThat(gw.vertx().eventBus().<JsonObject>request(Addresses.SESSIONS_SWEEP, new JsonObject(), o)
      .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS).body().getInteger("lapsed")).isEqualTo(1);

    JsonObject clean = verify();
    assertThat(clean.getBoolean("valid")).as(clean.encodePrettily()).isTrue();
    assertThat(clean.getJsonObject("guards").getBoolean("replayed")).isTrue();
    assertThat(differences(clean)).isEmpty();

    UUID forged = UUID.randomUUID();
    sql("UPDATE engine_sessions SET lapsed_at = NULL, cancelled = 0 WHERE id = '" + lapsing + "'",
      "UPDATE engine_sessions SET timeout_seconds = 600 WHERE id = '" + kept + "'",
      "DELETE FROM session_requests WHERE approval_id = '" + r3 + "'",
      "UPDATE session_requests SET session_id = '" + kept + "' WHERE approval_id = '" + r4 + "'",
      "DELETE FROM engine_sessions WHERE id = '" + closedCancelling + "'",
      "INSERT INTO engine_sessions (id, owner, timeout_seconds, opened_at, last_seen_at) VALUES ('" + forged
        + "', 'mallory', 5, now(), now())",
      "INSERT INTO session_requests (approval_id, session_id) VALUES ('" + unbound + "', '" + kept + "')");

    JsonObject report = verify();
    assertThat(report.getBoolean("valid")).isFalse();
    List<JsonObject> d = differences(report);
    named(d, "engine_sessions", lapsing, "lapsed_at", "Z", null, seq("session_lapsed", lapsing));
    named(d, "engine_sessions", lapsing, "cancelled", "1", "0", seq("session_lapsed", lapsing));
    named(d, "engine_sessions", kept, "timeout_seconds", "30", "600", seq("session_opened", kept));
    named(d, "engine_sessions", closedCancelling, "row", "engine-1", null, seq("session_closed", closedCancelling));
    named(d, "engine_sessions", forged.toString(), "row", null, "mallory", null);
    named(d, "session_requests", r3, "row", closed, null, seq("session_bound", closed));
    named(d, "session_requests", r4, "session_id", closedCancelling, kept, seq("session_bound", closedCancelling));
    named(d, "session_requests", unbound, "row", null, kept, null);
    assertThat(d).extracting(x -> x.getString("id")).as("the untouched binding is not named").doesNotContain(r1);
    assertThat(d).hasSize(8);
  }
}
