package io.hitl.gateway.core.guard;

import io.hitl.gateway.core.Decimals;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;

/** The latest bid and ask of a ticker, when the source priced it and how it reached the gateway. */
public record Quote(String ticker, BigDecimal bid, BigDecimal ask, Instant quotedAt, Instant receivedAt,
    String source) {

  public static final String BUY = "BUY";
  public static final String SELL = "SELL";
  private static final BigDecimal TWO = BigDecimal.valueOf(2);

  public BigDecimal spread() {
    return Decimals.scaled(ask.subtract(bid));
  }

  public BigDecimal mid() {
    return bid.add(ask).divide(TWO, Decimals.SCALE, RoundingMode.HALF_EVEN);
  }

  /** The price the trade would execute at now: the ask for a BUY, the bid for a SELL. */
  public BigDecimal reference(String side) {
    return SELL.equals(side) ? bid : ask;
  }

  /** How old the price is at {@code now}; a timestamp ahead of the gateway clock counts as zero. */
  public Duration ageAt(Instant now) {
    Duration age = Duration.between(quotedAt, now);
    return age.isNegative() ? Duration.ZERO : age;
  }

  public boolean freshAt(Instant now, Duration maxAge) {
    return ageAt(now).compareTo(maxAge) <= 0;
  }
}
