package io.hitl.gateway.policy;

import static io.hitl.gateway.policy.PolicyTesting.create;
import static io.hitl.gateway.policy.PolicyTesting.document;
import static io.hitl.gateway.policy.PolicyTesting.entries;
import static io.hitl.gateway.policy.PolicyTesting.policy;
import static io.hitl.gateway.policy.PolicyTesting.put;
import static io.hitl.gateway.policy.PolicyTesting.tickers;
import static io.hitl.gateway.policy.PolicyTesting.trade;
import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Votes racing on real PostgreSQL: never approved below the quorum, one outcome, a veto never lost. */
class QuorumRaceTest {
  static final int ROUNDS = 12;
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded();
  static final String admin = gw.token("ops-admin", "admin");
  static final String engine = gw.token("engine-1", "submitter");
  static final String[] APPROVERS = {"u1", "u2", "u3", "u4", "u5"};

  @BeforeAll
  static void start() {
    JsonArray users = new JsonArray();
    for (String u : APPROVERS) {
      users.add(u);
    }
    put(gw.get(), admin, document(new JsonObject(), policy("three-of-five", tickers("Q35")).put("required_approvals", 3)
      .put("approvers", new JsonObject().put("users", users))));
  }

  /** Sends every (approver, decision) at once; returns the responses in the same order. */
  static List<Response> race(String id, List<String[]> ballots) throws Exception {
    List<CompletableFuture<Response>> calls = new ArrayList<>();
    for (String[] b : ballots) {
      calls.add(gw.callAsync("POST", "/api/v1/approvals/" + id + "/" + b[1], gw.token(b[0], "approver"),
        new JsonObject(), Map.of()));
    }
    List<Response> out = new ArrayList<>();
    for (CompletableFuture<Response> c : calls) {
      out.add(c.get());
    }
    return out;
  }

  static int votes(String id, String decision) {
    return Integer.parseInt(PolicyTesting.sql(gw.get(), "SELECT count(*) FROM approval_votes WHERE approval_id = ? "
      + "AND decision = ?", UUID.fromString(id), decision).get(0));
  }

  static int terminalEntries(String id) {
    return entries(gw.get(), admin, id, "approved").size() + entries(gw.get(), admin, id, "rejected").size();
  }

  @Test
  void fiveConcurrentApprovalsApproveOnceWithExactlyThreeVotes() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String id = create(gw.get(), engine, trade("Q35")).getString("request_id");
      List<String[]> ballots = new ArrayList<>();
      for (String u : APPROVERS) {
        ballots.add(new String[] {u, "approve"});
      }
      List<Response> rs = race(id, ballots);
      assertThat(rs.stream().filter(r -> r.status() == 200)).hasSize(3);
      assertThat(rs.stream().filter(r -> r.status() == 409)).hasSize(2)
        .allSatisfy(r -> assertThat(r.json().getString("code")).isEqualTo("SEC-012"));
      JsonObject a = gw.call("GET", "/api/v1/approvals/" + id, admin, null).json();
      assertThat(a.getString("status")).isEqualTo("approved");
      assertThat(votes(id, "APPROVE")).isEqualTo(3);
      assertThat(entries(gw.get(), admin, id, "vote")).hasSize(2);
      assertThat(terminalEntries(id)).isEqualTo(1);
      assertThat(a.getJsonObject("progress").getJsonArray("approvers")).hasSize(3).contains(a.getString("decided_by"));
    }
  }

  @Test
  void duplicateConcurrentVotesByTwoPeopleNeverReachAQuorumOfThree() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String id = create(gw.get(), engine, trade("Q35")).getString("request_id");
      List<String[]> ballots = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        ballots.add(new String[] {"u1", "approve"});
        ballots.add(new String[] {"u2", "approve"});
      }
      assertThat(race(id, ballots)).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
      JsonObject a = gw.call("GET", "/api/v1/approvals/" + id, admin, null).json();
      assertThat(a.getString("status")).isEqualTo("pending");
      assertThat(a.getJsonObject("progress").getString("summary")).matches("2 of 3 approvals: u[12], u[12]");
      assertThat(votes(id, "APPROVE")).isEqualTo(2);
    }
  }

  @Test
  void aRacingVetoEitherWinsOrArrivesAfterAFullQuorumNeverBoth() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String id = create(gw.get(), engine, trade("Q35")).getString("request_id");
      List<String[]> ballots = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        ballots.add(new String[] {APPROVERS[i], "approve"});
      }
      ballots.add(new String[] {"u5", "reject"});
      List<Response> rs = race(id, ballots);
      JsonObject a = gw.call("GET", "/api/v1/approvals/" + id, admin, null).json();
      assertThat(terminalEntries(id)).isEqualTo(1);
      if (a.getString("status").equals("rejected")) {
        assertThat(a.getString("decided_by")).isEqualTo("u5");
        assertThat(votes(id, "APPROVE")).isLessThan(3);
      } else {
        assertThat(a.getString("status")).isEqualTo("approved");
        assertThat(votes(id, "APPROVE")).isEqualTo(3);
        assertThat(rs.get(4).json().getString("code")).as("the veto came after the quorum").isEqualTo("SEC-012");
      }
    }
  }
}
