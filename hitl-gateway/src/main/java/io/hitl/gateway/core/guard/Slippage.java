package io.hitl.gateway.core.guard;

import io.hitl.gateway.core.Decimals;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SPEC §5 rule 5: the price a trade would execute at now must be within the limit of the price it
 * was requested at, {@code abs((current - requested) / requested) * 100}. The limit is compared
 * exactly (no rounding can let a price through); the deviation shown is rounded to 8 decimals, HALF_EVEN.
 */
public final class Slippage {
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  private Slippage() {
  }

  /** Percent deviation of current from requested, 8 decimals, HALF_EVEN. */
  public static BigDecimal deviationPct(BigDecimal current, BigDecimal requested) {
    return current.subtract(requested).abs().multiply(HUNDRED)
      .divide(requested, Decimals.SCALE, RoundingMode.HALF_EVEN);
  }

  /** True when the exact deviation is above maxPct. */
  public static boolean exceeds(BigDecimal current, BigDecimal requested, BigDecimal maxPct) {
    return current.subtract(requested).abs().multiply(HUNDRED).compareTo(maxPct.multiply(requested)) > 0;
  }

  /**
   * Refuses with SEC-051 when there is no quote fresh at {@code now}, and with SEC-050 (the deviation
   * in the detail and the problem members) when the price moved too far.
   */
  public static void check(String ticker, String side, BigDecimal requested, Quote quote, Instant now,
      Duration maxAge, BigDecimal maxPct) {
    if (quote == null) {
      throw new GatewayException(ErrorCode.SEC_051, "No quote for " + ticker + "; the trade cannot be priced",
        Map.of("ticker", ticker));
    }
    if (!quote.freshAt(now, maxAge)) {
      throw new GatewayException(ErrorCode.SEC_051, "The latest quote for " + ticker + " is "
        + quote.ageAt(now).toMillis() + " ms old; the limit is " + maxAge.toSeconds() + " s",
        Map.of("ticker", ticker, "quote_age_ms", quote.ageAt(now).toMillis()));
    }
    BigDecimal current = quote.reference(side);
    if (exceeds(current, requested, maxPct)) {
      BigDecimal deviation = deviationPct(current, requested);
      Map<String, Object> ext = new LinkedHashMap<>();
      ext.put("ticker", ticker);
      ext.put("side", side);
      ext.put("requested_price", Decimals.text(requested));
      ext.put("current_price", Decimals.text(current));
      ext.put("deviation_pct", deviation.toPlainString());
      ext.put("max_pct", maxPct.toPlainString());
      throw new GatewayException(ErrorCode.SEC_050, "Price of " + ticker + " moved " + deviation.toPlainString()
        + "% from the requested " + Decimals.text(requested) + " (" + (Quote.SELL.equals(side) ? "bid " : "ask ")
        + Decimals.text(current) + "); the limit is " + maxPct.toPlainString() + "%", ext);
    }
  }
}
