package io.hitl.gateway.core.pretrade;

import java.util.Collection;
import java.util.Optional;

/** Which engaged scoped kill switch, if any, stops an order. */
public final class ScopedSwitches {
  private ScopedSwitches() {
  }

  /** The first engaged scope (in {@link Scope#ORDER}) that matches the order, so a refusal names it deterministically. */
  public static Optional<Scope> stopping(Collection<Scope> engaged, Order order) {
    return engaged.stream().filter(s -> s.matches(order)).min(Scope.ORDER);
  }
}
