package io.hitl.gateway.core.pretrade;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/**
 * The pre-trade limits of one policy; a null field is a limit not configured. {@code collarPct} is the
 * largest distance, in percent of the quote's mid, of a limit price from the latest fresh quote;
 * {@code duplicateWindow} is how long an order with the same attribution, symbol, side and size counts
 * as a duplicate.
 */
public record Limits(BigDecimal maxQuantity, BigDecimal maxNotional, BigDecimal collarPct, Duration duplicateWindow,
    List<RollingCap> rolling) {
  public static final Limits NONE = new Limits(null, null, null, null, List.of());

  public Limits {
    rolling = rolling == null ? List.of() : List.copyOf(rolling);
  }

  public boolean isEmpty() {
    return count() == 0;
  }

  /** How many limits are configured (each rolling cap counts once per figure it caps). */
  public int count() {
    int n = (maxQuantity == null ? 0 : 1) + (maxNotional == null ? 0 : 1) + (collarPct == null ? 0 : 1)
      + (duplicateWindow == null ? 0 : 1);
    for (RollingCap c : rolling) {
      n += (c.maxNotional() == null ? 0 : 1) + (c.maxOrders() == null ? 0 : 1);
    }
    return n;
  }
}
