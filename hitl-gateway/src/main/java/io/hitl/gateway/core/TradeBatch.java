package io.hitl.gateway.core;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Approval queues (seed 000): several trades for one ticker asked as one TRADE_EXECUTION request whose
 * context lists them. Each trade is validated like a single trade; the request carries the totals
 * (quantity, notional, average price, all BigDecimal HALF_EVEN) and the highest risk level of its trades.
 */
public final class TradeBatch {
  public static final int MIN_TRADES = 2;
  public static final int MAX_TRADES = 50;
  private static final Set<String> FIELDS;
  private static final Set<String> TRADE_FIELDS = Set.of("ticker", "action", "quantity", "price", "strategy",
    "confidence", "risk_pct", "reason", "trade_id");

  static {
    Set<String> s = new TreeSet<>(List.of("type", "ticker", "trades", "description", "timeout_seconds", "trade_id",
      "context"));
    s.addAll(PolicyKeys.TIMEOUT_OVERRIDES);
    FIELDS = Set.copyOf(s);
  }

  private TradeBatch() {
  }

  /** A batch body is a trade body with a `trades` list. */
  public static boolean isBatch(Map<String, Object> body) {
    return body.containsKey("trades");
  }

  public static NewRequest parse(Map<String, Object> body, RequestValidator validator) {
    RequestValidator.Errors e = new RequestValidator.Errors();
    e.unknownFields(body, FIELDS);
    Object type = body.get("type");
    if (type != null && !ApprovalTypes.TRADE_EXECUTION.equals(type)) {
      e.add("type", "must be TRADE_EXECUTION or absent");
    }
    String description = e.optionalString(body, "description", RequestValidator.MAX_DESCRIPTION);
    Map<String, Object> extra = e.context(body.get("context"));
    String tradeId = e.tradeId(body.get("trade_id"));
    if (body.get("ticker") == null) {
      e.add("ticker", "is required");
    }
    Object list = body.get("trades");
    List<Map<String, Object>> trades = new ArrayList<>();
    if (!(list instanceof List) || ((List<?>) list).size() < MIN_TRADES || ((List<?>) list).size() > MAX_TRADES) {
      e.add("trades", "must be a list of " + MIN_TRADES + "-" + MAX_TRADES + " trades");
    } else {
      List<?> items = (List<?>) list;
      for (int i = 0; i < items.size(); i++) {
        trades.add(trade(items.get(i), i, body.get("ticker"), validator, e));
      }
    }
    Integer timeout = validator.timeout(body.get("timeout_seconds"), e);
    e.throwIfAny();
    return batch(trades, extra, description, timeout, tradeId);
  }

  private static Map<String, Object> trade(Object item, int i, Object ticker, RequestValidator validator,
      RequestValidator.Errors e) {
    String at = "trades[" + i + "]";
    if (!(item instanceof Map)) {
      e.add(at, "must be an object {action, quantity, price, ...}");
      return null;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> t = (Map<String, Object>) item;
    for (String k : new TreeSet<>(t.keySet())) {
      if (!TRADE_FIELDS.contains(k)) {
        e.add(at + "." + k, "unknown field");
      }
    }
    Map<String, Object> one = new LinkedHashMap<>();
    for (String k : TRADE_FIELDS) {
      if (t.get(k) != null) {
        one.put(k, t.get(k));
      }
    }
    if (t.get("ticker") != null && ticker instanceof String
        && !String.valueOf(t.get("ticker")).equalsIgnoreCase(((String) ticker).strip())) {
      e.add(at + ".ticker", "must be the batch's ticker or absent");
    }
    one.put("ticker", ticker);
    try {
      NewRequest r = validator.parseTrade(one);
      Map<String, Object> c = new LinkedHashMap<>(r.context());
      if (r.tradeId() != null) {
        c.put("trade_id", r.tradeId());
      }
      return c;
    } catch (GatewayException ex) {
      Object errors = ex.extensions().get("errors");
      if (errors instanceof Map) {
        ((Map<?, ?>) errors).forEach((k, msg) -> e.add("ticker".equals(k) ? "ticker" : at + "." + k,
          String.valueOf(msg)));
      }
      return null;
    }
  }

  private static NewRequest batch(List<Map<String, Object>> trades, Map<String, Object> extra, String description,
      Integer timeout, String tradeId) {
    BigDecimal quantity = BigDecimal.ZERO;
    BigDecimal notional = BigDecimal.ZERO;
    Set<String> sides = new LinkedHashSet<>();
    Set<String> strategies = new LinkedHashSet<>();
    RiskLevel risk = RiskLevel.LOW;
    List<Object> listed = new ArrayList<>();
    String ticker = null;
    for (Map<String, Object> t : trades) {
      ticker = (String) t.get("ticker");
      BigDecimal q = new BigDecimal((String) t.get("quantity"));
      BigDecimal n = Decimals.scaled(q.multiply(new BigDecimal((String) t.get("price"))));
      quantity = quantity.add(q);
      notional = notional.add(n);
      sides.add((String) t.get("action"));
      strategies.add(String.valueOf(t.get("strategy")));
      RiskLevel r = RiskLevel.valueOf((String) t.get("risk_level"));
      if (r.ordinal() > risk.ordinal()) {
        risk = r;
      }
      Map<String, Object> entry = new LinkedHashMap<>(t);
      entry.remove("ticker");
      entry.put("notional", Decimals.text(n));
      listed.add(entry);
    }
    String side = sides.size() == 1 ? sides.iterator().next() : "MIXED";
    Map<String, Object> context = new LinkedHashMap<>(extra);
    context.put("ticker", ticker);
    context.put("action", side);
    context.put("quantity", Decimals.text(quantity));
    context.put("price", Decimals.text(notional.divide(quantity, Decimals.SCALE, RoundingMode.HALF_EVEN)));
    context.put("notional", Decimals.text(notional));
    if (strategies.size() == 1 && !"null".equals(strategies.iterator().next())) {
      context.put("strategy", strategies.iterator().next());
    }
    context.put("risk_level", risk.name());
    context.put("batch", true);
    context.put("trade_count", trades.size());
    context.put("trades", listed);
    String title = side + " " + trades.size() + " trades " + ticker;
    return new NewRequest(ApprovalTypes.TRADE_EXECUTION, title, description, context, timeout, tradeId);
  }
}
