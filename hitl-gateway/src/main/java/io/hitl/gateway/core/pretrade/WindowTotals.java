package io.hitl.gateway.core.pretrade;

import io.hitl.gateway.core.Decimals;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

/** What a key has sent within a rolling window: the number of orders and their total notional. */
public record WindowTotals(long orders, BigDecimal notional) {
  public static final WindowTotals EMPTY = new WindowTotals(0, BigDecimal.ZERO);

  /** One order already counted: when it was admitted and its notional. */
  public record Entry(Instant at, BigDecimal notional) {
  }

  /**
   * The totals of the window ending at {@code now}: entries admitted after {@code now - window} and
   * not after {@code now}. PostgreSQL sums the same half-open interval (see PretradeStore).
   */
  public static WindowTotals of(Collection<Entry> entries, Instant now, Duration window) {
    Instant start = now.minus(window);
    long n = 0;
    BigDecimal sum = BigDecimal.ZERO;
    for (Entry e : entries) {
      if (e.at().isAfter(start) && !e.at().isAfter(now)) {
        n++;
        sum = sum.add(e.notional());
      }
    }
    return new WindowTotals(n, Decimals.scaled(sum));
  }

  /** The totals once {@code notional} more is added. */
  public WindowTotals plus(BigDecimal more) {
    return new WindowTotals(orders + 1, Decimals.scaled(notional.add(more)));
  }
}
