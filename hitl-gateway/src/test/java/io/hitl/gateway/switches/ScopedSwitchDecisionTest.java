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
import java.util.concurrent.CompletableFuture;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A decision checks the switches again: approving a trade whose order (as asked, or after edits) is in an
 * engaged scope is refused with SEC-072 and the request is rejected as the engage would have rejected it.
 */
class ScopedSwitchDecisionTest {
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded();
  static final String engine = gw.token("engine-1", "submitter");
  static final String alice = gw.token("alice", "approver");
  static final String admin = gw.token("carol", "admin");

  @BeforeAll
  static void policies() {
    JsonObject edits = new JsonObject().put("allowed", new JsonArray().add("account").add("quantity"));
    JsonObject doc = new JsonObject().put("default", new JsonObject()).put("policies", new JsonArray()
      .add(new JsonObject().put("name", "desk-edits").put("match", new JsonObject()
        .put("tickers", new JsonArray().add("SWED"))).put("edits", edits)));
    Response r = gw.call("PUT", "/api/v1/policies", admin, doc);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    gw.quote("SWED", "2850", "2851");
  }

  @AfterEach
  void releaseAll() {
    for (Object o : gw.call("GET", "/api/v1/switches", admin, null).json().getJsonArray("items")) {
      gw.call("POST", "/api/v1/switches/" + ((JsonObject) o).getString("id") + "/release", admin, Map.of());
    }
  }

  static String pending(String account) {
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("ticker", "SWED")
      .put("account", account));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  static Response approve(String id, JsonObject edits) {
    return gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, edits == null ? null
      : new JsonObject().put("edits", edits));
  }

  static Response engage(String scope, String value) {
    Response r = gw.call("POST", "/api/v1/switches", admin, Map.of("scope", scope, "value", value, "reason",
      "account under review"));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r;
  }

  static void rejectedBySwitch(String id, Response refused, String label) throws Exception {
    assertThat(refused.status()).as(refused.body()).isEqualTo(409);
    assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    assertThat(refused.json().getString("code")).isEqualTo("SEC-072");
    assertThat(refused.json().getString("detail")).contains(label);
    JsonObject a = gw.call("GET", "/api/v1/approvals/" + id, admin, null).json();
    assertThat(a.getString("status")).isEqualTo("rejected");
    assertThat(a.getString("decision_reason")).isEqualTo("SCOPED_SWITCH");
    assertThat(a.getString("decided_by")).isEqualTo("system");
    assertThat(a.encode()).contains(label);
    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement st = c.createStatement()) {
      assertThat(count(st, "SELECT count(*) FROM journal WHERE approval_id = '" + id + "' AND action = 'approved'"))
        .isZero();
      assertThat(count(st, "SELECT count(*) FROM journal WHERE approval_id = '" + id + "' AND action = 'rejected' "
        + "AND actor = 'system'")).isEqualTo(1);
      assertThat(count(st, "SELECT count(*) FROM trades WHERE approval_id = '" + id + "' AND state = 'ACCEPTED'"))
        .isZero();
    }
  }

  @Test
  void anApprovalWhoseEditsMoveTheOrderIntoAnEngagedScopeIsRefusedAndTheRequestRejected() throws Exception {
    String id = pending("A-1");
    engage("account", "A-9");
    assertThat(gw.call("GET", "/api/v1/approvals/" + id, admin, null).json().getString("status"))
      .as("the engage does not reach an order outside its scope").isEqualTo("pending");

    rejectedBySwitch(id, approve(id, new JsonObject().put("account", "A-9")), "account A-9");

    Response again = approve(id, null);
    assertThat(again.status()).as("the request is decided: " + again.body()).isEqualTo(409);
    assertThat(again.json().getString("code")).isNotEqualTo("SEC-072");

    String other = pending("A-1");
    Response edited = approve(other, new JsonObject().put("quantity", 50));
    assertThat(edited.status()).as("edits that stay out of scope are approved: " + edited.body()).isEqualTo(200);
    assertThat(edited.json().getString("status")).isEqualTo("approved");

    JsonObject verify = gw.call("GET", "/api/v1/audit/verify", admin, null).json();
    assertThat(verify.getBoolean("valid")).as(verify.encodePrettily()).isTrue();
  }

  @Test
  void anApprovalAsAskedOfATradeInAnEngagedScopeIsRefusedAndTheRequestRejected() throws Exception {
    String id = pending("A-2");
    // a switch on the trade's account that no engage cascade ran for (written behind the gateway's back),
    // so the trade is still pending in its scope when it is approved
    UUID sw = UUID.randomUUID();
    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement st = c.createStatement()) {
      st.execute("INSERT INTO scoped_switches (id, scope_kind, scope_value, reason, set_by, set_at, rejected) "
        + "VALUES ('" + sw + "', 'account', 'A-2', 'manual', 'dba', now(), 0)");
    }
    try {
      rejectedBySwitch(id, approve(id, null), "account A-2");
      String rejected = pending("A-3");
      Response r = gw.call("POST", "/api/v1/approvals/" + rejected + "/reject", alice, Map.of("reason", "no"));
      assertThat(r.status()).as("a rejection is never stopped: " + r.body()).isEqualTo(200);
    } finally {
      try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement st = c.createStatement()) {
        st.execute("DELETE FROM scoped_switches WHERE id = '" + sw + "'");
      }
    }
  }

  @Test
  void approvalsThatEditOrdersIntoAScopeRacingItsEngageAreApprovedBeforeItOrRejectedByIt() throws Exception {
    for (int round = 0; round < 3; round++) {
      String target = "R-" + round + "-9";
      List<String> seeded = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        seeded.add(pending("R-" + round + "-1"));
      }
      List<CompletableFuture<Response>> approvals = new ArrayList<>();
      CompletableFuture<Response> engage = null;
      for (int i = 0; i < seeded.size(); i++) {
        approvals.add(gw.callAsync("POST", "/api/v1/approvals/" + seeded.get(i) + "/approve", alice,
          new JsonObject().put("edits", new JsonObject().put("account", target)), Map.of()));
        if (i == seeded.size() / 3) {
          engage = gw.callAsync("POST", "/api/v1/switches", admin, Map.of("scope", "account", "value", target,
            "reason", "race"), Map.of());
        }
      }
      Response engaged = engage.join();
      assertThat(engaged.status()).as(engaged.body()).isEqualTo(201);
      int refused = 0;
      for (CompletableFuture<Response> f : approvals) {
        Response r = f.join();
        if (r.status() == 409) {
          assertThat(r.json().getString("code")).as(r.body()).isEqualTo("SEC-072");
          refused++;
        } else {
          assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
      }
      try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement st = c.createStatement()) {
        long engagedSeq = count(st, "SELECT seq FROM journal WHERE action = 'switch_engaged' AND payload->>'switch_id' = '"
          + engaged.json().getString("id") + "'");
        String ids = "('" + String.join("','", seeded) + "')";
        assertThat(count(st, "SELECT count(*) FROM journal WHERE action = 'approved' AND seq > " + engagedSeq
          + " AND approval_id IN " + ids)).as("approved into the scope after its engage committed").isZero();
        assertThat(count(st, "SELECT count(*) FROM approvals WHERE status = 'REJECTED' AND decision_reason = "
          + "'SCOPED_SWITCH' AND id IN " + ids)).isEqualTo(refused);
        assertThat(count(st, "SELECT count(*) FROM approvals WHERE status = 'PENDING' AND id IN " + ids)).isZero();
      }
      gw.call("POST", "/api/v1/switches/" + engaged.json().getString("id") + "/release", admin, Map.of());
    }
  }

  static long count(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
