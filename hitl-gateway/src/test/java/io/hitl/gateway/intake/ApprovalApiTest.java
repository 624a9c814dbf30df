package io.hitl.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ApprovalApiTest {
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded();
  static final String engine = gw.token("engine-1", "submitter");
  static final String alice = gw.token("alice", "approver");
  static final String viewer = gw.token("vic", "viewer");

  @Test
  void tradeRequestIsCreatedWithDerivedTitleRiskLevelAndExpiry() {
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade());
    assertThat(r.status()).isEqualTo(201);
    JsonObject a = r.json();
    assertThat(a.getString("title")).isEqualTo("BUY 100 7203.T");
    assertThat(a.getString("status")).isEqualTo("pending");
    assertThat(a.getString("risk_level")).isEqualTo("MEDIUM");
    assertThat(a.getString("message")).isEqualTo("Approval request created");
    assertThat(a.getJsonObject("context").getString("price")).isEqualTo("2850.5");
    assertThat(a.getLong("seconds_remaining")).isBetween(298L, 300L);
    assertThat(r.header("Location")).isEqualTo("/api/v1/approvals/" + a.getString("request_id"));
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
  }

  @Test
  void approveThenRejectGivesSec012ShowingTheOutcome() {
    String id = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade()).json().getString("request_id");
    gw.quote("7203.T", "2850", "2851");
    Response ok = gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of("comment", "fine"));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().getString("status")).isEqualTo("approved");
    assertThat(ok.json().getString("decided_by")).isEqualTo("alice");
    assertThat(ok.json().getString("decision_channel")).isEqualTo("api");

    Response late = gw.call("POST", "/api/v1/approvals/" + id + "/reject", alice, Map.of("reason", "too late"));
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.header("Content-Type")).isEqualTo("application/problem+json");
    JsonObject p = late.json();
    assertThat(p.getString("code")).isEqualTo("SEC-012");
    assertThat(p.getJsonObject("outcome").getString("status")).isEqualTo("approved");
    assertThat(p.getJsonObject("outcome").getString("decided_by")).isEqualTo("alice");
    assertThat(p.getString("correlation_id")).isNotBlank();
  }

  @Test
  void decisionPastTheDeadlineIsRefusedWithSec013AndTheRequestExpires() {
    String id = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("timeout_seconds", 60))
      .json().getString("request_id");
    gw.clock().advance(Duration.ofSeconds(61));
    Response r = gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, null);
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().getString("code")).isEqualTo("SEC-013");
    JsonObject after = gw.call("GET", "/api/v1/approvals/" + id, viewer, null).json();
    assertThat(after.getString("status")).isEqualTo("expired");
    assertThat(after.getString("decision_reason")).isEqualTo("HITL_TIMEOUT");
    assertThat(after.getString("decision_channel")).isEqualTo("system");
  }

  @Test
  void auditTrailListsEveryStepInOrder() {
    String id = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade()).json().getString("request_id");
    gw.call("POST", "/api/v1/approvals/decision", alice, Map.of("request_id", id, "decision", "reject", "reason", "no"));
    JsonArray entries = gw.call("GET", "/api/v1/audit?approval_id=" + id, viewer, null).json().getJsonArray("entries");
    assertThat(entries.stream().map(e -> ((JsonObject) e).getString("action")))
      .containsExactly("created", "trade_state", "rejected", "trade_state");
    JsonObject rejected = entries.getJsonObject(2);
    assertThat(rejected.getString("actor")).isEqualTo("alice");
    assertThat(rejected.getString("previous_state")).isEqualTo("PENDING");
    assertThat(rejected.getString("new_state")).isEqualTo("REJECTED");
    assertThat(rejected.getString("prev_hash")).isEqualTo(entries.getJsonObject(1).getString("hash"));
  }
}
