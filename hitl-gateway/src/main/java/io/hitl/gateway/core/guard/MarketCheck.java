package io.hitl.gateway.core.guard;

import io.hitl.gateway.core.Decimals;
import io.hitl.gateway.core.Times;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a trader checks before approving a trade, as rule 5 would judge it at {@code now}: the latest quote and its
 * age, the price the trade would execute at, its deviation from the requested price against the slippage limit, and
 * the notional. The verdict is the one {@link Slippage#check} reaches with the same facts, so a request shown as
 * {@code ok} is not refused for its price at that instant, and one shown stale or out of limit is.
 */
public record MarketCheck(String ticker, String side, BigDecimal requestedPrice, BigDecimal quantity, Quote quote,
    Instant at, Duration maxAge, BigDecimal maxPct) {

  public enum Verdict {
    OK, NO_QUOTE, STALE, OUT_OF_LIMIT;

    public String json() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The check of a trade request's context ({@code ticker}, {@code action}, {@code price}, {@code quantity}), or null. */
  public static MarketCheck of(Map<String, Object> context, Quote quote, Instant at, Duration maxAge, BigDecimal maxPct) {
    if (context == null || !(context.get("ticker") instanceof String ticker)) {
      return null;
    }
    BigDecimal price = Decimals.parse(context.get("price"));
    if (price == null || price.signum() <= 0) {
      return null;
    }
    Object action = context.get("action");
    String side = Quote.SELL.equals(action) ? Quote.SELL : Quote.BUY;
    return new MarketCheck(ticker, side, price, Decimals.parse(context.get("quantity")), quote, at, maxAge, maxPct);
  }

  public Verdict verdict() {
    if (quote == null) {
      return Verdict.NO_QUOTE;
    }
    if (!quote.freshAt(at, maxAge)) {
      return Verdict.STALE;
    }
    return Slippage.exceeds(quote.reference(side), requestedPrice, maxPct) ? Verdict.OUT_OF_LIMIT : Verdict.OK;
  }

  /** Quantity × requested price, 8 decimals HALF_EVEN; null without a quantity. */
  public BigDecimal notional() {
    return quantity == null ? null : quantity.multiply(requestedPrice).setScale(Decimals.SCALE, RoundingMode.HALF_EVEN);
  }

  /** The view's {@code market} member: decimals as strings, times UTC. */
  public Map<String, Object> json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ticker", ticker);
    m.put("side", side);
    m.put("requested_price", Decimals.text(requestedPrice));
    m.put("quantity", quantity == null ? null : Decimals.text(quantity));
    m.put("notional", notional() == null ? null : Decimals.text(notional()));
    if (quote == null) {
      m.put("quote", null);
      m.put("reference_price", null);
      m.put("quote_age_ms", null);
      m.put("fresh", false);
      m.put("deviation_pct", null);
      m.put("within_limit", null);
    } else {
      Map<String, Object> q = new LinkedHashMap<>();
      q.put("bid", Decimals.text(quote.bid()));
      q.put("ask", Decimals.text(quote.ask()));
      q.put("quoted_at", Times.format(quote.quotedAt()));
      q.put("source", quote.source());
      BigDecimal reference = quote.reference(side);
      m.put("quote", q);
      m.put("reference_price", Decimals.text(reference));
      m.put("quote_age_ms", quote.ageAt(at).toMillis());
      m.put("fresh", quote.freshAt(at, maxAge));
      m.put("deviation_pct", Slippage.deviationPct(reference, requestedPrice).toPlainString());
      m.put("within_limit", !Slippage.exceeds(reference, requestedPrice, maxPct));
    }
    m.put("quote_max_age_seconds", maxAge.toSeconds());
    m.put("slippage_max_pct", maxPct.toPlainString());
    m.put("verdict", verdict().json());
    m.put("at", Times.format(at));
    return m;
  }
}
