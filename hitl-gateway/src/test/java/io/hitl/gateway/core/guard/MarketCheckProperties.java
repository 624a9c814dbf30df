package io.hitl.gateway.core.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** What the console shows before the click agrees with what the slippage rule decides after it. */
class MarketCheckProperties {
  private static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");
  private static final BigDecimal TICK = new BigDecimal("0.00000001");

  @Provide
  Arbitrary<BigDecimal> prices() {
    return Arbitraries.oneOf(
      Arbitraries.bigDecimals().between(TICK, new BigDecimal("10")).ofScale(8),
      Arbitraries.bigDecimals().between(BigDecimal.ONE, new BigDecimal("5000")).ofScale(2));
  }

  @Provide
  Arbitrary<BigDecimal> limits() {
    return Arbitraries.bigDecimals().between(BigDecimal.ZERO, new BigDecimal("20")).ofScale(3);
  }

  @Provide
  Arbitrary<String> sides() {
    return Arbitraries.of(Quote.BUY, Quote.SELL);
  }

  @Property
  void theVerdictIsTheOutcomeTheSlippageRuleReachesWithTheSameFacts(@ForAll("prices") BigDecimal requested,
      @ForAll("prices") BigDecimal bid, @ForAll("prices") BigDecimal spread, @ForAll("sides") String side,
      @ForAll @IntRange(min = 0, max = 120) int ageSeconds, @ForAll @IntRange(min = 1, max = 60) int maxAgeSeconds,
      @ForAll("limits") BigDecimal limit, @ForAll boolean quoted) {
    Quote q = quoted ? new Quote("X", bid, bid.add(spread), NOW.minusSeconds(ageSeconds), NOW, "api") : null;
    Duration maxAge = Duration.ofSeconds(maxAgeSeconds);
    MarketCheck check = new MarketCheck("X", side, requested, BigDecimal.TEN, q, NOW, maxAge, limit);
    MarketCheck.Verdict expected;
    try {
      Slippage.check("X", side, requested, q, NOW, maxAge, limit);
      expected = MarketCheck.Verdict.OK;
    } catch (GatewayException e) {
      expected = e.code() == ErrorCode.SEC_050 ? MarketCheck.Verdict.OUT_OF_LIMIT
        : q == null ? MarketCheck.Verdict.NO_QUOTE : MarketCheck.Verdict.STALE;
      assertThat(e.code()).isIn(ErrorCode.SEC_050, ErrorCode.SEC_051);
    }
    assertThat(check.verdict()).isEqualTo(expected);
    Map<String, Object> json = check.json();
    assertThat(json.get("verdict")).isEqualTo(expected.json());
    if (q != null) {
      assertThat(json.get("within_limit")).isEqualTo(!Slippage.exceeds(q.reference(side), requested, limit));
      assertThat(json.get("fresh")).isEqualTo(ageSeconds <= maxAgeSeconds);
    }
  }

  @Property
  void theNotionalIsQuantityTimesTheRequestedPriceWithinHalfATickOfTheExactProduct(@ForAll("prices") BigDecimal requested,
      @ForAll("prices") BigDecimal quantity) {
    MarketCheck check = new MarketCheck("X", Quote.BUY, requested, quantity, null, NOW, Duration.ofSeconds(5),
      BigDecimal.ONE);
    assertThat(check.notional().scale()).isEqualTo(8);
    assertThat(check.notional().subtract(quantity.multiply(requested)).abs())
      .isLessThanOrEqualTo(new BigDecimal("0.000000005"));
  }

  @Example
  void aBuyIsPricedAtTheAskAndASellAtTheBid() {
    Quote q = new Quote("AAPL", new BigDecimal("187.15"), new BigDecimal("187.25"), NOW.minusSeconds(2), NOW, "api");
    Map<String, Object> ctx = new LinkedHashMap<>(Map.of("ticker", "AAPL", "action", "BUY", "quantity", "100",
      "price", "187.20"));
    Map<String, Object> buy = MarketCheck.of(ctx, q, NOW, Duration.ofSeconds(30), new BigDecimal("0.5")).json();
    assertThat(buy).containsEntry("reference_price", "187.25").containsEntry("notional", "18720")
      .containsEntry("quote_age_ms", 2000L).containsEntry("verdict", "ok").containsEntry("deviation_pct", "0.02670940");
    ctx.put("action", "SELL");
    Map<String, Object> sell = MarketCheck.of(ctx, q, NOW, Duration.ofSeconds(30), new BigDecimal("0.5")).json();
    assertThat(sell).containsEntry("side", "SELL").containsEntry("reference_price", "187.15");
    assertThat(MarketCheck.of(Map.of("ticker", "AAPL"), q, NOW, Duration.ofSeconds(30), BigDecimal.ONE))
      .as("no price: nothing to check").isNull();
  }
}
