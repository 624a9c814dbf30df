package io.hitl.gateway.core.guard;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.Decimals;
import io.hitl.gateway.core.Decision;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * What the trading guards know when a decision is made: the Guardian row (read FOR SHARE), the
 * active lockout of the request's ticker, and the latest quote with the slippage limits.
 */
public record DecisionGuards(GuardianState guardian, Lockout lockout, Quote quote, Duration quoteMaxAge,
    BigDecimal slippageMaxPct) {

  /** Rule 2: no decision while the Guardian is locked; no approval of a locked-out ticker (rejecting stays allowed). */
  public void requireOpen(Decision d) {
    Admission.requireUnlocked(guardian, "decisions are refused");
    if (d == Decision.APPROVE && lockout != null) {
      throw lockout.refusal();
    }
  }

  /** Rule 5: an approval of a trade needs a fresh quote within the slippage limit. */
  public void requirePriceHolds(Approval a, Instant now) {
    if (!a.isTrade()) {
      return;
    }
    Object ticker = a.context().get("ticker");
    Object side = a.context().get("action");
    BigDecimal price = Decimals.parse(a.context().get("price"));
    if (!(ticker instanceof String) || price == null || price.signum() <= 0) {
      return;
    }
    Slippage.check((String) ticker, side instanceof String ? (String) side : Quote.BUY, price, quote, now,
      quoteMaxAge, slippageMaxPct);
  }

  /** The ticker a trade request is about, or null. */
  public static String tickerOf(Approval a) {
    if (!a.isTrade() || a.context() == null) {
      return null;
    }
    Object t = a.context().get("ticker");
    return t instanceof String ? (String) t : null;
  }
}
