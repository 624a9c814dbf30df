package io.hitl.gateway.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The same guarantees against a PostgreSQL server the gateway did not start (HITL_TEST_DB_URL). */
class ExternalPostgresTest {

  @Test
  void createRaceDecideAuditAndRestartOnAnExternalServer() throws Exception {
    String db = TestDb.freshExternal();
    Assumptions.assumeTrue(db != null, "HITL_TEST_DB_URL is not set: no external PostgreSQL server to test against "
      + "(.ci/run sets it to the machine's server)");
    String id;
    try (TestGateway gw = TestGateway.start(db, Map.of())) {
      String engine = gw.token("engine-1", "submitter");
      id = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade(), Map.of("Idempotency-Key", "x1"))
        .json().getString("request_id");
      assertThat(gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade(), Map.of("Idempotency-Key", "x1"))
        .json().getString("request_id")).isEqualTo(id);
      List<CompletableFuture<Response>> calls = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        calls.add(gw.callAsync("POST", "/api/v1/approvals/" + id + (i % 2 == 0 ? "/approve" : "/reject"),
          gw.token("op-" + i, "approver"), Map.of("reason", "r"), Map.of()));
      }
      long winners = calls.stream().map(CompletableFuture::join).filter(r -> r.status() == 200).count();
      assertThat(winners).isEqualTo(1);
    }
    try (TestGateway again = TestGateway.start(db, Map.of())) {
      String viewer = again.token("vic", "viewer");
      assertThat(again.call("GET", "/api/v1/approvals/" + id, viewer, null).json().getString("status"))
        .isIn("approved", "rejected");
      assertThat(again.call("GET", "/api/v1/audit/verify", viewer, null).json().getBoolean("valid")).isTrue();
    }
  }
}
