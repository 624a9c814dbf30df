package io.hitl.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Several trades for one ticker as one request: validation per trade, totals in BigDecimal. */
class TradeBatchTest {
  static final RequestValidator V = new RequestValidator(1, 86_400);

  static Map<String, Object> trade(String action, Object quantity, Object price, Object riskPct) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("action", action);
    t.put("quantity", quantity);
    t.put("price", price);
    if (riskPct != null) {
      t.put("risk_pct", riskPct);
    }
    return t;
  }

  static Map<String, Object> batch(List<Map<String, Object>> trades) {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("type", "TRADE_EXECUTION");
    b.put("ticker", "7203.t");
    b.put("trades", new ArrayList<>(trades));
    return b;
  }

  @Test
  void aBatchIsOneRequestListingItsTradesWithTotals() {
    NewRequest r = V.parse(batch(List.of(trade("BUY", 100, "2850.5", "0.5"), trade("BUY", "50", "2851", 3),
      trade("buy", 1, "0.1", null))));
    assertThat(r.type()).isEqualTo("TRADE_EXECUTION");
    assertThat(r.title()).isEqualTo("BUY 3 trades 7203.T");
    Map<String, Object> c = r.context();
    assertThat(c).containsEntry("ticker", "7203.T").containsEntry("action", "BUY").containsEntry("quantity", "151")
      .containsEntry("notional", "427600.1").containsEntry("trade_count", 3).containsEntry("batch", true)
      .containsEntry("risk_level", "HIGH");
    assertThat(c.get("price")).isEqualTo("2831.78874172");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> trades = (List<Map<String, Object>>) c.get("trades");
    assertThat(trades).hasSize(3);
    assertThat(trades.get(0)).containsEntry("quantity", "100").containsEntry("price", "2850.5")
      .containsEntry("notional", "285050").containsEntry("risk_level", "LOW").doesNotContainKey("ticker");
  }

  @Test
  void mixedSidesAreShownAsMixed() {
    NewRequest r = V.parse(batch(List.of(trade("BUY", 1, 10, null), trade("SELL", 1, 10, null))));
    assertThat(r.title()).isEqualTo("MIXED 2 trades 7203.T");
    assertThat(r.context()).containsEntry("action", "MIXED");
  }

  @Test
  void eachTradeIsValidatedAndItsErrorsNamedByPosition() {
    Map<String, Object> bad = trade("HOLD", -1, "x", null);
    bad.put("colour", "red");
    assertThatThrownBy(() -> V.parse(batch(List.of(trade("BUY", 1, 1, null), bad))))
      .isInstanceOfSatisfying(GatewayException.class, e -> {
        @SuppressWarnings("unchecked")
        Map<String, String> errors = (Map<String, String>) e.extensions().get("errors");
        assertThat(errors).containsEntry("trades[1].action", "must be BUY or SELL")
          .containsEntry("trades[1].quantity", "must be greater than 0")
          .containsEntry("trades[1].price", "must be a finite decimal number")
          .containsEntry("trades[1].colour", "unknown field");
      });
  }

  @Test
  void theBatchItselfIsValidated() {
    Map<String, Object> one = batch(List.of(trade("BUY", 1, 1, null)));
    assertThat(errors(one)).containsEntry("trades", "must be a list of 2-50 trades");
    List<Map<String, Object>> many = new ArrayList<>();
    for (int i = 0; i < 51; i++) {
      many.add(trade("BUY", 1, 1, null));
    }
    assertThat(errors(batch(many))).containsKey("trades");
    Map<String, Object> noTicker = batch(List.of(trade("BUY", 1, 1, null), trade("BUY", 1, 1, null)));
    noTicker.remove("ticker");
    assertThat(errors(noTicker)).containsEntry("ticker", "is required");
    Map<String, Object> other = trade("BUY", 1, 1, null);
    other.put("ticker", "6758.T");
    assertThat(errors(batch(List.of(trade("BUY", 1, 1, null), other)))).containsEntry("trades[1].ticker",
      "must be the batch's ticker or absent");
    Map<String, Object> extra = batch(List.of(trade("BUY", 1, 1, null), trade("BUY", 1, 1, null)));
    extra.put("quantity", 5);
    extra.put("timeout_seconds", 0);
    assertThat(errors(extra)).containsEntry("quantity", "unknown field").containsKey("timeout_seconds");
  }

  static Map<String, String> errors(Map<String, Object> body) {
    try {
      V.parse(body);
    } catch (GatewayException e) {
      @SuppressWarnings("unchecked")
      Map<String, String> errors = (Map<String, String>) e.extensions().get("errors");
      return errors;
    }
    throw new AssertionError("accepted: " + body);
  }

  @Test
  void bulkDecisionsNeedDistinctIdsAndOneDecision() {
    BulkDecision b = BulkDecision.parse(Map.of("ids", List.of("a", "b"), "decision", "approve", "reason", "ok"));
    assertThat(b.ids()).containsExactly("a", "b");
    assertThat(b.decision()).isEqualTo(Decision.APPROVE);
    assertThatThrownBy(() -> BulkDecision.parse(Map.of("ids", List.of("a", "A"), "decision", "approve")))
      .hasMessageContaining("ids");
    assertThatThrownBy(() -> BulkDecision.parse(Map.of("ids", List.of(), "decision", "approve")))
      .hasMessageContaining("ids");
    assertThatThrownBy(() -> BulkDecision.parse(Map.of("ids", List.of("a"), "decision", "maybe")))
      .hasMessageContaining("decision");
    assertThatThrownBy(() -> BulkDecision.parse(Map.of("ids", List.of("a"), "decision", "reject", "edits", Map.of())))
      .hasMessageContaining("edits");
    assertThat(BulkDecision.uuid("not-a-uuid")).isNull();
  }
}
