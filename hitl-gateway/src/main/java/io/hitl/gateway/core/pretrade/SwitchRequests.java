package io.hitl.gateway.core.pretrade;

import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.RequestValidator;
import io.hitl.gateway.core.Times;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/** Validation of bodies that engage or lift a scoped kill switch: {scope, value, reason}. */
public final class SwitchRequests {
  public static final int MAX_REASON = 500;
  private static final Set<String> FIELDS = Set.of("scope", "value", "reason");
  private static final String KINDS = String.join(", ", Arrays.stream(ScopeKind.values()).map(ScopeKind::json)
    .toList());

  private SwitchRequests() {
  }

  /** A new engaged switch; the reason is required (who engages a switch says why). */
  public static ScopedSwitch engage(Map<String, Object> body, String by, Instant now) {
    Map<String, String> errors = new LinkedHashMap<>();
    Scope scope = scope(body, errors);
    String reason = reason(body.get("reason"), true, errors);
    if (!errors.isEmpty()) {
      throw GatewayException.invalid(errors);
    }
    return new ScopedSwitch(UUID.randomUUID(), scope, reason, by, Times.micros(now), 0, null, null, null);
  }

  /** The scope named by {scope, value}; unknown fields other than {@code reason} are refused. */
  public static Scope scope(Map<String, Object> body, Map<String, String> errors) {
    Set<String> unknown = new TreeSet<>(body.keySet());
    unknown.removeAll(FIELDS);
    unknown.forEach(f -> errors.put(f, "unknown field"));
    ScopeKind kind = body.get("scope") instanceof String ? ScopeKind.parse((String) body.get("scope")) : null;
    if (kind == null) {
      errors.put("scope", "must be one of " + KINDS);
    }
    Object v = body.get("value");
    if (!(v instanceof String) || kind != null && !Scope.validValue(kind, (String) v)) {
      errors.put("value", "must be 1-" + Scope.MAX_VALUE + " characters without control characters");
    }
    return errors.isEmpty() ? new Scope(kind, (String) v) : null;
  }

  /** The reason of an engage (required) or lift (optional), as a refusal-free text or an error. */
  public static String reason(Object v, boolean required, Map<String, String> errors) {
    try {
      String r = RequestValidator.optionalText(v, "reason", MAX_REASON);
      if (r == null && required) {
        errors.put("reason", "is required");
      }
      return r;
    } catch (GatewayException e) {
      errors.put("reason", "must be a string of at most " + MAX_REASON + " characters without control characters");
      return null;
    }
  }
}
