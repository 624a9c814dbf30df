package io.hitl.gateway.core.pretrade;

import io.hitl.gateway.core.RequestValidator;
import java.util.Comparator;
import java.util.Locale;

/**
 * One scope of a kill switch: a key and its value ("venue XNAS", "strategy momo-1"). Symbols are
 * upper-cased like trade tickers; the other keys are compared exactly as the engine sends them.
 */
public record Scope(ScopeKind kind, String value) {
  /** As long as a strategy name may be. */
  public static final int MAX_VALUE = RequestValidator.MAX_STRATEGY;
  /** Stable order: by key, then value; the first engaged scope in this order names a refusal. */
  public static final Comparator<Scope> ORDER = Comparator.comparing(Scope::kind).thenComparing(Scope::value);

  public Scope {
    if (kind == null || value == null) {
      throw new IllegalArgumentException("a scope needs a key and a value");
    }
    value = normalize(kind, value);
    if (!validValue(kind, value)) {
      throw new IllegalArgumentException("a scope value must be 1-" + MAX_VALUE + " characters without control "
        + "characters");
    }
  }

  /** The value as compared: trimmed, and upper-cased for symbols. */
  public static String normalize(ScopeKind kind, String value) {
    String v = value.strip();
    return kind == ScopeKind.SYMBOL ? v.toUpperCase(Locale.ROOT) : v;
  }

  public static boolean validValue(ScopeKind kind, String value) {
    if (kind == null || value == null) {
      return false;
    }
    String v = normalize(kind, value);
    return !v.isEmpty() && v.length() <= MAX_VALUE && !RequestValidator.hasControl(v);
  }

  /** True when the order carries this key with this value. */
  public boolean matches(Order order) {
    String v = kind.valueOf(order);
    return v != null && value.equals(normalize(kind, v));
  }

  /** "venue XNAS": how a refusal names the scope. */
  public String label() {
    return kind.json() + " " + value;
  }
}
