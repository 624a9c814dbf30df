package io.hitl.gateway.core.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SlippageProperties {
  private static final BigDecimal TICK = new BigDecimal("0.00000001");
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
  private static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");

  @Provide
  Arbitrary<BigDecimal> prices() {
    return Arbitraries.oneOf(
      Arbitraries.bigDecimals().between(TICK, new BigDecimal("99999999.99999999")).ofScale(8),
      Arbitraries.bigDecimals().between(TICK, new BigDecimal("10")).ofScale(8),
      Arbitraries.bigDecimals().between(BigDecimal.ONE, new BigDecimal("5000")).ofScale(2));
  }

  @Provide
  Arbitrary<BigDecimal> limits() {
    return Arbitraries.bigDecimals().between(BigDecimal.ZERO, HUNDRED).ofScale(4);
  }

  @Property
  void deviationIsSymmetricAroundTheRequestedPrice(@ForAll("prices") BigDecimal requested,
      @ForAll("prices") BigDecimal move, @ForAll("limits") BigDecimal limit) {
    Assume.that(move.compareTo(requested) < 0);
    BigDecimal up = requested.add(move);
    BigDecimal down = requested.subtract(move);
    assertThat(Slippage.deviationPct(up, requested)).isEqualTo(Slippage.deviationPct(down, requested));
    assertThat(Slippage.exceeds(up, requested, limit)).isEqualTo(Slippage.exceeds(down, requested, limit));
  }

  @Property
  void aPriceExactlyAtTheLimitPassesAndOneTickBeyondIsRefused(@ForAll("prices") BigDecimal requested,
      @ForAll("limits") BigDecimal limit) {
    BigDecimal edge = requested.multiply(limit).divide(HUNDRED);
    BigDecimal high = requested.add(edge);
    assertThat(Slippage.exceeds(high, requested, limit)).isFalse();
    assertThat(Slippage.exceeds(high.add(TICK), requested, limit)).isTrue();
    BigDecimal low = requested.subtract(edge);
    if (low.subtract(TICK).signum() > 0) {
      assertThat(Slippage.exceeds(low, requested, limit)).isFalse();
      assertThat(Slippage.exceeds(low.subtract(TICK), requested, limit)).isTrue();
    }
  }

  @Property
  void deviationIsTheExactRatioRoundedHalfEvenToEightDecimals(@ForAll("prices") BigDecimal current,
      @ForAll("prices") BigDecimal requested) {
    BigDecimal d = Slippage.deviationPct(current, requested);
    assertThat(d.scale()).isEqualTo(8);
    assertThat(d.unscaledValue()).isEqualTo(halfEven(current.subtract(requested).abs().multiply(HUNDRED), requested));
  }

  @Property
  void theRoundedDeviationNeverHidesAnExcess(@ForAll("prices") BigDecimal current,
      @ForAll("prices") BigDecimal requested, @ForAll("limits") BigDecimal limit) {
    if (Slippage.deviationPct(current, requested).compareTo(limit) > 0) {
      assertThat(Slippage.exceeds(current, requested, limit)).isTrue();
    }
    if (!Slippage.exceeds(current, requested, limit)) {
      assertThat(Slippage.deviationPct(current, requested)).isLessThanOrEqualTo(limit.setScale(8));
    }
  }

  /** An oracle in integers: round(n / d * 10^8) half-even, with no BigDecimal division at all. */
  private static BigInteger halfEven(BigDecimal n, BigDecimal d) {
    int scale = Math.max(n.scale(), d.scale());
    BigInteger num = n.movePointRight(scale).toBigIntegerExact().multiply(BigInteger.TEN.pow(8));
    BigInteger den = d.movePointRight(scale).toBigIntegerExact();
    BigInteger[] qr = num.divideAndRemainder(den);
    int c = qr[1].shiftLeft(1).compareTo(den);
    if (c > 0 || (c == 0 && qr[0].testBit(0))) {
      return qr[0].add(BigInteger.ONE);
    }
    return qr[0];
  }

  @Example
  void buyIsJudgedOnTheAskAndSellOnTheBid() {
    Quote q = quote("99.00", "101.00", NOW);
    Slippage.check("X", "BUY", new BigDecimal("100.6"), q, NOW, Duration.ofSeconds(5), new BigDecimal("0.5"));
    assertThatThrownBy(() -> Slippage.check("X", "SELL", new BigDecimal("100.6"), q, NOW, Duration.ofSeconds(5),
      new BigDecimal("0.5")))
      .isInstanceOfSatisfying(GatewayException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.SEC_050);
        assertThat(e.detail()).contains("1.59045726%").contains("bid 99");
        assertThat(e.extensions()).containsEntry("deviation_pct", "1.59045726").containsEntry("max_pct", "0.5");
      });
  }

  @Example
  void noQuoteOrAStaleOneIsSec051AndTheAgeLimitIsInclusive() {
    BigDecimal p = new BigDecimal("100");
    Duration max = Duration.ofSeconds(5);
    assertThatThrownBy(() -> Slippage.check("X", "BUY", p, null, NOW, max, BigDecimal.ONE))
      .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SEC_051));
    Slippage.check("X", "BUY", p, quote("100", "100", NOW.minusSeconds(5)), NOW, max, BigDecimal.ONE);
    assertThatThrownBy(() -> Slippage.check("X", "BUY", p, quote("100", "100", NOW.minusSeconds(5).minusNanos(1000)),
      NOW, max, BigDecimal.ONE))
      .isInstanceOfSatisfying(GatewayException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.SEC_051);
        assertThat(e.detail()).contains("5000 ms old");
      });
  }

  @Example
  void midAndSpreadKeepEightDecimals() {
    Quote q = quote("0.00000001", "0.00000002", NOW);
    assertThat(q.mid()).isEqualByComparingTo("0.00000002");
    assertThat(q.spread()).isEqualByComparingTo("0.00000001");
    assertThat(quote("2850.12345678", "2850.12345679", NOW).mid()).isEqualByComparingTo("2850.12345678");
  }

  private static Quote quote(String bid, String ask, Instant at) {
    return new Quote("X", new BigDecimal(bid), new BigDecimal(ask), at, at, "api");
  }
}
