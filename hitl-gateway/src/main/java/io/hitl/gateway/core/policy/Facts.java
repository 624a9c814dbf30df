package io.hitl.gateway.core.policy;

import io.hitl.gateway.core.Decimals;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a policy can match on, taken from a request's type and context: risk level, trading mode,
 * ticker, strategy and notional = quantity × price (HALF_EVEN at the storage scale). A fact the context
 * lacks is null and fails every predicate that names it.
 */
public record Facts(String type, String riskLevel, String tradingMode, String ticker, String strategy,
    BigDecimal notional) {

  public static Facts of(String type, Map<String, Object> context) {
    Map<String, Object> c = context == null ? Map.of() : context;
    BigDecimal quantity = Decimals.parse(c.get("quantity"));
    BigDecimal price = Decimals.parse(c.get("price"));
    BigDecimal notional = quantity == null || price == null ? null : Decimals.scaled(quantity.multiply(price));
    return new Facts(type, upper(c.get("risk_level")), lower(c.get("trading_mode")), upper(c.get("ticker")),
      text(c.get("strategy")), notional);
  }

  public Map<String, Object> json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    m.put("risk_level", riskLevel);
    m.put("trading_mode", tradingMode);
    m.put("ticker", ticker);
    m.put("strategy", strategy);
    m.put("notional", notional == null ? null : Decimals.text(notional));
    return m;
  }

  private static String text(Object v) {
    return v instanceof String && !((String) v).isBlank() ? ((String) v).strip() : null;
  }

  private static String upper(Object v) {
    String s = text(v);
    return s == null ? null : s.toUpperCase(Locale.ROOT);
  }

  private static String lower(Object v) {
    String s = text(v);
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }
}
