package io.hitl.gateway.core;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Strict validation of create bodies; every refusal names its field. */
public final class RequestValidator {
  public static final int MAX_TITLE = 200;
  public static final int MAX_DESCRIPTION = 4000;
  public static final int MAX_REASON = 2000;
  public static final int MAX_STRATEGY = 128;
  public static final int MAX_CONTEXT_CHARS = 16_384;
  public static final int MAX_CONTEXT_DEPTH = 8;
  public static final Pattern TICKER = Pattern.compile("[A-Z0-9][A-Z0-9._:/-]{0,31}");
  private static final Pattern TRADE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}");
  private static final Set<String> GENERIC_FIELDS = withTimeoutOverrides("type", "title", "description", "context",
    "timeout_seconds", "trade_id");
  private static final Set<String> TRADE_FIELDS = withTimeoutOverrides("type", "ticker", "action", "quantity",
    "price", "strategy", "venue", "account", "desk", "confidence", "risk_pct", "reason", "description",
    "timeout_seconds", "trade_id", "context");
  /** Attribution keys besides strategy: where an order goes and on whose behalf (scoped kill switches match them). */
  public static final List<String> ATTRIBUTION = List.of("venue", "account", "desk");

  private final int minTimeout;
  private final int maxTimeout;

  public RequestValidator(int minTimeout, int maxTimeout) {
    this.minTimeout = minTimeout;
    this.maxTimeout = maxTimeout;
  }

  /** The timeout settings of PolicyKeys are validated by TimeoutPolicy.resolve. */
  private static Set<String> withTimeoutOverrides(String... fields) {
    Set<String> s = new TreeSet<>(List.of(fields));
    s.addAll(PolicyKeys.TIMEOUT_OVERRIDES);
    return Set.copyOf(s);
  }

  /** A create body: trade fields when the type is TRADE_EXECUTION (a batch with `trades`), generic otherwise. */
  public NewRequest parse(Map<String, Object> body) {
    if (ApprovalTypes.TRADE_EXECUTION.equals(body.get("type"))) {
      return TradeBatch.isBatch(body) ? TradeBatch.parse(body, this) : parseTrade(body);
    }
    return parseGeneric(body);
  }

  public NewRequest parseGeneric(Map<String, Object> body) {
    Errors e = new Errors();
    e.unknownFields(body, GENERIC_FIELDS);
    String type = e.requiredString(body, "type", 64);
    if (type != null && !ApprovalTypes.known(type)) {
      e.add("type", "must be one of " + String.join(", ", ApprovalTypes.BUILT_IN));
    }
    if (ApprovalTypes.TRADE_EXECUTION.equals(type)) {
      e.add("type", "trade requests go to POST /api/v1/approvals/trade");
    }
    String title = e.requiredString(body, "title", MAX_TITLE);
    String description = e.optionalString(body, "description", MAX_DESCRIPTION);
    Map<String, Object> context = e.context(body.get("context"));
    Integer timeout = e.timeout(body.get("timeout_seconds"), minTimeout, maxTimeout);
    String tradeId = e.tradeId(body.get("trade_id"));
    e.throwIfAny();
    return new NewRequest(type, title, description, context, timeout, tradeId);
  }

  public NewRequest parseTrade(Map<String, Object> body) {
    Errors e = new Errors();
    e.unknownFields(body, TRADE_FIELDS);
    Object type = body.get("type");
    if (type != null && !ApprovalTypes.TRADE_EXECUTION.equals(type)) {
      e.add("type", "must be TRADE_EXECUTION or absent");
    }
    String ticker = e.requiredString(body, "ticker", 32);
    if (ticker != null) {
      ticker = ticker.toUpperCase(Locale.ROOT);
      if (!TICKER.matcher(ticker).matches()) {
        e.add("ticker", "must be 1-32 letters, digits or . _ : / -");
      }
    }
    String action = e.requiredString(body, "action", 8);
    if (action != null) {
      action = action.toUpperCase(Locale.ROOT);
      if (!action.equals("BUY") && !action.equals("SELL")) {
        e.add("action", "must be BUY or SELL");
      }
    }
    BigDecimal quantity = e.decimal(body, "quantity", true, BigDecimal.ZERO, false, null);
    BigDecimal price = e.decimal(body, "price", true, BigDecimal.ZERO, false, null);
    String strategy = e.optionalString(body, "strategy", MAX_STRATEGY);
    BigDecimal confidence = e.decimal(body, "confidence", false, BigDecimal.ZERO, true, BigDecimal.ONE);
    BigDecimal riskPct = e.decimal(body, "risk_pct", false, BigDecimal.ZERO, true, BigDecimal.valueOf(100));
    String reason = e.optionalString(body, "reason", MAX_REASON);
    String description = e.optionalString(body, "description", MAX_DESCRIPTION);
    Map<String, Object> extra = e.context(body.get("context"));
    Map<String, String> attribution = attribution(body, extra, e);
    Integer timeout = e.timeout(body.get("timeout_seconds"), minTimeout, maxTimeout);
    String tradeId = e.tradeId(body.get("trade_id"));
    e.throwIfAny();

    Map<String, Object> context = new LinkedHashMap<>(extra);
    context.putAll(attribution);
    context.put("ticker", ticker);
    context.put("action", action);
    context.put("quantity", Decimals.text(quantity));
    context.put("price", Decimals.text(price));
    if (strategy != null) {
      context.put("strategy", strategy);
    }
    if (confidence != null) {
      context.put("confidence", Decimals.text(confidence));
    }
    if (riskPct != null) {
      context.put("risk_pct", Decimals.text(riskPct));
    }
    if (reason != null) {
      context.put("reason", reason);
    }
    context.put("risk_level", RiskLevel.derive(riskPct, confidence).name());
    String title = action + " " + Decimals.text(quantity) + " " + ticker;
    return new NewRequest(ApprovalTypes.TRADE_EXECUTION, title, description, context, timeout, tradeId);
  }

  /**
   * venue, account and desk, given at the top level or in the context: either way a string, so a switch on a
   * venue cannot be dodged by sending the venue as a number.
   */
  private static Map<String, String> attribution(Map<String, Object> body, Map<String, Object> extra, Errors e) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String k : ATTRIBUTION) {
      boolean top = body.get(k) != null;
      String v = e.optionalString(top ? body : extra, k, MAX_STRATEGY);
      if (v != null && v.isEmpty()) {
        e.add(k, "must not be blank");
      } else if (v != null) {
        out.put(k, v);
      }
    }
    return out;
  }

  /** timeout_seconds within this validator's bounds, or null (absent, or an error added to {@code e}). */
  Integer timeout(Object v, Errors e) {
    return e.timeout(v, minTimeout, maxTimeout);
  }

  /** Field errors collected in order, thrown together. */
  static final class Errors {
    private final Map<String, String> errors = new LinkedHashMap<>();

    void add(String field, String message) {
      errors.putIfAbsent(field, message);
    }

    void throwIfAny() {
      if (!errors.isEmpty()) {
        throw GatewayException.invalid(errors);
      }
    }

    void unknownFields(Map<String, Object> body, Set<String> allowed) {
      Set<String> unknown = new TreeSet<>(body.keySet());
      unknown.removeAll(allowed);
      for (String f : unknown) {
        add(f, "unknown field");
      }
    }

    String requiredString(Map<String, Object> body, String field, int max) {
      Object v = body.get(field);
      if (v == null) {
        add(field, "is required");
        return null;
      }
      return text(field, v, max, true);
    }

    String optionalString(Map<String, Object> body, String field, int max) {
      Object v = body.get(field);
      return v == null ? null : text(field, v, max, false);
    }

    private String text(String field, Object v, int max, boolean required) {
      if (!(v instanceof String)) {
        add(field, "must be a string");
        return null;
      }
      String s = ((String) v).strip();
      if (required && s.isEmpty()) {
        add(field, "must not be blank");
        return null;
      }
      if (s.length() > max) {
        add(field, "must be at most " + max + " characters");
        return null;
      }
      if (hasControl(s)) {
        add(field, "must not contain control characters");
        return null;
      }
      return s;
    }

    BigDecimal decimal(Map<String, Object> body, String field, boolean required, BigDecimal min,
        boolean minInclusive, BigDecimal maxInclusive) {
      Object v = body.get(field);
      if (v == null) {
        if (required) {
          add(field, "is required");
        }
        return null;
      }
      if (v instanceof Boolean) {
        add(field, "must be a number");
        return null;
      }
      BigDecimal d = Decimals.parse(v);
      if (d == null) {
        add(field, "must be a finite decimal number");
        return null;
      }
      int c = d.compareTo(min);
      if (c < 0 || (c == 0 && !minInclusive)) {
        add(field, minInclusive ? "must be at least " + min.toPlainString() : "must be greater than " + min.toPlainString());
        return null;
      }
      if (maxInclusive != null && d.compareTo(maxInclusive) > 0) {
        add(field, "must be at most " + maxInclusive.toPlainString());
        return null;
      }
      if (!Decimals.fits(d)) {
        add(field, "must be less than " + Decimals.MAX_EXCLUSIVE.toPlainString());
        return null;
      }
      if (!minInclusive && Decimals.scaled(d).signum() == 0) {
        add(field, "must be at least 0.00000001");
        return null;
      }
      return d;
    }

    Integer timeout(Object v, int min, int max) {
      if (v == null) {
        return null;
      }
      if (!(v instanceof Integer || v instanceof Long)) {
        add("timeout_seconds", "must be a whole number of seconds");
        return null;
      }
      long t = ((Number) v).longValue();
      if (t < min || t > max) {
        add("timeout_seconds", "must be between " + min + " and " + max);
        return null;
      }
      return (int) t;
    }

    String tradeId(Object v) {
      if (v == null) {
        return null;
      }
      if (!(v instanceof String) || !TRADE_ID.matcher((String) v).matches()) {
        add("trade_id", "must be 1-128 letters, digits or . _ : / -");
        return null;
      }
      return (String) v;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> context(Object v) {
      if (v == null) {
        return new LinkedHashMap<>();
      }
      if (!(v instanceof Map)) {
        add("context", "must be a JSON object");
        return new LinkedHashMap<>();
      }
      Map<String, Object> m = (Map<String, Object>) v;
      if (CanonicalJson.write(m).length() > MAX_CONTEXT_CHARS) {
        add("context", "must be at most " + MAX_CONTEXT_CHARS + " characters as JSON");
      } else if (!clean(m, 1)) {
        add("context", "must nest at most " + MAX_CONTEXT_DEPTH + " levels and contain no NUL characters");
      }
      return new LinkedHashMap<>(m);
    }

    private boolean clean(Object v, int depth) {
      if (depth > MAX_CONTEXT_DEPTH) {
        return false;
      }
      if (v instanceof String) {
        return ((String) v).indexOf('\0') < 0;
      }
      if (v instanceof Map) {
        for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
          if (String.valueOf(e.getKey()).indexOf('\0') >= 0 || !clean(e.getValue(), depth + 1)) {
            return false;
          }
        }
      }
      if (v instanceof List) {
        for (Object o : new ArrayList<>((List<?>) v)) {
          if (!clean(o, depth + 1)) {
            return false;
          }
        }
      }
      return true;
    }
  }

  /** Control characters other than tab and line breaks; NUL cannot be stored by PostgreSQL at all. */
  public static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  /** A free-text field outside a create body (reason, comment). */
  public static String optionalText(Object v, String field, int max) {
    Errors e = new Errors();
    String s = v == null ? null : e.text(field, v, max, false);
    e.throwIfAny();
    return s == null || s.isEmpty() ? null : s;
  }
}
