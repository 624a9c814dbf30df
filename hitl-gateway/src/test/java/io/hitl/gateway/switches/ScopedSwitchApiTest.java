package io.hitl.gateway.switches;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Scoped kill switches through the API: engage, the cascade on what is pending in scope, refusals, release. */
class ScopedSwitchApiTest {
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded();
  static final String engine = gw.token("engine-1", "submitter");
  static final String alice = gw.token("alice", "approver");
  static final String admin = gw.token("carol", "admin");
  static final String viewer = gw.token("vic", "viewer");

  @AfterEach
  void releaseAll() {
    for (Object o : gw.call("GET", "/api/v1/switches", admin, null).json().getJsonArray("items")) {
      gw.call("POST", "/api/v1/switches/" + ((JsonObject) o).getString("id") + "/release", admin, Map.of());
    }
  }

  static JsonObject trade(String key, String value) {
    return TestGateway.trade().put(key, value);
  }

  static String pending(JsonObject body) {
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  static String status(String id) {
    return gw.call("GET", "/api/v1/approvals/" + id, admin, null).json().getString("status");
  }

  @Test
  void engagingAVenueSwitchRejectsExactlyThePendingTradesOnThatVenue() throws Exception {
    List<String> inScope = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      inScope.add(pending(trade("venue", "XNAS").put("account", "acct-" + i)));
    }
    String otherVenue = pending(trade("venue", "XLON"));
    String noVenue = pending(TestGateway.trade());
    String similar = pending(trade("venue", "xnas"));
    String config = gw.call("POST", "/api/v1/approvals", engine, Map.of("type", "CONFIG_UPDATE",
      "title", "venue limits", "context", Map.of("venue", "XNAS"))).json().getString("request_id");
    String decided = pending(trade("venue", "XNAS"));
    gw.quote("7203.T", "2850", "2851");
    assertThat(gw.call("POST", "/api/v1/approvals/" + decided + "/approve", alice, null).status()).isEqualTo(200);

    Response engaged = gw.call("POST", "/api/v1/switches", admin, Map.of("scope", "venue", "value", "XNAS",
      "reason", "venue connectivity incident"));
    assertThat(engaged.status()).as(engaged.body()).isEqualTo(201);
    JsonObject s = engaged.json();
    assertThat(s.getString("scope")).isEqualTo("venue");
    assertThat(s.getString("value")).isEqualTo("XNAS");
    assertThat(s.getString("state")).isEqualTo("engaged");
    assertThat(s.getString("set_by")).isEqualTo("carol");
    assertThat(s.getString("reason")).isEqualTo("venue connectivity incident");
    assertThat(s.getString("set_at")).isNotNull();
    assertThat(s.getLong("rejected")).isEqualTo(3);

    for (String id : inScope) {
      JsonObject a = gw.call("GET", "/api/v1/approvals/" + id, admin, null).json();
      assertThat(a.getString("status")).isEqualTo("rejected");
      assertThat(a.getString("decision_reason")).isEqualTo("SCOPED_SWITCH");
      assertThat(a.getString("decided_by")).isEqualTo("system");
      assertThat(a.encode()).contains("venue XNAS").contains("venue connectivity incident");
    }
    assertThat(List.of(status(otherVenue), status(noVenue), status(similar), status(config)))
      .containsOnly("pending");
    assertThat(status(decided)).isEqualTo("approved");

    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement st = c.createStatement()) {
      long engagedSeq = count(st, "SELECT seq FROM journal WHERE action = 'switch_engaged' "
        + "AND payload->>'switch_id' = '" + s.getString("id") + "'");
      assertThat(count(st, "SELECT count(*) FROM journal WHERE action = 'rejected' AND seq > " + engagedSeq
        + " AND approval_id IN ('" + String.join("','", inScope) + "')")).isEqualTo(3);
      assertThat(count(st, "SELECT count(*) FROM journal WHERE action = 'rejected' AND approval_id IN ('"
        + String.join("','", List.of(otherVenue, noVenue, similar, config, decided)) + "')")).isZero();
    }
    JsonObject verify = gw.call("GET", "/api/v1/audit/verify", admin, null).json();
    assertThat(verify.getBoolean("valid")).as(verify.encodePrettily()).isTrue();
  }

  @Test
  void aTradeInAnEngagedScopeIsRefusedWithSec072NamingTheScopeAndAudited() {
    String id = gw.call("POST", "/api/v1/switches", admin, Map.of("scope", "strategy", "value", "momentum",
      "reason", "runaway fills")).json().getString("id");

    Response refused = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade());
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    assertThat(refused.json().getString("code")).isEqualTo("SEC-072");
    assertThat(refused.json().getString("detail")).contains("strategy momentum").contains("runaway fills");
    assertThat(refused.json().getString("switch_id")).isEqualTo(id);
    assertThat(refused.json().getString("scope")).isEqualTo("strategy");
    assertThat(refused.json().getString("value")).isEqualTo("momentum");
    assertThat(gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("strategy", "carry"))
      .status()).isEqualTo(201);
    assertThat(gw.call("POST", "/api/v1/approvals", engine, Map.of("type", "CONFIG_UPDATE", "title", "momentum",
      "context", Map.of("strategy", "momentum"))).status()).isEqualTo(201);

    JsonArray audit = gw.call("GET", "/api/v1/audit?limit=20", admin, null).json().getJsonArray("entries");
    assertThat(audit.stream().map(JsonObject.class::cast).filter(e -> "create_refused".equals(e.getString("action")))
      .findFirst().orElseThrow().getString("error_code")).isEqualTo("SEC-072");
  }

  @Test
  void aBatchIsStoppedByASwitchOnTheStrategyOfAnyOfItsTrades() {
    JsonObject batch = new JsonObject().put("ticker", "7203.T").put("trades", new JsonArray()
      .add(new JsonObject().put("action", "BUY").put("quantity", 10).put("price", "2850").put("strategy", "carry"))
      .add(new JsonObject().put("action", "BUY").put("quantity", 5).put("price", "2851").put("strategy", "momo-2")));
    Response created = gw.call("POST", "/api/v1/approvals/trade/batch", engine, batch);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().getString("request_id");

    Response engaged = gw.call("POST", "/api/v1/switches", admin, Map.of("scope", "strategy", "value", "momo-2",
      "reason", "bad fills"));
    assertThat(engaged.json().getLong("rejected")).isEqualTo(1);
    assertThat(status(id)).isEqualTo("rejected");
    Response again = gw.call("POST", "/api/v1/approvals/trade/batch", engine, batch);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().getString("code")).isEqualTo("SEC-072");
  }

  @Test
  void aSymbolSwitchMatchesTheTickerWhateverItsCase() {
    Response r = gw.call("POST", "/api/v1/switches", admin, Map.of("scope", "SYMBOL", "value", " 7203.t ",
      "reason", "halt"));
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.json().getString("value")).isEqualTo("7203.T");
    assertThat(gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade()).json().getString("code"))
      .isEqualTo("SEC-072");
    assertThat(gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("ticker", "6758.T"))
      .status()).isEqualTo(201);
  }

  @Test
  void aSecondEngageOnAnEngagedScopeKeepsTheFirstAndOnlyAnExplicitReleaseEndsIt() {
    Response first = gw.call("POST", "/api/v1/switches", admin, Map.of("scope", "desk", "value", "rates",
      "reason", "first"));
    Response again = gw.call("POST", "/api/v1/switches", admin, Map.of("scope", "desk", "value", "rates",
      "reason", "second"));
    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getBoolean("engaged")).isFalse();
    assertThat(again.json().getString("id")).isEqualTo(first.json().getString("id"));
    assertThat(again.json().getString("reason")).isEqualTo("first");
    String id = first.json().getString("id");
    assertThat(gw.call("POST", "/api/v1/approvals/trade", engine, trade("desk", "rates")).status()).isEqualTo(409);

    JsonArray listed = gw.call("GET", "/api/v1/switches", viewer, null).json().getJsonArray("items");
    assertThat(listed.stream().map(JsonObject.class::cast).map(o -> o.getString("id"))).containsExactly(id);

    Response released = gw.call("DELETE", "/api/v1/switches/" + id + "?reason=desk%20back", admin, null);
    assertThat(released.status()).as(released.body()).isEqualTo(200);
    assertThat(released.json().getString("state")).isEqualTo("released");
    assertThat(released.json().getString("released_by")).isEqualTo("carol");
    assertThat(released.json().getString("release_reason")).isEqualTo("desk back");
    assertThat(released.json().getString("released_at")).isNotNull();
    assertThat(gw.call("POST", "/api/v1/approvals/trade", engine, trade("desk", "rates")).status()).isEqualTo(201);

    Response twice = gw.call("POST", "/api/v1/switches/" + id + "/release", admin, Map.of("reason", "again"));
    assertThat(twice.status()).isEqualTo(409);
    assertThat(twice.json().getString("code")).isEqualTo("SEC-030");
    assertThat(gw.call("GET", "/api/v1/switches", viewer, null).json().getJsonArray("items")).isEmpty();
    JsonArray history = gw.call("GET", "/api/v1/switches?history=true", viewer, null).json().getJsonArray("items");
    assertThat(history.stream().map(JsonObject.class::cast).filter(o -> id.equals(o.getString("id")))
      .findFirst().orElseThrow().getString("released_by")).isEqualTo("carol");
  }

  @Test
  void onlyAdminsEngageOrReleaseAndBadInputIsRefusedWithoutAChange() throws Exception {
    String before = switchRows();
    Map<String, Object> body = Map.of("scope", "account", "value", "acct-9", "reason", "limit breach");
    assertThat(gw.call("POST", "/api/v1/switches", alice, body).json().getString("code")).isEqualTo("SEC-002");
    assertThat(gw.call("POST", "/api/v1/switches", engine, body).status()).isEqualTo(403);
    assertThat(gw.call("POST", "/api/v1/switches", null, body).status()).isEqualTo(401);
    assertThat(gw.call("GET", "/api/v1/switches", null, null).status()).isEqualTo(401);
    for (Object bad : List.of(Map.of("scope", "planet", "value", "x", "reason", "r"),
        Map.of("scope", "venue", "value", "", "reason", "r"),
        Map.of("scope", "venue", "value", "XNAS"),
        Map.of("scope", "venue", "value", "X".repeat(200), "reason", "r"),
        Map.of("scope", "venue", "value", "XN\u0000AS", "reason", "r"),
        Map.of("scope", "venue", "value", 7, "reason", "r"),
        Map.of("scope", "venue", "value", "XNAS", "reason", "r", "until", "later"))) {
      Response r = gw.call("POST", "/api/v1/switches", admin, bad);
      assertThat(r.status()).as(bad.toString()).isEqualTo(400);
      assertThat(r.json().getString("code")).isEqualTo("SEC-010");
    }
    assertThat(gw.call("POST", "/api/v1/switches/not-a-uuid/release", admin, Map.of()).status()).isEqualTo(400);
    assertThat(gw.call("POST", "/api/v1/switches/" + java.util.UUID.randomUUID() + "/release", admin, Map.of())
      .json().getString("code")).isEqualTo("SEC-011");
    assertThat(gw.call("GET", "/api/v1/switches?history=maybe", viewer, null).status()).isEqualTo(400);
    assertThat(switchRows()).isEqualTo(before);

    String id = gw.call("POST", "/api/v1/switches", admin, body).json().getString("id");
    Response byApprover = gw.call("POST", "/api/v1/switches/" + id + "/release", alice, Map.of());
    assertThat(byApprover.status()).isEqualTo(403);
    assertThat(gw.call("GET", "/api/v1/switches", viewer, null).json().getJsonArray("items")).hasSize(1);
  }

  static String switchRows() throws Exception {
    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*), md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), ''))"
           + " FROM scoped_switches x")) {
      rs.next();
      return rs.getLong(1) + ":" + rs.getString(2);
    }
  }

  static long count(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
