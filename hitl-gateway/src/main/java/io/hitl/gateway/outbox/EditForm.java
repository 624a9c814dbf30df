package io.hitl.gateway.outbox;

import io.hitl.gateway.core.Decimals;
import io.hitl.gateway.core.policy.Policy;
import io.hitl.gateway.core.policy.PropertySchema;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The form of "Approve with changes…": one input per key the request's policy lets an approver edit, with the
 * key's type, bounds and direction as a hint and the current value filled in. What comes back is turned into
 * the edits of an approval (only the keys whose value changed); judging them is the edit rules' business.
 */
public record EditForm(String requestId, String title, List<Input> inputs) {

  /** One editable key: its schema type (null when the policy gives none), current value as text, choices, hint. */
  public record Input(String key, String type, String current, List<String> options, String hint,
      BigDecimal minimum, BigDecimal maximum) {
    public boolean numeric() {
      return "number".equals(type) || "integer".equals(type);
    }
  }

  public static EditForm of(String requestId, String title, Policy.EditPolicy policy, Map<String, Object> context) {
    List<Input> inputs = new ArrayList<>();
    for (String key : policy.allowed()) {
      PropertySchema schema = policy.schema().get(key);
      Map<String, Object> n = schema == null ? Map.of() : schema.normalized();
      Object current = context.get(key);
      String type = n.get("type") instanceof String ? (String) n.get("type") : inferred(current);
      List<String> options = new ArrayList<>();
      if (n.get("enum") instanceof List) {
        ((List<?>) n.get("enum")).forEach(o -> options.add(String.valueOf(o)));
      } else if ("boolean".equals(type)) {
        options.add("true");
        options.add("false");
      }
      List<String> hint = new ArrayList<>();
      hint.add("now " + (current == null ? "unset" : text(current)));
      if (type != null) {
        hint.add(type);
      }
      bound(hint, n, "minimum", "≥ ");
      bound(hint, n, "exclusiveMinimum", "> ");
      bound(hint, n, "maximum", "≤ ");
      bound(hint, n, "exclusiveMaximum", "< ");
      if (n.get("maxLength") != null) {
        hint.add("at most " + n.get("maxLength") + " characters");
      }
      if (policy.decreaseOnly().contains(key)) {
        hint.add("may only be reduced");
      }
      if (policy.tightenOnly().contains(key)) {
        hint.add("may only be tightened (lower on a BUY, higher on a SELL)");
      }
      if (n.get("description") != null) {
        hint.add(String.valueOf(n.get("description")));
      }
      inputs.add(new Input(key, type, current == null ? null : text(current), List.copyOf(options),
        String.join(" · ", hint), Decimals.parse(n.get("minimum")), Decimals.parse(n.get("maximum"))));
    }
    return new EditForm(requestId, title, List.copyOf(inputs));
  }

  /**
   * The edits the submitted texts ask for: the keys whose text differs from the current value (numbers compared
   * as numbers), typed as the key's schema says. A text that is no number stays text, so the rules refuse it by
   * name. Missing or blank texts leave their key as it is.
   */
  public Map<String, Object> edits(Map<String, String> submitted, Map<String, Object> context) {
    Map<String, Object> edits = new LinkedHashMap<>();
    for (Input in : inputs) {
      String s = submitted.get(in.key());
      if (s == null || s.isBlank()) {
        continue;
      }
      String t = s.strip();
      Object current = context.get(in.key());
      BigDecimal asked = Decimals.parse(t);
      BigDecimal now = current instanceof Boolean ? null : Decimals.parse(current);
      if ((in.numeric() || current instanceof Number) && asked != null) {
        if (now == null || asked.compareTo(now) != 0) {
          edits.put(in.key(), current instanceof Number && in.type() == null ? asked : t);
        }
      } else if ("boolean".equals(in.type()) || current instanceof Boolean) {
        Object b = "true".equals(t) ? Boolean.TRUE : "false".equals(t) ? Boolean.FALSE : t;
        if (!b.equals(current)) {
          edits.put(in.key(), b);
        }
      } else if (!t.equals(current == null ? null : text(current))) {
        edits.put(in.key(), t);
      }
    }
    return edits;
  }

  private static String inferred(Object current) {
    if (current instanceof Boolean) {
      return "boolean";
    }
    if (current instanceof Number) {
      return "number";
    }
    return null;
  }

  private static void bound(List<String> hint, Map<String, Object> n, String key, String sign) {
    if (n.get(key) != null) {
      hint.add(sign + n.get(key));
    }
  }

  private static String text(Object v) {
    BigDecimal d = v instanceof Number ? Decimals.parse(v) : null;
    return d != null ? Decimals.text(d) : String.valueOf(v);
  }
}
