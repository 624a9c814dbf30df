package io.hitl.gateway.core.policy;

import io.hitl.gateway.core.ApprovalTypes;
import io.hitl.gateway.core.PolicyKeys;
import io.hitl.gateway.core.RequestValidator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON Schemas (draft 2020-12) of what a caller may send: the create body of a request type, as
 * {@link RequestValidator} checks it, and the edits an approver may make under an edit policy, as
 * {@link EditRules} checks them. Gateway-specific limits no JSON Schema keyword expresses (the size of a
 * change, directions) are `x-hitl-*` members, so a generic validator ignores them and a form can show them.
 */
public final class RequestSchemas {
  public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";
  private static final String DECIMAL = "^-?[0-9]+(\\.[0-9]+)?$";

  private RequestSchemas() {
  }

  /** The create body of {@code type} with timeouts between {@code minTimeout} and {@code maxTimeout} seconds. */
  public static Map<String, Object> body(String type, int minTimeout, int maxTimeout) {
    boolean trade = ApprovalTypes.TRADE_EXECUTION.equals(type);
    Map<String, Object> props = new LinkedHashMap<>();
    List<String> required = new ArrayList<>();
    props.put("type", constant(type));
    if (trade) {
      props.put("ticker", string("Instrument symbol", 1, 32, RequestValidator.TICKER.pattern()));
      props.put("action", enumOf("BUY", "SELL"));
      props.put("quantity", decimal("Quantity, greater than 0", "0", null));
      props.put("price", decimal("Requested price, greater than 0", "0", null));
      props.put("strategy", string("Strategy name", 0, RequestValidator.MAX_STRATEGY, null));
      for (String k : RequestValidator.ATTRIBUTION) {
        props.put(k, string("Attribution (" + k + "), also accepted in the context", 1, RequestValidator.MAX_STRATEGY,
          null));
      }
      props.put("confidence", decimal("Model confidence, 0 to 1", null, "1"));
      props.put("risk_pct", decimal("Share of capital at risk, 0 to 100", null, "100"));
      props.put("reason", string("Why the engine wants the trade", 0, RequestValidator.MAX_REASON, null));
      required.addAll(List.of("ticker", "action", "quantity", "price"));
    } else {
      props.put("title", string("What is asked", 1, RequestValidator.MAX_TITLE, null));
      required.add("title");
    }
    props.put("description", string("Details for the approver", 0, RequestValidator.MAX_DESCRIPTION, null));
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("type", "object");
    context.put("description", "Free-form facts (at most " + RequestValidator.MAX_CONTEXT_CHARS
      + " characters as JSON, " + RequestValidator.MAX_CONTEXT_DEPTH + " levels)");
    props.put("context", context);
    Map<String, Object> timeout = new LinkedHashMap<>();
    timeout.put("type", "integer");
    timeout.put("minimum", minTimeout);
    timeout.put("maximum", maxTimeout);
    props.put("timeout_seconds", timeout);
    props.put("trade_id", string("Engine's trade id, unique", 1, 128, "^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$"));
    props.put(PolicyKeys.TIMEOUT_ACTION, enumOf("reject", "approve", "escalate"));
    for (String k : List.of(PolicyKeys.ESCALATE_BEFORE_SECONDS, PolicyKeys.REMINDER_INTERVAL_SECONDS,
        PolicyKeys.MAX_ESCALATION_LEVEL, PolicyKeys.ESCALATION_EXTENSION_SECONDS)) {
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("type", "integer");
      n.put("minimum", 0);
      props.put(k, n);
    }
    Map<String, Object> targets = new LinkedHashMap<>();
    targets.put("type", "array");
    targets.put("items", Map.of("type", "string"));
    props.put(PolicyKeys.ESCALATION_TARGETS, targets);
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("$schema", DIALECT);
    s.put("title", type + " request");
    s.put("type", "object");
    s.put("properties", props);
    s.put("required", required);
    s.put("additionalProperties", false);
    return s;
  }

  /**
   * The edits object an approver may send under {@code edits} (null: no edits allowed, so an object with
   * no properties at all). Keys without a schema of their own take a string, number or boolean.
   */
  public static Map<String, Object> edits(Policy.EditPolicy edits) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("$schema", DIALECT);
    s.put("type", "object");
    Map<String, Object> props = new LinkedHashMap<>();
    if (edits == null) {
      s.put("properties", props);
      s.put("maxProperties", 0);
      s.put("additionalProperties", false);
      return s;
    }
    for (String k : edits.allowed()) {
      PropertySchema p = edits.schema().get(k);
      Map<String, Object> one = p == null ? new LinkedHashMap<>() : new LinkedHashMap<>(p.normalized());
      if (p == null || !one.containsKey("type")) {
        one.put("type", List.of("string", "number", "boolean"));
      }
      numbersAsJson(one);
      if (edits.decreaseOnly().contains(k)) {
        one.put("x-hitl-direction", "decrease");
      } else if (edits.tightenOnly().contains(k)) {
        one.put("x-hitl-direction", "tighten");
      }
      props.put(k, one);
    }
    s.put("properties", props);
    s.put("minProperties", 1);
    s.put("maxProperties", Math.min(EditRules.MAX_EDITS, edits.allowed().size()));
    s.put("additionalProperties", false);
    s.put("x-hitl-max-diff-chars", edits.maxDiffChars());
    return s;
  }

  /** Bounds are kept as decimal strings by the policy; a JSON Schema wants numbers, so they are written exactly. */
  private static void numbersAsJson(Map<String, Object> m) {
    for (String k : List.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")) {
      Object v = m.get(k);
      if (v instanceof String) {
        m.put(k, new java.math.BigDecimal((String) v));
      }
    }
  }

  private static Map<String, Object> constant(String value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("const", value);
    return m;
  }

  private static Map<String, Object> enumOf(String... values) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "string");
    m.put("enum", List.of(values));
    return m;
  }

  private static Map<String, Object> string(String description, int min, int max, String pattern) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "string");
    m.put("description", description);
    if (min > 0) {
      m.put("minLength", min);
    }
    m.put("maxLength", max);
    if (pattern != null) {
      m.put("pattern", pattern.startsWith("^") ? pattern : "^" + pattern + "$");
    }
    return m;
  }

  /** Decimals go as JSON numbers or decimal strings, as everywhere in the API. */
  private static Map<String, Object> decimal(String description, String exclusiveMinimum, String maximum) {
    Map<String, Object> number = new LinkedHashMap<>();
    number.put("type", "number");
    if (exclusiveMinimum != null) {
      number.put("exclusiveMinimum", new java.math.BigDecimal(exclusiveMinimum));
    } else {
      number.put("minimum", 0);
    }
    if (maximum != null) {
      number.put("maximum", new java.math.BigDecimal(maximum));
    }
    Map<String, Object> text = new LinkedHashMap<>();
    text.put("type", "string");
    text.put("pattern", DECIMAL);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("description", description);
    m.put("anyOf", List.of(number, text));
    return m;
  }
}
