package io.hitl.client;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an override approver grants when approving a limit-override request (docs/guards.md, "Approving an
 * override"): {@link #once()} authorises that one order; {@link #raise} also raises each breached limit for a
 * bounded time, to what the order needed or to the values chosen per limit. Its {@link #json()} is the
 * decision's {@code override} member, as {@code POST /api/v1/approvals/{id}/approve} takes it. A grant of the
 * wrong shape is refused before anything is sent, with the SEC-010 field errors the gateway would answer.
 */
public final class OverrideGrant {
  /** The longest raise the gateway accepts; a policy's {@code max_raise_seconds} may allow less (SEC-053). */
  public static final Duration MAX_RAISE = Duration.ofDays(1);
  /** Limit values are NUMERIC(18,8): below 10^10. */
  static final BigDecimal MAX_EXCLUSIVE = BigDecimal.TEN.pow(10);
  static final String FIELD = "override";
  private static final String ROLLING_ORDERS = "rolling_orders";
  private static final OverrideGrant ONCE = new OverrideGrant(false, null, null);

  private final boolean raise;
  private final Duration raiseFor;
  private final Map<String, BigDecimal> limits;

  private OverrideGrant(boolean raise, Duration raiseFor, Map<String, BigDecimal> limits) {
    this.raise = raise;
    this.raiseFor = raiseFor;
    this.limits = limits == null ? null : Collections.unmodifiableMap(new TreeMap<>(limits));
  }

  /** Authorises this one order (what an approval without a grant does too). */
  public static OverrideGrant once() {
    return ONCE;
  }

  /** Authorises this order and raises every breached limit that can be raised to what it needed, for {@code d}. */
  public static OverrideGrant raise(Duration d) {
    return new OverrideGrant(true, d, null);
  }

  /**
   * As {@link #raise(Duration)}, with chosen values for the named breached limits ({@code max_quantity},
   * {@code max_notional}, {@code rolling_notional}, {@code rolling_orders}...); each must admit this order.
   * {@code limits} null is {@link #raise(Duration)}; an empty map is refused (SEC-010), as the gateway does.
   */
  public static OverrideGrant raise(Duration d, Map<String, BigDecimal> limits) {
    return new OverrideGrant(true, d, limits);
  }

  public boolean raises() {
    return raise;
  }

  /** The raise's duration; null for {@link #once()}. */
  public Duration raiseFor() {
    return raiseFor;
  }

  /** The chosen values per limit; empty when none were chosen. */
  public Map<String, BigDecimal> limits() {
    return limits == null ? Map.of() : limits;
  }

  /** The decision's {@code override} member; decimals as text, so no digit is lost on the way. */
  public JsonObject json() {
    if (!raise) {
      return new JsonObject().put("grant", "once");
    }
    JsonObject j = new JsonObject().put("grant", "raise");
    if (raiseFor != null) {
      j.put("raise_seconds", raiseFor.getNano() == 0 ? (Object) raiseFor.getSeconds()
        : new BigDecimal(raiseFor.getSeconds()).add(BigDecimal.valueOf(raiseFor.getNano(), 9)).toPlainString());
    }
    if (limits != null) {
      JsonObject l = new JsonObject();
      limits.forEach((k, v) -> l.put(k, v == null ? null : v.toPlainString()));
      j.put("limits", l);
    }
    return j;
  }

  /**
   * The SEC-010 refusal the gateway would answer for sending {@code grant} with {@code decision} (a grant goes only
   * with an approval, and in a shape the gateway accepts), or null when it may be sent; {@code httpStatus} as the
   * client reports refusals (0 on the bus).
   */
  static HitlException refusal(Decision decision, OverrideGrant grant, int httpStatus) {
    if (grant == null) {
      return null;
    }
    Map<String, String> errors = decision == Decision.REJECT ? Map.of(FIELD, "goes only with an approval")
      : grant.errors();
    if (errors.isEmpty()) {
      return null;
    }
    String detail = errors.size() == 1 ? errors.keySet().iterator().next() + ": " + errors.values().iterator().next()
      : "Invalid fields: " + String.join(", ", errors.keySet());
    // a JsonObject, as the errors of a refusal decoded from the bus or an HTTP problem are
    return new HitlException(io.hitl.client.contract.ErrorCodes.SEC_010, httpStatus, detail,
      Map.of("errors", new JsonObject(new LinkedHashMap<>(errors))), null);
  }

  /** The fields of the shape the gateway refuses with SEC-010 (named as it names them), in its order. */
  Map<String, String> errors() {
    Map<String, String> errors = new LinkedHashMap<>();
    if (!raise) {
      return errors;
    }
    if (raiseFor == null || raiseFor.getNano() != 0 || raiseFor.getSeconds() < 1
        || raiseFor.compareTo(MAX_RAISE) > 0) {
      errors.put(FIELD + ".raise_seconds", "must be a whole number of seconds between 1 and "
        + MAX_RAISE.toSeconds());
    }
    if (limits != null && limits.isEmpty()) {
      errors.put(FIELD + ".limits", "must be an object of breached limit names and their raised values");
    } else if (limits != null) {
      limits.forEach((name, d) -> {
        if (d == null || d.signum() <= 0 || d.abs().compareTo(MAX_EXCLUSIVE) >= 0) {
          errors.put(FIELD + ".limits." + name, "must be a decimal number above 0 and less than "
            + MAX_EXCLUSIVE.toPlainString());
        } else if (ROLLING_ORDERS.equals(name) && d.stripTrailingZeros().scale() > 0) {
          errors.put(FIELD + ".limits." + name, "must be a whole number of orders");
        }
      });
    }
    return errors;
  }

  @Override
  public String toString() {
    return json().encode();
  }
}
