package io.hitl.gateway.core.policy;

import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.RequestValidator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Field errors of a policy document, keyed by path (`policies[1].match.risk_levels`), thrown together as SEC-010. */
public final class PolicyErrors {
  private final Map<String, String> errors = new LinkedHashMap<>();

  public void add(String path, String message) {
    errors.putIfAbsent(path, message);
  }

  public boolean isEmpty() {
    return errors.isEmpty();
  }

  public Map<String, String> all() {
    return errors;
  }

  public void throwIfAny() {
    if (!errors.isEmpty()) {
      throw GatewayException.invalid(errors);
    }
  }

  /** A trimmed text of 1-{@code max} characters without control characters, or null after an error. */
  public String text(Object v, String path, int max) {
    if (!(v instanceof String) || ((String) v).isBlank()) {
      add(path, "must be a non-blank string");
      return null;
    }
    String s = ((String) v).strip();
    if (s.length() > max || RequestValidator.hasControl(s)) {
      add(path, "must be at most " + max + " characters without control characters");
      return null;
    }
    return s;
  }
}
