package io.hitl.gateway.core.pretrade;

import io.hitl.gateway.core.Decimals;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The order a trade request asks to execute, as the pre-trade gate sees it: its attribution (venue,
 * strategy, account, desk), symbol, side, quantity and limit price. Attribution keys are optional.
 */
public record Order(String venue, String strategy, String account, String desk, String symbol, String side,
    BigDecimal quantity, BigDecimal price) {
  /** Context keys that carry the attribution of a trade request. */
  public static final List<String> ATTRIBUTION_KEYS = List.of("venue", "strategy", "account", "desk");

  public Order {
    symbol = symbol == null ? null : symbol.strip().toUpperCase(Locale.ROOT);
    side = side == null ? null : side.strip().toUpperCase(Locale.ROOT);
  }

  /** quantity x price at the storage scale (HALF_EVEN); null when the order has no price. */
  public BigDecimal notional() {
    if (quantity == null || price == null) {
      return null;
    }
    return Decimals.scaled(quantity.multiply(price));
  }

  /** The order of a trade request's context (ticker, action, quantity, price and the attribution keys). */
  public static Order fromContext(Map<String, Object> context) {
    return new Order(text(context.get("venue")), text(context.get("strategy")), text(context.get("account")),
      text(context.get("desk")), text(context.get("ticker")), text(context.get("action")),
      Decimals.parse(context.get("quantity")), Decimals.parse(context.get("price")));
  }

  /** The order's fields as plain JSON values (decimals as their canonical text); absent keys are left out. */
  public Map<String, Object> fields() {
    Map<String, Object> m = new LinkedHashMap<>();
    put(m, "venue", venue);
    put(m, "strategy", strategy);
    put(m, "account", account);
    put(m, "desk", desk);
    put(m, "symbol", symbol);
    put(m, "side", side);
    put(m, "quantity", quantity == null ? null : Decimals.text(quantity));
    put(m, "price", price == null ? null : Decimals.text(price));
    return m;
  }

  private static void put(Map<String, Object> m, String k, Object v) {
    if (v != null) {
      m.put(k, v);
    }
  }

  private static String text(Object v) {
    return v instanceof String && !((String) v).isBlank() ? ((String) v).strip() : null;
  }
}
