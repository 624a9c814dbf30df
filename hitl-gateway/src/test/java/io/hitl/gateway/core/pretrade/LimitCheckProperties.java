package io.hitl.gateway.core.pretrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.guard.Quote;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class LimitCheckProperties {
  private static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");
  private static final BigDecimal TICK = new BigDecimal("0.00000001");
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
  private static final Duration FRESH = Duration.ofSeconds(5);

  @Provide
  Arbitrary<BigDecimal> prices() {
    return Arbitraries.oneOf(
      Arbitraries.bigDecimals().between(new BigDecimal("0.0001"), new BigDecimal("10")).ofScale(4),
      Arbitraries.bigDecimals().between(BigDecimal.ONE, new BigDecimal("50000")).ofScale(2));
  }

  @Provide
  Arbitrary<BigDecimal> pcts() {
    return Arbitraries.bigDecimals().between(BigDecimal.ZERO, BigDecimal.TEN).ofScale(3);
  }

  @Property
  void aPriceExactlyAtTheCollarPassesAndOneTickBeyondBreaches(@ForAll("prices") BigDecimal bid,
      @ForAll("prices") BigDecimal spread, @ForAll("pcts") BigDecimal pct) {
    Quote q = quote(bid, bid.add(spread), NOW);
    BigDecimal mid = q.mid();
    BigDecimal edge = mid.multiply(pct).divide(HUNDRED);
    assertThat(collar(mid.add(edge), q, pct)).isEmpty();
    assertThat(collar(mid.add(edge).add(TICK), q, pct)).extracting(Breach::limit).containsExactly(Breach.PRICE_COLLAR);
    if (mid.subtract(edge).subtract(TICK).signum() > 0) {
      assertThat(collar(mid.subtract(edge), q, pct)).isEmpty();
      assertThat(collar(mid.subtract(edge).subtract(TICK), q, pct)).hasSize(1);
    }
  }

  @Property
  void theCollarBreachesExactlyWhenTheExactDistanceIsBeyondIt(@ForAll("prices") BigDecimal bid,
      @ForAll("prices") BigDecimal spread, @ForAll("prices") BigDecimal price, @ForAll("pcts") BigDecimal pct) {
    Quote q = quote(bid, bid.add(spread), NOW);
    boolean outside = price.subtract(q.mid()).abs().multiply(HUNDRED).compareTo(pct.multiply(q.mid())) > 0;
    assertThat(collar(price, q, pct).isEmpty()).isEqualTo(!outside);
  }

  @Property
  void withoutAFreshQuoteTheCollarAlwaysBreaches(@ForAll("prices") BigDecimal bid, @ForAll("pcts") BigDecimal pct,
      @ForAll @IntRange(min = 1, max = 100_000) int tooOldMillis) {
    Quote stale = quote(bid, bid, NOW.minus(FRESH).minusMillis(tooOldMillis));
    assertThat(collar(bid, stale, pct)).extracting(Breach::limit).containsExactly(Breach.PRICE_COLLAR);
    assertThat(collar(bid, null, pct)).extracting(Breach::limit).containsExactly(Breach.PRICE_COLLAR);
    Quote atTheAgeLimit = quote(bid, bid, NOW.minus(FRESH));
    assertThat(collar(bid, atTheAgeLimit, pct)).isEmpty();
  }

  @Property
  void quantityAndNotionalBreachExactlyAboveTheirLimits(@ForAll("prices") BigDecimal quantity,
      @ForAll("prices") BigDecimal price, @ForAll("prices") BigDecimal maxQuantity,
      @ForAll("prices") BigDecimal maxNotional) {
    Order o = order("AAPL", "BUY", quantity, price);
    List<Breach> b = LimitCheck.breaches(o, new Limits(maxQuantity, maxNotional, null, null, List.of()), facts(null,
      List.of()));
    assertThat(b.stream().anyMatch(x -> x.limit().equals(Breach.MAX_QUANTITY)))
      .isEqualTo(quantity.compareTo(maxQuantity) > 0);
    assertThat(b.stream().anyMatch(x -> x.limit().equals(Breach.MAX_NOTIONAL)))
      .isEqualTo(o.notional().compareTo(maxNotional) > 0);
  }

  @Property
  void anOrderIsADuplicateExactlyWhenTheSameOrderWasSentWithinTheWindowOrStampedAfterNow(
      @ForAll List<@IntRange(min = -200, max = 200) Integer> earlierSecondsAgo,
      @ForAll @IntRange(min = 1, max = 120) int windowSeconds) {
    Order o = order("AAPL", "BUY", BigDecimal.TEN, BigDecimal.ONE);
    List<Instant> times = earlierSecondsAgo.stream().map(s -> NOW.minusSeconds(s)).toList();
    // an order stamped after now (by a node whose clock runs ahead) is a duplicate too
    boolean inside = earlierSecondsAgo.stream().anyMatch(s -> s < windowSeconds);
    List<Breach> b = LimitCheck.breaches(o, new Limits(null, null, null, Duration.ofSeconds(windowSeconds),
      List.of()), facts(null, times));
    assertThat(b.isEmpty()).isEqualTo(!inside);
  }

  @Property
  void twoOrdersShareADuplicateKeyExactlyWhenAttributionSymbolSideAndSizeAgree(
      @ForAll("sides") String side1, @ForAll("sides") String side2, @ForAll("venues") String venue1,
      @ForAll("venues") String venue2, @ForAll @IntRange(min = 1, max = 3) int q1,
      @ForAll @IntRange(min = 1, max = 3) int q2, @ForAll("prices") BigDecimal p1, @ForAll("prices") BigDecimal p2) {
    Order a = new Order(venue1, "s", "acct", "desk", "AAPL", side1, BigDecimal.valueOf(q1), p1);
    Order b = new Order(venue2, "s", "acct", "desk", "aapl", side2, new BigDecimal(q2 + ".000"), p2);
    boolean same = side1.equals(side2) && q1 == q2 && java.util.Objects.equals(venue1, venue2);
    assertThat(Duplicates.key(a).equals(Duplicates.key(b))).isEqualTo(same);
  }

  @Provide
  Arbitrary<String> sides() {
    return Arbitraries.of("BUY", "SELL");
  }

  @Provide
  Arbitrary<String> venues() {
    return Arbitraries.of("XNAS", "XNYS").injectNull(0.3);
  }

  @Example
  void anOrderInsideEveryLimitBreachesNothing() {
    RollingCap cap = new RollingCap(ScopeKind.STRATEGY, Duration.ofMinutes(1), new BigDecimal("100000"), 10);
    Limits five = new Limits(new BigDecimal("1000"), new BigDecimal("50000"), new BigDecimal("1"),
      Duration.ofSeconds(30), List.of(cap));
    assertThat(five.count()).isEqualTo(6);
    Order o = order("AAPL", "BUY", new BigDecimal("100"), new BigDecimal("150.10"));
    Quote q = quote(new BigDecimal("150"), new BigDecimal("150.2"), NOW);
    assertThat(LimitCheck.breaches(o, five, new LimitCheck.Facts(q, FRESH, List.of(), Map.of(cap,
      new WindowTotals(9, new BigDecimal("84989.99"))), NOW))).isEmpty();
    assertThat(LimitCheck.breaches(o, five, new LimitCheck.Facts(q, FRESH, List.of(NOW.minusSeconds(29)), Map.of(cap,
      new WindowTotals(10, new BigDecimal("84990.01"))), NOW))).extracting(Breach::limit)
      .containsExactly(Breach.DUPLICATE_ORDER, Breach.ROLLING_ORDERS, Breach.ROLLING_NOTIONAL);
  }

  @Example
  void anOrderWithoutAPriceBreachesEveryLimitThatNeedsItsValue() {
    RollingCap cap = new RollingCap(ScopeKind.ACCOUNT, Duration.ofMinutes(1), new BigDecimal("100000"), null);
    Limits limits = new Limits(null, new BigDecimal("50000"), new BigDecimal("1"), null, List.of(cap));
    Order o = order("AAPL", "BUY", new BigDecimal("100"), null);
    Quote q = quote(new BigDecimal("150"), new BigDecimal("150.2"), NOW);
    assertThat(LimitCheck.breaches(o, limits, new LimitCheck.Facts(q, FRESH, List.of(), Map.of(), NOW)))
      .extracting(Breach::limit).containsExactly(Breach.MAX_NOTIONAL, Breach.PRICE_COLLAR, Breach.ROLLING_NOTIONAL);
  }

  private static List<Breach> collar(BigDecimal price, Quote q, BigDecimal pct) {
    Assume.that(price.signum() > 0);
    return LimitCheck.breaches(order("AAPL", "BUY", BigDecimal.ONE, price), new Limits(null, null, pct, null,
      List.of()), facts(q, List.of()));
  }

  private static LimitCheck.Facts facts(Quote q, List<Instant> same) {
    return new LimitCheck.Facts(q, FRESH, same, Map.of(), NOW);
  }

  private static Order order(String symbol, String side, BigDecimal quantity, BigDecimal price) {
    return new Order("XNAS", "momo", "acct-1", "desk-a", symbol, side, quantity, price);
  }

  private static Quote quote(BigDecimal bid, BigDecimal ask, Instant at) {
    return new Quote("AAPL", bid, ask, at, at, "api");
  }
}
