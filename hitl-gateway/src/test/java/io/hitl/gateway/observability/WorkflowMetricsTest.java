package io.hitl.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The decision-workflow metrics move by exactly what happened: edits, their refusals, acknowledgements, escalations, channels. */
class WorkflowMetricsTest {
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded().with(MetricsApiTest.SETTINGS);
  static final String admin = gw.token("ops-admin", "admin");
  static final String engine = gw.token("engine-1", "submitter");
  static final String alice = gw.token("alice", "approver");
  static final String rita = gw.token("rita", "viewer", "risk");

  @BeforeAll
  static void policy() {
    JsonObject edits = new JsonObject().put("allowed", new JsonArray().add("quantity"))
      .put("schema", new JsonObject().put("properties", new JsonObject()
        .put("quantity", new JsonObject().put("type", "number").put("exclusiveMinimum", 0))))
      .put("decrease_only", new JsonArray().add("quantity"));
    JsonObject doc = new JsonObject().put("default", new JsonObject()).put("policies", new JsonArray()
      .add(new JsonObject().put("name", "edits").put("match", new JsonObject().put("tickers", new JsonArray().add("WEDT")))
        .put("edits", edits))
      .add(new JsonObject().put("name", "ack").put("match", new JsonObject().put("tickers", new JsonArray().add("WACK")))
        .put("acknowledgements", new JsonArray().add("risk").add("compliance")))
      .add(new JsonObject().put("name", "esc").put("match", new JsonObject().put("types", new JsonArray().add("CONFIG_UPDATE")))
        .put("timeout_seconds", 120).put("timeout_action", "escalate").put("escalate_before_seconds", 60)
        .put("escalation_targets", new JsonArray().add("desk-head"))));
    Response r = gw.call("PUT", "/api/v1/policies", admin, doc);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    gw.get().quote("WEDT", "99.99", "100.01");
    gw.get().quote("WACK", "99.99", "100.01");
  }

  static String trade(String ticker) {
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("ticker", ticker)
      .put("price", "100"));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  @Test
  void editsTheirRefusalsAcknowledgementsEscalationsAndChannelsAreCounted() {
    Scrape before = MetricsApiTest.scrape(gw.get());
    String edited = trade("WEDT");
    Response bad = gw.call("POST", "/api/v1/approvals/" + edited + "/approve", alice,
      new JsonObject().put("edits", new JsonObject().put("quantity", 500)));
    assertThat(bad.json().getString("edit_refusal")).isEqualTo("direction");
    Response unknown = gw.call("POST", "/api/v1/approvals/" + edited + "/approve", alice,
      new JsonObject().put("edits", new JsonObject().put("price", 1)));
    assertThat(unknown.json().getString("edit_refusal")).isEqualTo("key_not_allowed");
    Response ok = gw.call("POST", "/api/v1/approvals/" + edited + "/approve", alice,
      new JsonObject().put("edits", new JsonObject().put("quantity", 40)), Map.of("X-Hitl-Channel", "console"));
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);

    String acked = trade("WACK");
    assertThat(gw.call("POST", "/api/v1/approvals/" + acked + "/acknowledge", rita,
      new JsonObject().put("persona", "risk")).status()).isEqualTo(200);

    Response config = gw.call("POST", "/api/v1/approvals", engine, MetricsApiTest.generic("CONFIG_UPDATE", 120));
    assertThat(config.status()).as(config.body()).isEqualTo(201);
    gw.get().clock.advance(Duration.ofSeconds(61));
    MetricsApiTest.sweep(gw.get());

    Scrape after = MetricsApiTest.scrape(gw.get());
    assertThat(after.value("hitl_param_overrides_total", "outcome", "applied")
      - before.value("hitl_param_overrides_total", "outcome", "applied")).isEqualTo(1);
    assertThat(after.value("hitl_param_overrides_total", "outcome", "rejected")
      - before.value("hitl_param_overrides_total", "outcome", "rejected")).isEqualTo(2);
    assertThat(after.value("hitl_override_rejections_total", "reason", "direction")).isEqualTo(1);
    assertThat(after.value("hitl_override_rejections_total", "reason", "key_not_allowed")).isEqualTo(1);
    assertThat(after.value("hitl_override_rejections_total", "reason", "schema_validation")).isZero();
    assertThat(after.value("hitl_persona_ack_total", "type", "TRADE_EXECUTION")).isEqualTo(1);
    assertThat(after.value("hitl_persona_pending")).as("compliance is still missing").isEqualTo(1);
    assertThat(after.value("hitl_escalations_by_type_total", "type", "CONFIG_UPDATE")).isEqualTo(1);
    assertThat(after.value("hitl_decisions_total", "channel", "console", "outcome", "approved")).isEqualTo(1);
    assertThat(after.value("hitl_decisions_total", "channel", "api", "outcome", "approved")).isZero();
    assertThat(after.value("hitl_pending_oldest_age_seconds", "type", "TRADE_EXECUTION"))
      .as("the acknowledged trade has waited since before the clock moved").isGreaterThanOrEqualTo(61);
    assertThat(after.value("hitl_pending_oldest_age_seconds", "type", "STRATEGY_CHANGE")).isZero();
  }
}
