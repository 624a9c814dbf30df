package io.hitl.gateway.core.policy;

import io.hitl.gateway.core.CanonicalJson;
import io.hitl.gateway.core.Decimals;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Approve with edits (seed 004 item 9): an approver changes allowed context keys within the policy's
 * schema, directions and diff-size limit. The result is the final parameters and the diff; a refusal is
 * SEC-010 whose `edit_refusal` member names the reason, so the caller can audit it.
 */
public final class EditRules {
  /** Problem member that marks an edit refusal and carries its reason. */
  public static final String REFUSAL = "edit_refusal";
  public static final String INVALID = "invalid_edits";
  public static final String NOT_ALLOWED = "edits_not_allowed";
  public static final String KEY_NOT_ALLOWED = "key_not_allowed";
  public static final String SCHEMA = "schema_validation";
  public static final String DIRECTION = "direction";
  public static final String DIFF_SIZE = "diff_size_exceeded";
  public static final String QUORUM_PENDING = "quorum_pending";
  public static final String WITH_REJECT = "reject_with_edits";
  public static final int MAX_EDITS = 50;

  /** The parameters after the edits, the changed keys as {from, to}, and the size of the change. */
  public record Edited(Map<String, Object> finalParameters, Map<String, Object> diff, int diffChars) {
    public boolean changed() {
      return !diff.isEmpty();
    }

    /** What the decision stores in `overrides`. */
    public Map<String, Object> overrides(String editedBy) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("final_parameters", finalParameters);
      m.put("diff", diff);
      m.put("diff_chars", diffChars);
      m.put("edited_by", editedBy);
      return m;
    }
  }

  private EditRules() {
  }

  public static Edited apply(Policy.EditPolicy policy, String policyName, Map<String, Object> context, Object edits) {
    if (!(edits instanceof Map) || ((Map<?, ?>) edits).isEmpty() || ((Map<?, ?>) edits).size() > MAX_EDITS) {
      throw refusal(INVALID, Map.of("edits", "must be an object of 1-" + MAX_EDITS + " context keys and new values"),
        "Edits must be an object of context keys and new values");
    }
    if (policy == null) {
      throw refusal(NOT_ALLOWED, Map.of("edits", "policy " + quoted(policyName) + " allows no edits"),
        "Policy " + quoted(policyName) + " allows no edits");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> asked = (Map<String, Object>) edits;
    Map<String, String> errors = new LinkedHashMap<>();
    for (String k : new TreeSet<>(asked.keySet())) {
      if (!policy.allowed().contains(k)) {
        errors.put("edits." + k, "may not be edited (allowed: " + String.join(", ", policy.allowed()) + ")");
      }
    }
    if (!errors.isEmpty()) {
      throw refusal(KEY_NOT_ALLOWED, errors, "Edits of keys the policy does not allow: "
        + String.join(", ", errors.keySet()).replace("edits.", ""));
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : asked.entrySet()) {
      PropertySchema schema = policy.schema().get(e.getKey());
      if (schema == null) {
        if (e.getValue() == null || e.getValue() instanceof Map || e.getValue() instanceof List) {
          errors.put("edits." + e.getKey(), "must be a string, number or boolean");
        }
        values.put(e.getKey(), e.getValue());
        continue;
      }
      String problem = schema.check(e.getValue());
      if (problem != null) {
        errors.put("edits." + e.getKey(), problem);
      }
      values.put(e.getKey(), schema.normalize(e.getValue()));
    }
    if (!errors.isEmpty()) {
      throw refusal(SCHEMA, errors, "Edits fail the policy's schema: " + String.join("; ", errors.values()));
    }
    for (String k : policy.decreaseOnly()) {
      if (values.containsKey(k)) {
        direction(k, context.get(k), values.get(k), true, errors, "may only be reduced");
      }
    }
    for (String k : policy.tightenOnly()) {
      if (values.containsKey(k)) {
        Object side = context.get("action");
        if (!"BUY".equals(side) && !"SELL".equals(side)) {
          errors.put("edits." + k, "can only be tightened on a BUY or SELL request");
        } else {
          direction(k, context.get(k), values.get(k), "BUY".equals(side), errors,
            "BUY".equals(side) ? "may only be lowered (tightened) on a BUY" : "may only be raised (tightened) on a SELL");
        }
      }
    }
    if (!errors.isEmpty()) {
      throw refusal(DIRECTION, errors, "Edits go the wrong way: " + String.join("; ", errors.values()));
    }
    Map<String, Object> finalParameters = new LinkedHashMap<>(context);
    Map<String, Object> diff = new LinkedHashMap<>();
    int chars = 0;
    for (Map.Entry<String, Object> e : values.entrySet()) {
      Object before = context.get(e.getKey());
      if (same(before, e.getValue())) {
        continue;
      }
      Map<String, Object> change = new LinkedHashMap<>();
      change.put("from", before);
      change.put("to", e.getValue());
      diff.put(e.getKey(), change);
      chars += CanonicalJson.write(e.getValue()).length();
      finalParameters.put(e.getKey(), e.getValue());
    }
    if (chars > policy.maxDiffChars()) {
      throw refusal(DIFF_SIZE, Map.of("edits", "change " + chars + " characters of values, more than the "
        + policy.maxDiffChars() + " the policy allows"), "The edits are larger than the policy's limit of "
        + policy.maxDiffChars() + " characters");
    }
    return new Edited(finalParameters, diff, chars);
  }

  /** Edits only go with an approval that decides the request (quorum reached, or a super-approver). */
  public static GatewayException notDeciding(int approvals, int required) {
    return refusal(QUORUM_PENDING, Map.of("edits", "are applied by the approval that completes the quorum ("
      + approvals + " of " + required + " with this vote)"), "Edits are accepted only on the approval that decides "
      + "the request");
  }

  public static GatewayException withReject() {
    return refusal(WITH_REJECT, Map.of("edits", "go with an approval, not a reject"), "Edits go with an approval");
  }

  public static GatewayException refusal(String reason, Map<String, String> errors, String detail) {
    Map<String, Object> ext = new LinkedHashMap<>();
    ext.put("errors", new LinkedHashMap<>(errors));
    ext.put(REFUSAL, reason);
    return new GatewayException(ErrorCode.SEC_010, detail, ext);
  }

  private static void direction(String k, Object before, Object after, boolean mustNotRise, Map<String, String> errors,
      String message) {
    BigDecimal from = before instanceof Boolean ? null : Decimals.parse(before);
    BigDecimal to = after instanceof Boolean ? null : Decimals.parse(after);
    if (from == null || to == null) {
      errors.put("edits." + k, "must be a number, and so must the current value");
      return;
    }
    int c = to.compareTo(from);
    if (mustNotRise ? c > 0 : c < 0) {
      errors.put("edits." + k, message + " (now " + Decimals.text(from) + ")");
    }
  }

  private static boolean same(Object a, Object b) {
    if (a == null || b == null) {
      return a == b;
    }
    BigDecimal x = a instanceof Boolean ? null : Decimals.parse(a);
    BigDecimal y = b instanceof Boolean ? null : Decimals.parse(b);
    if (x != null && y != null && (a instanceof Number || b instanceof Number || (a instanceof String
        && b instanceof String))) {
      return x.compareTo(y) == 0;
    }
    return a.equals(b);
  }

  private static String quoted(String name) {
    return name == null ? "(settings)" : "'" + name + "'";
  }
}
