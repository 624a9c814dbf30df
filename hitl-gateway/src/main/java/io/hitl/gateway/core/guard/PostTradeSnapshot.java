package io.hitl.gateway.core.guard;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.Decimals;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * The market at the moment a trade was approved: bid, ask, spread, mid, how old the quote was
 * (latency_ms) and how far the executable price was from the requested one. Market fields are null
 * when no quote was known (an automatic approval of a ticker nobody priced).
 */
public record PostTradeSnapshot(UUID approvalId, String tradeId, String ticker, String side, BigDecimal requestedPrice,
    BigDecimal bid, BigDecimal ask, BigDecimal spread, BigDecimal mid, BigDecimal referencePrice, Long latencyMs,
    BigDecimal priceDeviationPct, String quoteSource, Instant quotedAt, String correlationId, Instant createdAt) {

  public static PostTradeSnapshot of(Approval a, String tradeId, Quote q, Instant at, String correlationId) {
    String ticker = DecisionGuards.tickerOf(a);
    Object action = a.context().get("action");
    String side = action instanceof String ? (String) action : null;
    BigDecimal requested = Decimals.parse(a.context().get("price"));
    if (q == null) {
      return new PostTradeSnapshot(a.id(), tradeId, ticker, side, requested, null, null, null, null, null, null, null,
        null, null, correlationId, at);
    }
    BigDecimal reference = q.reference(side);
    BigDecimal deviation = requested == null || requested.signum() <= 0 ? null
      : Slippage.deviationPct(reference, requested);
    return new PostTradeSnapshot(a.id(), tradeId, ticker, side, requested, q.bid(), q.ask(), q.spread(), q.mid(),
      reference, q.ageAt(at).toMillis(), deviation, q.source(), q.quotedAt(), correlationId, at);
  }
}
