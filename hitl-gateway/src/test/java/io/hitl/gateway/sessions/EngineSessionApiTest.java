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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Cancel-on-disconnect with the gateway's clock under the test's control: no waiting, the sweep asked for. */
class EngineSessionApiTest {
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded();
  static final String engine = gw.token("engine-1", "submitter");
  static final String otherEngine = gw.token("engine-2", "submitter");
  static final String alice = gw.token("alice", "approver");
  static final String admin = gw.token("carol", "admin");
  static final String viewer = gw.token("vic", "viewer");

  static JsonObject open(int timeout) {
    Response r = gw.call("POST", "/api/v1/sessions", engine, Map.of("heartbeat_timeout_seconds", timeout));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  static String bound(String session) {
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("session_id", session));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  static int sweep() throws Exception {
    DeliveryOptions o = new DeliveryOptions().addHeader(Headers.ACTOR, "ops").addHeader(Headers.ROLES, "admin");
    return gw.vertx().eventBus().<JsonObject>request(Addresses.SESSIONS_SWEEP, new JsonObject(), o)
      .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS).body().getInteger("lapsed");
  }

  static JsonObject request(String id) {
    return gw.call("GET", "/api/v1/approvals/" + id, admin, null).json();
  }

  @Test
  void aSessionWhoseHeartbeatsLapseHasItsPendingRequestsCancelledOnceAndTheEngineLearnsWhichOnReconnect()
      throws Exception {
    JsonObject s = open(30);
    String id = s.getString("id");
    assertThat(s.getString("state")).isEqualTo("open");
    assertThat(s.getString("owner")).isEqualTo("engine-1");
    List<String> boundIds = new ArrayList<>(List.of(bound(id), bound(id)));
    Response viaHeader = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade(),
      Map.of("Hitl-Session-Id", id));
    assertThat(viaHeader.status()).as(viaHeader.body()).isEqualTo(201);
    boundIds.add(viaHeader.json().getString("request_id"));
    String config = gw.call("POST", "/api/v1/approvals", engine, Map.of("type", "CONFIG_UPDATE", "title", "bound",
      "session_id", id)).json().getString("request_id");
    boundIds.add(config);
    String decided = bound(id);
    gw.quote("7203.T", "2850", "2851");
    assertThat(gw.call("POST", "/api/v1/approvals/" + decided + "/approve", alice, null).status()).isEqualTo(200);
    String unbound = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade()).json()
      .getString("request_id");

    gw.clock().advance(Duration.ofSeconds(20));
    Response hb = gw.call("POST", "/api/v1/sessions/" + id + "/heartbeat", engine, null);
    assertThat(hb.status()).as(hb.body()).isEqualTo(200);
    // the clock is real time plus the offset: 25 s after the heartbeat is well inside its 30 s
    gw.clock().advance(Duration.ofSeconds(25));
    sweep();
    assertThat(request(boundIds.get(0)).getString("status")).as("25 s after the heartbeat is not past it")
      .isEqualTo("pending");

    gw.clock().advance(Duration.ofSeconds(6));
    sweep();
    for (String b : boundIds) {
      JsonObject a = request(b);
      assertThat(a.getString("status")).isEqualTo("cancelled");
      assertThat(a.getString("decision_reason")).isEqualTo("ENGINE_DISCONNECTED");
      assertThat(a.getString("decided_by")).isEqualTo("system");
    }
    assertThat(request(decided).getString("status")).isEqualTo("approved");
    assertThat(request(unbound).getString("status")).isEqualTo("pending");

    Response lapsed = gw.call("POST", "/api/v1/sessions/" + id + "/heartbeat", engine, null);
    assertThat(lapsed.status()).isEqualTo(409);
    assertThat(lapsed.header("Content-Type")).startsWith("application/problem+json");
    assertThat(lapsed.json().getString("code")).isEqualTo("SEC-073");
    assertThat(lapsed.json().getString("session_id")).isEqualTo(id);
    assertThat(lapsed.json().getJsonArray("cancelled").getList()).containsExactlyInAnyOrderElementsOf(boundIds);
    JsonObject read = gw.call("GET", "/api/v1/sessions/" + id, engine, null).json();
    assertThat(read.getString("state")).isEqualTo("lapsed");
    assertThat(read.getInteger("cancelled_count")).isEqualTo(boundIds.size());
    assertThat(read.getJsonArray("cancelled").getList()).containsExactlyInAnyOrderElementsOf(boundIds);

    Response late = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("session_id", id)
      .put("trade_id", "after-lapse"));
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.json().getString("code")).isEqualTo("SEC-073");
    assertThat(sweep()).isZero();
    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement st = c.createStatement()) {
      assertThat(count(st, "SELECT count(*) FROM journal WHERE action = 'session_lapsed' AND target = 'session:"
        + id + "'")).isEqualTo(1);
      assertThat(count(st, "SELECT count(*) FROM journal WHERE action = 'cancelled' AND approval_id IN ('"
        + String.join("','", boundIds) + "')")).isEqualTo(boundIds.size());
      assertThat(count(st, "SELECT count(*) FROM approvals WHERE trade_id = 'after-lapse'")).isZero();
    }
    JsonObject verify = gw.call("GET", "/api/v1/audit/verify", admin, null).json();
    assertThat(verify.getBoolean("valid")).as(verify.encodePrettily()).isTrue();
  }

  @Test
  void aSessionIsItsOwnersAndBadInputIsRefusedWithoutAChange() throws Exception {
    String id = open(10).getString("id");
    assertThat(gw.call("POST", "/api/v1/sessions/" + id + "/heartbeat", otherEngine, null).json().getString("code"))
      .isEqualTo("SEC-011");
    assertThat(gw.call("GET", "/api/v1/sessions/" + id, otherEngine, null).status()).isEqualTo(404);
    assertThat(gw.call("GET", "/api/v1/sessions/" + id, admin, null).status()).isEqualTo(200);
    Response foreign = gw.call("POST", "/api/v1/approvals/trade", otherEngine, TestGateway.trade()
      .put("session_id", id).put("trade_id", "foreign-bind"));
    assertThat(foreign.json().getString("code")).isEqualTo("SEC-011");
    assertThat(gw.call("POST", "/api/v1/sessions", viewer, Map.of("heartbeat_timeout_seconds", 10)).status())
      .isEqualTo(403);
    assertThat(gw.call("POST", "/api/v1/sessions", null, Map.of("heartbeat_timeout_seconds", 10)).status())
      .isEqualTo(401);
    for (Object bad : List.of(Map.of("heartbeat_timeout_seconds", 0), Map.of("heartbeat_timeout_seconds", 601),
        Map.of("heartbeat_timeout_seconds", "30"), Map.of("heartbeat_timeout_seconds", 1.5), Map.of(),
        Map.of("heartbeat_timeout_seconds", 30, "name", "x"))) {
      Response r = gw.call("POST", "/api/v1/sessions", engine, bad);
      assertThat(r.status()).as(bad.toString()).isEqualTo(400);
      assertThat(r.json().getString("code")).isEqualTo("SEC-010");
    }
    assertThat(gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("session_id", "nope"))
      .status()).isEqualTo(400);
    assertThat(gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("session_id", id),
      Map.of("Hitl-Session-Id", UUID.randomUUID().toString())).status()).isEqualTo(400);
    assertThat(gw.call("POST", "/api/v1/sessions/" + UUID.randomUUID() + "/heartbeat", engine, null).status())
      .isEqualTo(404);
    assertThat(gw.call("POST", "/api/v1/sessions/not-a-uuid/heartbeat", engine, null).status()).isEqualTo(400);
    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement st = c.createStatement()) {
      assertThat(count(st, "SELECT count(*) FROM approvals WHERE trade_id = 'foreign-bind'")).isZero();
      assertThat(count(st, "SELECT count(*) FROM session_requests WHERE session_id = '" + id + "'")).isZero();
    }
  }

  @Test
  void aLapseRacingApprovalsLeavesEachRequestExactlyOneOutcome() throws Exception {
    gw.quote("7203.T", "2850", "2851");
    String id = open(5).getString("id");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      ids.add(bound(id));
    }
    gw.clock().advance(Duration.ofSeconds(6));
    List<CompletableFuture<Response>> approvals = new ArrayList<>();
    CompletableFuture<Integer> swept = null;
    for (int i = 0; i < ids.size(); i++) {
      approvals.add(gw.callAsync("POST", "/api/v1/approvals/" + ids.get(i) + "/approve", alice, Map.of(), Map.of()));
      if (i == 10) {
        swept = CompletableFuture.supplyAsync(() -> {
          try {
            return sweep();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
      }
    }
    swept.join();
    int approved = 0;
    for (CompletableFuture<Response> f : approvals) {
      Response r = f.join();
      assertThat(r.status()).as(r.body()).isIn(200, 409);
      approved += r.status() == 200 ? 1 : 0;
    }
    JsonObject session = gw.call("GET", "/api/v1/sessions/" + id, engine, null).json();
    assertThat(session.getString("state")).isEqualTo("lapsed");
    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement st = c.createStatement()) {
      String in = "('" + String.join("','", ids) + "')";
      assertThat(count(st, "SELECT count(*) FROM approvals WHERE status = 'PENDING' AND id IN " + in)).isZero();
      assertThat(count(st, "SELECT count(*) FROM approvals WHERE status = 'APPROVED' AND id IN " + in))
        .isEqualTo(approved);
      assertThat(count(st, "SELECT count(*) FROM approvals WHERE status = 'CANCELLED' AND id IN " + in))
        .isEqualTo(ids.size() - approved).isEqualTo(session.getInteger("cancelled_count").longValue());
      assertThat(count(st, "SELECT count(*) FROM journal WHERE action IN ('approved', 'cancelled', 'rejected', "
        + "'expired') AND approval_id IN " + in)).as("one terminal entry per request").isEqualTo(ids.size());
    }
  }

  static Response close(String id, String query, String token) {
    return gw.call("DELETE", "/api/v1/sessions/" + id + query, token, null);
  }

  @Test
  void closingASessionEndsItAndLeavesItsPendingRequestsToTheirOwnDeadlines() throws Exception {
    gw.quote("7203.T", "2850", "2851");
    String id = open(5).getString("id");
    List<String> pending = List.of(bound(id), bound(id));

    Response closed = close(id, "", engine);
    assertThat(closed.status()).as(closed.body()).isEqualTo(200);
    assertThat(closed.json().getString("state")).isEqualTo("closed");
    assertThat(closed.json().getString("closed_at")).isNotNull();
    assertThat(closed.json().getString("lapses_at")).isNull();
    assertThat(closed.json().getJsonArray("cancelled").getList()).isEmpty();
    for (String p : pending) {
      assertThat(request(p).getString("status")).isEqualTo("pending");
    }

    Response hb = gw.call("POST", "/api/v1/sessions/" + id + "/heartbeat", engine, null);
    assertThat(hb.status()).isEqualTo(409);
    assertThat(hb.json().getString("code")).isEqualTo("SEC-073");
    assertThat(hb.json().getString("state")).isEqualTo("closed");
    assertThat(hb.json().getString("closed_at")).isEqualTo(closed.json().getString("closed_at"));
    Response bind = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("session_id", id)
      .put("trade_id", "after-close"));
    assertThat(bind.status()).isEqualTo(409);
    assertThat(bind.json().getString("code")).isEqualTo("SEC-073");
    assertThat(bind.json().getString("state")).isEqualTo("closed");

    gw.clock().advance(Duration.ofSeconds(6));
    assertThat(sweep()).as("a closed session never lapses").isZero();
    for (String p : pending) {
      assertThat(request(p).getString("status")).isEqualTo("pending");
    }
    Response again = close(id, "?cancel_pending=true", engine);
    assertThat(again.status()).as("a second close answers the session as the first left it").isEqualTo(200);
    assertThat(again.json().getString("closed_at")).isEqualTo(closed.json().getString("closed_at"));
    assertThat(again.json().getInteger("cancelled_count")).isZero();
    for (String p : pending) {
      assertThat(request(p).getString("status")).isEqualTo("pending");
      assertThat(gw.call("POST", "/api/v1/approvals/" + p + "/approve", alice, null).status()).isEqualTo(200);
    }
    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement st = c.createStatement()) {
      assertThat(count(st, "SELECT count(*) FROM journal WHERE action = 'session_closed' AND target = 'session:"
        + id + "' AND actor = 'engine-1' AND payload->>'cancel_pending' = 'false'")).isEqualTo(1);
      assertThat(count(st, "SELECT count(*) FROM approvals WHERE trade_id = 'after-close'")).isZero();
    }
    JsonObject verify = gw.call("GET", "/api/v1/audit/verify", admin, null).json();
    assertThat(verify.getBoolean("valid")).as(verify.encodePrettily()).isTrue();
  }

  @Test
  void closingWithCancelPendingCancelsWhatIsStillPendingAsTheEnginesOwnCancel() throws Exception {
    gw.quote("7203.T", "2850", "2851");
    String id = open(30).getString("id");
    List<String> pending = List.of(bound(id), bound(id), bound(id));
    String decided = bound(id);
    assertThat(gw.call("POST", "/api/v1/approvals/" + decided + "/approve", alice, null).status()).isEqualTo(200);

    Response closed = close(id, "?cancel_pending=true", engine);
    assertThat(closed.status()).as(closed.body()).isEqualTo(200);
    assertThat(closed.json().getString("state")).isEqualTo("closed");
    assertThat(closed.json().getInteger("cancelled_count")).isEqualTo(3);
    assertThat(closed.json().getJsonArray("cancelled").getList()).containsExactlyInAnyOrderElementsOf(pending);
    for (String p : pending) {
      JsonObject a = request(p);
      assertThat(a.getString("status")).isEqualTo("cancelled");
      assertThat(a.getString("decision_reason")).isEqualTo("ENGINE_SESSION_CLOSED");
      assertThat(a.getString("decided_by")).isEqualTo("engine-1");
    }
    assertThat(request(decided).getString("status")).isEqualTo("approved");
    JsonObject read = gw.call("GET", "/api/v1/sessions/" + id, engine, null).json();
    assertThat(read.getJsonArray("cancelled").getList()).containsExactlyInAnyOrderElementsOf(pending);
    Response hb = gw.call("POST", "/api/v1/sessions/" + id + "/heartbeat", engine, null);
    assertThat(hb.json().getJsonArray("cancelled").getList()).containsExactlyInAnyOrderElementsOf(pending);
    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement st = c.createStatement()) {
      String in = "('" + String.join("','", pending) + "')";
      long closeSeq = count(st, "SELECT seq FROM journal WHERE action = 'session_closed' AND target = 'session:" + id
        + "' AND payload->>'cancel_pending' = 'true'");
      assertThat(count(st, "SELECT count(*) FROM journal WHERE action = 'cancelled' AND seq > " + closeSeq
        + " AND approval_id IN " + in)).as("the close's entry comes first, then one cancel per request")
        .isEqualTo(3);
    }

    // a lapsed session is answered as it is: a close does not turn a lapse into a close
    String lapsing = open(1).getString("id");
    gw.clock().advance(Duration.ofSeconds(2));
    sweep();
    Response late = close(lapsing, "?cancel_pending=true", engine);
    assertThat(late.status()).isEqualTo(200);
    assertThat(late.json().getString("state")).isEqualTo("lapsed");
    assertThat(late.json().getString("closed_at")).isNull();
    JsonObject verify = gw.call("GET", "/api/v1/audit/verify", admin, null).json();
    assertThat(verify.getBoolean("valid")).as(verify.encodePrettily()).isTrue();
  }

  @Test
  void onlyTheOwnerClosesASessionAndBadClosesChangeNothing() throws Exception {
    String id = open(30).getString("id");
    String p = bound(id);
    assertThat(close(id, "?cancel_pending=true", otherEngine).json().getString("code")).isEqualTo("SEC-011");
    assertThat(close(id, "?cancel_pending=true", otherEngine).status()).isEqualTo(404);
    assertThat(close(id, "", admin).status()).as("an admin reads sessions, it does not own them").isEqualTo(404);
    assertThat(close(id, "", viewer).status()).isEqualTo(403);
    assertThat(close(id, "", null).status()).isEqualTo(401);
    for (String bad : List.of("?cancel_pending=yes", "?cancel_pending=true&cancel_pending=false",
        "?cancel_pending=")) {
      Response r = close(id, bad, engine);
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(r.header("Content-Type")).startsWith("application/problem+json");
      assertThat(r.json().getString("code")).isEqualTo("SEC-010");
    }
    assertThat(close("not-a-uuid", "", engine).status()).isEqualTo(400);
    assertThat(close(UUID.randomUUID().toString(), "", engine).status()).isEqualTo(404);
    DeliveryOptions o = new DeliveryOptions().addHeader(Headers.ACTOR, "engine-1").addHeader(Headers.ROLES,
      "submitter");
    Throwable refused = gw.vertx().eventBus().request(Addresses.SESSIONS_CLOSE, new JsonObject().put("id", id)
      .put("cancel_pending", "true"), o).toCompletionStage().toCompletableFuture()
      .handle((m, t) -> t).get(60, TimeUnit.SECONDS);
    assertThat(refused).isNotNull();
    assertThat(refused.getMessage()).contains("SEC-010").contains("cancel_pending");
    assertThat(gw.call("GET", "/api/v1/sessions/" + id, engine, null).json().getString("state")).isEqualTo("open");
    assertThat(request(p).getString("status")).isEqualTo("pending");

    JsonObject viaBus = gw.vertx().eventBus().<JsonObject>request(Addresses.SESSIONS_CLOSE, new JsonObject()
      .put("id", id).put("cancel_pending", true), o).toCompletionStage().toCompletableFuture()
      .get(60, TimeUnit.SECONDS).body();
    assertThat(viaBus.getString("state")).isEqualTo("closed");
    assertThat(viaBus.getJsonArray("cancelled").getList()).containsExactly(p);
    assertThat(request(p).getString("decision_channel")).isEqualTo("bus");
    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement st = c.createStatement()) {
      assertThat(count(st, "SELECT count(*) FROM journal WHERE action = 'session_closed' AND target = 'session:"
        + id + "'")).isEqualTo(1);
    }
  }

  @Test
  void aCancellingCloseRacingApprovalsAndALapseEndsTheSessionOnceAndEachRequestOnce() throws Exception {
    gw.quote("7203.T", "2850", "2851");
    String id = open(5).getString("id");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      ids.add(bound(id));
    }
    // due for a lapse as the engine closes it: the close, the sweep and the approvals all race
    gw.clock().advance(Duration.ofSeconds(6));
    List<CompletableFuture<Response>> approvals = new ArrayList<>();
    CompletableFuture<Response> closing = null;
    CompletableFuture<Integer> swept = null;
    for (int i = 0; i < ids.size(); i++) {
      approvals.add(gw.callAsync("POST", "/api/v1/approvals/" + ids.get(i) + "/approve", alice, Map.of(), Map.of()));
      if (i == 10) {
        closing = gw.callAsync("DELETE", "/api/v1/sessions/" + id + "?cancel_pending=true", engine, null, Map.of());
      }
      if (i == 12) {
        swept = CompletableFuture.supplyAsync(() -> {
          try {
            return sweep();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
      }
    }
    Response closed = closing.join();
    swept.join();
    assertThat(closed.status()).as(closed.body()).isEqualTo(200);
    int approved = 0;
    for (CompletableFuture<Response> f : approvals) {
      Response r = f.join();
      assertThat(r.status()).as(r.body()).isIn(200, 409);
      approved += r.status() == 200 ? 1 : 0;
    }
    JsonObject session = gw.call("GET", "/api/v1/sessions/" + id, engine, null).json();
    assertThat(session.getString("state")).isIn("lapsed", "closed").isEqualTo(closed.json().getString("state"));
    String reason = session.getString("state").equals("closed") ? "ENGINE_SESSION_CLOSED" : "ENGINE_DISCONNECTED";
    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement st = c.createStatement()) {
      String in = "('" + String.join("','", ids) + "')";
      assertThat(count(st, "SELECT count(*) FROM journal WHERE action IN ('session_lapsed', 'session_closed') "
        + "AND target = 'session:" + id + "'")).as("the session ends once").isEqualTo(1);
      assertThat(count(st, "SELECT count(*) FROM approvals WHERE status = 'PENDING' AND id IN " + in)).isZero();
      assertThat(count(st, "SELECT count(*) FROM approvals WHERE status = 'APPROVED' AND id IN " + in))
        .isEqualTo(approved);
      assertThat(count(st, "SELECT count(*) FROM approvals WHERE status = 'CANCELLED' AND decision_reason = '"
        + reason + "' AND id IN " + in)).isEqualTo(ids.size() - approved)
        .isEqualTo(session.getInteger("cancelled_count").longValue());
      assertThat(count(st, "SELECT count(*) FROM journal WHERE action IN ('approved', 'cancelled', 'rejected', "
        + "'expired') AND approval_id IN " + in)).as("one terminal entry per request").isEqualTo(ids.size());
    }
  }

  static long count(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
