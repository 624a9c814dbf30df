package io.hitl.gateway.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SPEC I1: whatever races, each request ends in exactly one terminal outcome. */
class ExactlyOneOutcomeTest {
  static final int REQUESTS = 10;
  static final int CALLS_PER_REQUEST = 50;
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded();

  @Test
  void exactlyOneTerminalOutcomeUnderConcurrentDecisions() throws Exception {
    String engine = gw.token("engine-1", "submitter");
    List<String> approvers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      approvers.add(gw.token("op-" + i, "approver"));
    }
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      ids.add(gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade()).json().getString("request_id"));
    }
    List<CompletableFuture<Response>> calls = new ArrayList<>();
    List<String> callIds = new ArrayList<>();
    for (int c = 0; c < CALLS_PER_REQUEST; c++) {
      for (String id : ids) {
        String token = approvers.get(c % approvers.size());
        String path = "/api/v1/approvals/" + id + (c % 2 == 0 ? "/approve" : "/reject");
        calls.add(gw.callAsync("POST", path, token, Map.of("reason", "race " + c), Map.of()));
        callIds.add(id);
      }
    }
    Map<String, Integer> winners = new java.util.HashMap<>();
    Map<String, String> winningStatus = new java.util.HashMap<>();
    for (int i = 0; i < calls.size(); i++) {
      Response r = calls.get(i).get();
      String id = callIds.get(i);
      if (r.status() == 200) {
        winners.merge(id, 1, Integer::sum);
        winningStatus.put(id, r.json().getString("status"));
      } else {
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.json().getString("code")).isEqualTo("SEC-012");
      }
    }
    for (String id : ids) {
      assertThat(winners.get(id)).as("winners of " + id).isEqualTo(1);
      Response after = gw.call("GET", "/api/v1/approvals/" + id, approvers.get(0), null);
      assertThat(after.json().getString("status")).isEqualTo(winningStatus.get(id));
    }
    // every loser saw the same outcome the winner wrote
    for (int i = 0; i < calls.size(); i++) {
      Response r = calls.get(i).get();
      if (r.status() == 409) {
        assertThat(r.json().getJsonObject("outcome").getString("status")).isEqualTo(winningStatus.get(callIds.get(i)));
      }
    }
    try (Connection c = TestDb.jdbc(gw.dbUrl()); PreparedStatement s = c.prepareStatement(
        "SELECT approval_id, count(*) FROM journal WHERE action IN ('approved', 'rejected') GROUP BY approval_id")) {
      try (ResultSet rs = s.executeQuery()) {
        int rows = 0;
        while (rs.next()) {
          rows++;
          assertThat(rs.getInt(2)).isEqualTo(1);
        }
        assertThat(rows).isEqualTo(REQUESTS);
      }
    }
  }
}
