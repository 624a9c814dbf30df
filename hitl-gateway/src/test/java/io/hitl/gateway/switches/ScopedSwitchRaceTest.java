package io.hitl.gateway.switches;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.NodeCluster;
import io.hitl.gateway.support.NodeCluster.Node;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A switch engaged on one node of a two-node cluster while both nodes take creates in and out of its scope
 * and approvals of pending trades in it: no trade in scope is created or approved after the engage commits,
 * none stays pending, and every create in scope sent to the other node once the engage has answered is refused.
 */
class ScopedSwitchRaceTest {
  static String dbUrl;
  static NodeCluster cluster;
  static String engine;
  static String admin;
  static final String[] approvers = new String[6];

  @BeforeAll
  static void start() {
    dbUrl = TestDb.freshEmbedded();
    cluster = NodeCluster.start(2, dbUrl, Map.of());
    engine = cluster.token("engine-1", "submitter");
    admin = cluster.token("carol", "admin");
    for (int i = 0; i < approvers.length; i++) {
      approvers[i] = cluster.token("approver-" + i, "approver");
    }
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static Node node(int i) {
    return cluster.node(i % 2);
  }

  static CompletableFuture<Response> create(int i, String venue) {
    return node(i).callAsync("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("venue", venue),
      Map.of());
  }

  @Test
  void noTradeInScopeIsCreatedOrApprovedAfterAnEngageCommitsOnEitherNode() throws Exception {
    int approvedInAllRounds = 0;
    long rejectedInAllRounds = 0;
    for (int round = 0; round < 3; round++) {
      String venue = "RACE-" + round;
      List<String> seeded = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        Response r = create(i, venue).join();
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        seeded.add(r.json().getString("request_id"));
      }
      List<CompletableFuture<Response>> approvals = new ArrayList<>();
      List<CompletableFuture<Response>> inScope = new ArrayList<>();
      List<CompletableFuture<Response>> outOfScope = new ArrayList<>();
      CompletableFuture<Response> engage = null;
      for (int i = 0; i < seeded.size(); i++) {
        approvals.add(node(i + 1).callAsync("POST", "/api/v1/approvals/" + seeded.get(i) + "/approve",
          approvers[i % approvers.length], Map.of(), Map.of()));
        inScope.add(create(i, venue));
        outOfScope.add(create(i + 1, "CALM"));
        if (i == 5 + round * 8) {
          engage = node(0).callAsync("POST", "/api/v1/switches", admin, Map.of("scope", "venue", "value", venue,
            "reason", "race " + round), Map.of());
        }
      }
      Response engaged = engage.join();
      assertThat(engaged.status()).as(engaged.body()).isEqualTo(201);
      // once the engage has answered, the other node refuses the very next trade in scope
      for (int i = 0; i < 5; i++) {
        Response r = node(1).call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("venue", venue));
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.json().getString("code")).isEqualTo("SEC-072");
      }
      int approved = 0;
      for (CompletableFuture<Response> f : approvals) {
        Response r = f.join();
        assertThat(r.status()).as(r.body()).isIn(200, 409);
        if (r.status() == 200) {
          approved++;
        } else {
          assertThat(r.json().getString("code")).isEqualTo("SEC-012");
        }
      }
      for (CompletableFuture<Response> f : inScope) {
        Response r = f.join();
        assertThat(r.status()).as(r.body()).isIn(201, 409);
        if (r.status() == 409) {
          assertThat(r.json().getString("code")).isEqualTo("SEC-072");
        }
      }
      for (CompletableFuture<Response> f : outOfScope) {
        assertThat(f.join().status()).isEqualTo(201);
      }

      try (Connection c = TestDb.jdbc(dbUrl); Statement s = c.createStatement()) {
        String scope = "type = 'TRADE_EXECUTION' AND context->>'venue' = '" + venue + "'";
        String ids = "SELECT id FROM approvals WHERE " + scope;
        long engagedSeq = count(s, "SELECT seq FROM journal WHERE action = 'switch_engaged' AND target = 'venue:"
          + venue + "'");
        assertThat(count(s, "SELECT count(*) FROM approvals WHERE status = 'PENDING' AND " + scope)).isZero();
        assertThat(count(s, "SELECT count(*) FROM journal WHERE action = 'created' AND seq > " + engagedSeq
          + " AND approval_id IN (" + ids + ")")).as("created after the engage").isZero();
        assertThat(count(s, "SELECT count(*) FROM journal WHERE action = 'approved' AND seq > " + engagedSeq
          + " AND approval_id IN (" + ids + ")")).as("approved after the engage").isZero();
        long rejected = count(s, "SELECT count(*) FROM approvals WHERE status = 'REJECTED' AND decision_reason = "
          + "'SCOPED_SWITCH' AND " + scope);
        assertThat(rejected).isEqualTo(engaged.json().getLong("rejected"));
        assertThat(count(s, "SELECT count(*) FROM approvals WHERE status = 'APPROVED' AND id IN ('"
          + String.join("','", seeded) + "')")).isEqualTo(approved);
        assertThat(count(s, "SELECT count(*) FROM approvals WHERE context->>'venue' = 'CALM' AND status <> 'PENDING'"))
          .as("trades out of scope left alone").isZero();
        rejectedInAllRounds += rejected;
      }
      approvedInAllRounds += approved;
      Response released = node(1).call("POST", "/api/v1/switches/" + engaged.json().getString("id") + "/release",
        admin, Map.of("reason", "round over"));
      assertThat(released.status()).isEqualTo(200);
    }
    assertThat(approvedInAllRounds).as("approvals that committed before an engage").isPositive();
    assertThat(rejectedInAllRounds).as("pending trades an engage rejected").isPositive();
    JsonObject verify = node(0).call("GET", "/api/v1/audit/verify", admin, null).json();
    assertThat(verify.getBoolean("valid")).as(verify.encodePrettily()).isTrue();
  }

  static long count(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
