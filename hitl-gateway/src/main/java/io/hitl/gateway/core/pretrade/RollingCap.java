package io.hitl.gateway.core.pretrade;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * A cap on what one strategy or account may send within a rolling window: total notional and/or
 * number of orders in the last {@code window}. Orders without the key share one window ("-").
 */
public record RollingCap(ScopeKind per, Duration window, BigDecimal maxNotional, Integer maxOrders) {
  public static final String UNATTRIBUTED = "-";

  public RollingCap {
    if (per != ScopeKind.STRATEGY && per != ScopeKind.ACCOUNT) {
      throw new IllegalArgumentException("rolling caps are kept per strategy or per account");
    }
    if (window == null || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("a rolling window must be positive");
    }
    if (maxNotional == null && maxOrders == null) {
      throw new IllegalArgumentException("a rolling cap needs max_notional or max_orders");
    }
  }

  /** The window's key for this order, e.g. "strategy:momo-1"; the same order always gets the same key. */
  public String key(Order order) {
    return key(per, order);
  }

  /** The window key of an order for one attribution key, whatever the window. */
  public static String key(ScopeKind per, Order order) {
    String v = per.valueOf(order);
    return per.json() + ":" + (v == null ? UNATTRIBUTED : v);
  }
}
