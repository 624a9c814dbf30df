package io.hitl.gateway.guardian;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Approval settings on two gateway nodes sharing one database: a change on one applies on the other at once. */
class SettingsApiTest {
  // no market data on purpose: the paper auto-approval snapshot must cope with an unpriced ticker
  @RegisterExtension
  static final GatewayExtension node1 = GatewayExtension.embedded().with("HITL_QUOTE_MAX_AGE_SECONDS", "5");
  @RegisterExtension
  static final GatewayExtension node2 = GatewayExtension.alongside(node1).with("HITL_QUOTE_MAX_AGE_SECONDS", "5");
  static final String admin1 = node1.token("carol", "admin");
  static final String engine2 = node2.token("engine-1", "submitter");
  static final String viewer2 = node2.token("vic", "viewer");

  @AfterEach
  void reset() {
    Map<String, Object> defaults = new HashMap<>();
    defaults.put("trading_mode", "live");
    defaults.put("auto_approve_paper", false);
    defaults.put("require_approval_for_live", true);
    defaults.put("hitl_enabled", null);
    assertThat(node1.call("PUT", "/api/v1/settings/approval", admin1, defaults).status()).isEqualTo(200);
  }

  @Test
  void defaultsRequireAHumanForEveryTrade() {
    JsonObject s = node2.call("GET", "/api/v1/settings/approval", viewer2, null).json();
    assertThat(s.getString("trading_mode")).isEqualTo("live");
    assertThat(s.getBoolean("auto_approve_paper")).isFalse();
    assertThat(s.getBoolean("require_approval_for_live")).isTrue();
    assertThat(s.getBoolean("hitl_enabled")).isTrue();
    assertThat(s.getString("hitl_enabled_source")).isEqualTo("environment");
    assertThat(node2.call("POST", "/api/v1/approvals/trade", engine2, TestGateway.trade()).json().getString("status"))
      .isEqualTo("pending");
  }

  @Test
  void paperModeWithAutoApproveApprovesTradesAtOnceOnTheOtherNode() {
    Response put = node1.call("PUT", "/api/v1/settings/approval", admin1,
      Map.of("trading_mode", "paper", "auto_approve_paper", true));
    assertThat(put.status()).isEqualTo(200);
    assertThat(put.json().getString("updated_by")).isEqualTo("carol");

    JsonObject trade = node2.call("POST", "/api/v1/approvals/trade", engine2, TestGateway.trade()).json();
    assertThat(trade.getString("status")).isEqualTo("approved");
    assertThat(trade.getString("decision_channel")).isEqualTo("system");
    assertThat(trade.getString("decision_reason")).isEqualTo("PAPER_AUTO_APPROVE");
    JsonObject other = node2.call("POST", "/api/v1/approvals", engine2, Map.of("type", "CONFIG_UPDATE", "title", "x"))
      .json();
    assertThat(other.getString("status")).as("only trades are auto-approved in paper mode").isEqualTo("pending");

    JsonObject full = node2.call("GET", "/api/v1/approvals/" + trade.getString("request_id"), viewer2, null).json();
    assertThat(full.getJsonObject("trade").getString("state")).isEqualTo("ACCEPTED");
    JsonObject snapshot = full.getJsonObject("post_trade_snapshot");
    assertThat(snapshot.getString("requested_price")).isEqualTo("2850.5");
    assertThat(snapshot.getString("bid")).as("nobody priced the ticker").isNull();
  }

  @Test
  void hitlDisabledApprovesEveryRequestWithItsReasonAndCanReturnToTheEnvironmentDefault() {
    node1.call("PUT", "/api/v1/settings/approval", admin1, Map.of("hitl_enabled", false));
    JsonObject a = node2.call("POST", "/api/v1/approvals", engine2, Map.of("type", "CONFIG_UPDATE", "title", "x")).json();
    assertThat(a.getString("status")).isEqualTo("approved");
    assertThat(a.getString("decision_reason")).isEqualTo("HITL_DISABLED");
    assertThat(a.getString("decided_by")).isEqualTo("system");

    Map<String, Object> back = new HashMap<>();
    back.put("hitl_enabled", null);
    JsonObject s = node1.call("PUT", "/api/v1/settings/approval", admin1, back).json();
    assertThat(s.getString("hitl_enabled_source")).isEqualTo("environment");
    assertThat(node2.call("POST", "/api/v1/approvals", engine2, Map.of("type", "CONFIG_UPDATE", "title", "y")).json()
      .getString("status")).isEqualTo("pending");
  }

  @Test
  void disabledTradingRefusesTradeRequestsAndLiveWithoutApprovalApprovesThem() {
    node1.call("PUT", "/api/v1/settings/approval", admin1, Map.of("trading_mode", "disabled"));
    Response r = node2.call("POST", "/api/v1/approvals/trade", engine2, TestGateway.trade());
    assertThat(r.status()).isEqualTo(423);
    assertThat(r.json().getString("code")).isEqualTo("SEC-020");
    assertThat(r.json().getString("reason")).isEqualTo("TRADING_DISABLED");
    assertThat(node2.call("POST", "/api/v1/approvals", engine2, Map.of("type", "CONFIG_UPDATE", "title", "x"))
      .status()).isEqualTo(201);

    node1.call("PUT", "/api/v1/settings/approval", admin1, Map.of("trading_mode", "live",
      "require_approval_for_live", false));
    assertThat(node2.call("POST", "/api/v1/approvals/trade", engine2, TestGateway.trade()).json()
      .getString("decision_reason")).isEqualTo("LIVE_APPROVAL_NOT_REQUIRED");
  }

  @Test
  void changesAreAdminOnlyValidatedAndAudited() {
    Response r = node2.call("PUT", "/api/v1/settings/approval", node2.token("alice", "approver"),
      Map.of("trading_mode", "paper"));
    assertThat(r.status()).isEqualTo(403);
    r = node1.call("PUT", "/api/v1/settings/approval", admin1, Map.of("trading_mode", "yolo", "extra", 1));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().getJsonObject("errors").fieldNames()).contains("trading_mode", "extra");
    assertThat(node1.call("PUT", "/api/v1/settings/approval", admin1, "[1]").status()).isEqualTo(400);

    node1.call("PUT", "/api/v1/settings/approval", admin1, Map.of("trading_mode", "paper"));
    JsonObject entry = node2.call("GET", "/api/v1/audit?limit=5", viewer2, null).json().getJsonArray("entries")
      .getJsonObject(0);
    assertThat(entry.getString("action")).isEqualTo("settings_updated");
    assertThat(entry.getString("actor")).isEqualTo("carol");
    assertThat(entry.getString("previous_state")).isEqualTo("LIVE");
    assertThat(entry.getString("new_state")).isEqualTo("PAPER");
    assertThat(entry.getJsonObject("payload").getJsonObject("before").getString("trading_mode")).isEqualTo("live");
  }
}
