package io.hitl.gateway.core.pretrade;

import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.Times;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Which engaged scoped kill switch, if any, stops an order, and the refusal that names it. */
public final class ScopedSwitches {
  /** The reason a pending request rejected by an engaging switch is decided with. */
  public static final String REJECT_REASON = "SCOPED_SWITCH";

  private ScopedSwitches() {
  }

  /** The first engaged scope (in {@link Scope#ORDER}) that matches the order, so a refusal names it deterministically. */
  public static Optional<Scope> stopping(Collection<Scope> engaged, Order order) {
    return engaged.stream().filter(s -> s.matches(order)).min(Scope.ORDER);
  }

  /** The engaged switch that stops the order, chosen as {@link #stopping(Collection, Order)} chooses its scope. */
  public static Optional<ScopedSwitch> stoppingSwitch(Collection<ScopedSwitch> engaged, Order order) {
    return engaged.stream().filter(s -> s.engaged() && s.scope().matches(order))
      .min(Comparator.comparing(ScopedSwitch::scope, Scope.ORDER));
  }

  /**
   * The orders a trade request's context asks for: its own, and for a batch each listed trade under the
   * request's attribution (a batch of mixed strategies names no strategy of its own, but each trade does).
   */
  public static List<Order> orders(Map<String, Object> context) {
    List<Order> out = new ArrayList<>();
    out.add(Order.fromContext(context));
    if (context.get("trades") instanceof List<?> trades) {
      for (Object t : trades) {
        if (t instanceof Map<?, ?> m) {
          Map<String, Object> merged = new HashMap<>(context);
          m.forEach((k, v) -> merged.put(String.valueOf(k), v));
          out.add(Order.fromContext(merged));
        }
      }
    }
    return out;
  }

  /** The engaged switch that stops any of the orders, chosen as for one order. */
  public static Optional<ScopedSwitch> stoppingSwitch(Collection<ScopedSwitch> engaged, List<Order> orders) {
    return orders.stream().map(o -> stoppingSwitch(engaged, o)).flatMap(Optional::stream)
      .min(Comparator.comparing(ScopedSwitch::scope, Scope.ORDER));
  }

  /** True when the scope stops any order of the request's context. */
  public static boolean stops(Scope scope, Map<String, Object> context) {
    return orders(context).stream().anyMatch(scope::matches);
  }

  /** SEC-072 for an order in the switch's scope: the detail names the scope, who engaged it, when and why. */
  public static GatewayException refusal(ScopedSwitch s) {
    Map<String, Object> ext = new LinkedHashMap<>();
    ext.put("switch_id", s.id().toString());
    ext.put("scope", s.scope().kind().json());
    ext.put("value", s.scope().value());
    return new GatewayException(ErrorCode.SEC_072, "A kill switch is engaged on " + s.scope().label() + " (set by "
      + s.setBy() + " at " + Times.format(s.setAt()) + ": " + s.reason() + ")", ext);
  }

  /**
   * SEC-072 for an order on a scope whose switch row disagrees with the journal: the gateway acts on the switch
   * the journal states (or the row), so the scope stays stopped until an admin engages and releases it again.
   */
  public static GatewayException tampered(ScopedSwitch s, String difference) {
    Map<String, Object> ext = new LinkedHashMap<>();
    ext.put("switch_id", s.id().toString());
    ext.put("scope", s.scope().kind().json());
    ext.put("value", s.scope().value());
    ext.put("integrity_failure", difference);
    return new GatewayException(ErrorCode.SEC_072, "Integrity failure: the kill switch on " + s.scope().label()
      + " disagrees with the journal (" + difference + "); trades on it are refused until an admin engages and "
      + "releases it again", ext);
  }

  /** The comment on a request that engaging the switch rejected: which switch, on what, and why. */
  public static String rejectComment(ScopedSwitch s) {
    return "Kill switch on " + s.scope().label() + " engaged by " + s.setBy() + ": " + s.reason();
  }
}
