package io.hitl.gateway.core.pretrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.NewRequest;
import io.hitl.gateway.core.RequestValidator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Trade requests carry venue, strategy, account and desk; the order the gate sees is read from the context. */
class AttributionTest {
  final RequestValidator validator = new RequestValidator(10, 3600);

  Map<String, Object> trade(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>(Map.of("type", "TRADE_EXECUTION", "ticker", "aapl", "action", "buy",
      "quantity", 100, "price", "150.25"));
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void attributionAtTheTopLevelOrInTheContextEndsUpInTheOrder() {
    NewRequest r = validator.parse(trade("venue", " XNAS ", "strategy", "momo-1", "context",
      Map.of("account", "A-7", "desk", "eq-cash", "note", "x")));
    Order o = Order.fromContext(r.context());
    assertThat(o).isEqualTo(new Order("XNAS", "momo-1", "A-7", "eq-cash", "AAPL", "BUY",
      new java.math.BigDecimal("100"), new java.math.BigDecimal("150.25")));
    assertThat(r.context()).containsEntry("venue", "XNAS").containsEntry("account", "A-7");
  }

  @Test
  void theTopLevelKeyWinsOverTheContext() {
    NewRequest r = validator.parse(trade("venue", "XNYS", "context", Map.of("venue", "XNAS")));
    assertThat(r.context()).containsEntry("venue", "XNYS");
  }

  @Test
  void anAttributionKeyThatIsNotAStringIsRefusedWhereverItIsSent() {
    assertThatThrownBy(() -> validator.parse(trade("context", Map.of("venue", 7))))
      .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.extensions().get("errors").toString())
        .contains("venue"));
    assertThatThrownBy(() -> validator.parse(trade("desk", "  ")))
      .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.extensions().get("errors").toString())
        .contains("desk"));
    assertThatThrownBy(() -> validator.parse(trade("account", "a".repeat(129))))
      .isInstanceOf(GatewayException.class);
  }
}
