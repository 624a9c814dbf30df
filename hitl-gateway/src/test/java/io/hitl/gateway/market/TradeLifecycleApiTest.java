package io.hitl.gateway.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SPEC §4 trade lifecycle through the API and the bus. */
class TradeLifecycleApiTest {
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded();
  static final String engine = gw.token("engine-1", "submitter");
  static final String alice = gw.token("alice", "approver");
  static final String viewer = gw.token("vic", "viewer");

  private static Response event(String tradeId, Map<String, Object> body) {
    return gw.call("POST", "/api/v1/trades/" + tradeId + "/events", engine, body);
  }

  @Test
  void anApprovedTradeIsFilledClosedAndSettledWithEveryStepAudited() {
    JsonObject created = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("trade_id", "T-100"))
      .json();
    String id = created.getString("request_id");
    assertThat(gw.call("GET", "/api/v1/trades/T-100", viewer, null).json().getString("state"))
      .isEqualTo("AWAITING_APPROVAL");
    gw.quote("7203.T", "2850", "2851");
    assertThat(gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of()).status()).isEqualTo(200);
    assertThat(gw.call("GET", "/api/v1/trades/T-100", viewer, null).json().getString("state")).isEqualTo("ACCEPTED");

    Response filled = event("T-100", Map.of("event", "FILLED", "price", 2850.75, "quantity", 100));
    assertThat(filled.status()).isEqualTo(200);
    assertThat(filled.json().getString("state")).isEqualTo("FILLED");
    assertThat(event("T-100", Map.of("event", "closed")).json().getString("state")).isEqualTo("CLOSED");
    assertThat(event("T-100", Map.of("event", "SETTLED", "note", "T+2")).json().getString("state")).isEqualTo("SETTLED");

    JsonObject trade = gw.call("GET", "/api/v1/trades/T-100", viewer, null).json();
    assertThat(trade.getString("request_id")).isEqualTo(id);
    JsonArray history = trade.getJsonArray("history");
    assertThat(history.stream().map(JsonObject.class::cast).map(e -> e.getString("previous_state") + ">"
      + e.getString("new_state"))).containsExactly("PENDING>AWAITING_APPROVAL", "AWAITING_APPROVAL>ACCEPTED",
        "ACCEPTED>FILLED", "FILLED>CLOSED", "CLOSED>SETTLED");
    JsonObject fill = history.getJsonObject(2);
    assertThat(fill.getString("actor")).isEqualTo("engine-1");
    assertThat(fill.getJsonObject("payload").getString("price")).isEqualTo("2850.75");
    assertThat(history.getJsonObject(1).getString("actor")).isEqualTo("alice");
  }

  @Test
  void invalidTransitionsAreRefusedWithSec030AndAuditedWithPreviousAndNewState() {
    String id = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("trade_id", "T-200")).json()
      .getString("request_id");
    Response early = event("T-200", Map.of("event", "SETTLED"));
    assertThat(early.status()).isEqualTo(409);
    assertThat(early.json().getString("code")).isEqualTo("SEC-030");
    assertThat(early.json().getString("previous_state")).isEqualTo("AWAITING_APPROVAL");
    assertThat(early.json().getString("new_state")).isEqualTo("SETTLED");

    gw.call("POST", "/api/v1/approvals/" + id + "/reject", alice, Map.of("reason", "no"));
    assertThat(gw.call("GET", "/api/v1/trades/T-200", viewer, null).json().getString("state")).isEqualTo("REJECTED");
    Response afterReject = event("T-200", Map.of("event", "FILLED"));
    assertThat(afterReject.json().getString("code")).isEqualTo("SEC-030");
    assertThat(afterReject.json().getString("detail")).contains("REJECTED is final");

    JsonArray trail = gw.call("GET", "/api/v1/audit?approval_id=" + id, viewer, null).json().getJsonArray("entries");
    JsonObject refused = trail.getJsonObject(trail.size() - 1);
    assertThat(refused.getString("action")).isEqualTo("trade_transition_refused");
    assertThat(refused.getString("error_code")).isEqualTo("SEC-030");
    assertThat(refused.getString("previous_state")).isEqualTo("REJECTED");
    assertThat(refused.getString("new_state")).isEqualTo("FILLED");
    assertThat(refused.getString("target")).isEqualTo("T-200");
  }

  @Test
  void tradesWithoutAnEngineTradeIdAreKnownByTheirRequestIdAndEnginesReportOverTheBus() throws Exception {
    String id = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade()).json().getString("request_id");
    gw.quote("7203.T", "2850", "2851");
    gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of());
    DeliveryOptions asEngine = new DeliveryOptions().addHeader("hitl-actor", "engine-2").addHeader("hitl-roles",
      "submitter");
    var bus = gw.gateway().vertx().eventBus();
    JsonObject filled = bus.<JsonObject>request("hitl.trades.event", new JsonObject().put("trade_id", id)
      .put("event", "FILLED"), asEngine).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body();
    assertThat(filled.getString("state")).isEqualTo("FILLED");
    Throwable again = bus.request("hitl.trades.event", new JsonObject().put("trade_id", id).put("event", "FILLED"),
      asEngine).toCompletionStage().toCompletableFuture().handle((m, t) -> t).get(10, TimeUnit.SECONDS);
    assertThat(((ReplyException) again).failureCode()).isEqualTo(30);
  }

  @Test
  void badReportsAreRefused() {
    gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("trade_id", "T-300"));
    assertThat(event("T-404", Map.of("event", "FILLED")).json().getString("code")).isEqualTo("SEC-011");
    Response accepted = event("T-300", Map.of("event", "ACCEPTED"));
    assertThat(accepted.status()).isEqualTo(400);
    assertThat(accepted.json().getJsonObject("errors").getString("event")).contains("FILLED, CLOSED or SETTLED");
    assertThat(event("T-300", Map.of("event", "FILLED", "price", -1, "colour", "red")).json().getJsonObject("errors")
      .fieldNames()).contains("price", "colour");
    assertThat(event("T-300", Map.of("event", "FILLED", "trade_id", "T-999")).status()).isEqualTo(400);
    assertThat(gw.call("POST", "/api/v1/trades/T-300/events", alice, Map.of("event", "FILLED")).status()).isEqualTo(403);
    assertThat(gw.call("GET", "/api/v1/trades/T-300", viewer, null).json().getString("state"))
      .isEqualTo("AWAITING_APPROVAL");
  }
}
