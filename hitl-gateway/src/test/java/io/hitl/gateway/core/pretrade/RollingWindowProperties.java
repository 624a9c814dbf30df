package io.hitl.gateway.core.pretrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class RollingWindowProperties {
  private static final Instant T0 = Instant.parse("2030-01-02T03:04:05Z");

  @Provide
  Arbitrary<RollingCap> caps() {
    Arbitrary<BigDecimal> notional = Arbitraries.oneOf(Arbitraries.just(null),
      Arbitraries.bigDecimals().between(BigDecimal.ONE, new BigDecimal("100000")).ofScale(2));
    Arbitrary<Integer> orders = Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.integers().between(1, 20));
    return Combinators.combine(Arbitraries.of(ScopeKind.STRATEGY, ScopeKind.ACCOUNT),
      Arbitraries.longs().between(1, 120).map(Duration::ofSeconds), notional, orders)
      .filter((k, w, n, o) -> n != null || o != null).as(RollingCap::new);
  }

  /** Orders as (milliseconds since the previous one, notional). */
  @Provide
  Arbitrary<List<Tuple2<Integer, BigDecimal>>> flows() {
    return Combinators.combine(Arbitraries.integers().between(0, 20_000),
      Arbitraries.bigDecimals().between(new BigDecimal("0.01"), new BigDecimal("30000")).ofScale(2))
      .as(Tuple::of).list().ofMaxSize(80);
  }

  @Property
  void ordersAdmittedOneByOneNeverPassTheCapInAnyWindow(@ForAll("caps") RollingCap cap,
      @ForAll("flows") List<Tuple2<Integer, BigDecimal>> flow) {
    List<WindowTotals.Entry> admitted = admit(cap, flow);
    for (WindowTotals.Entry e : admitted) {
      WindowTotals t = WindowTotals.of(admitted, e.at(), cap.window());
      if (cap.maxOrders() != null) {
        assertThat(t.orders()).isLessThanOrEqualTo(cap.maxOrders());
      }
      if (cap.maxNotional() != null) {
        assertThat(t.notional()).isLessThanOrEqualTo(cap.maxNotional());
      }
    }
  }

  @Property
  void anOrderIsRefusedOnlyWhenItWouldPassTheCapAndTheCheckNamesWhichFigure(@ForAll("caps") RollingCap cap,
      @ForAll @IntRange(min = 0, max = 25) int before, @ForAll("flows") List<Tuple2<Integer, BigDecimal>> flow) {
    BigDecimal used = flow.stream().map(Tuple2::get2).reduce(BigDecimal.ZERO, BigDecimal::add);
    WindowTotals totals = new WindowTotals(before, used);
    BigDecimal next = new BigDecimal("250.50");
    boolean ordersOk = cap.maxOrders() == null || before + 1 <= cap.maxOrders();
    boolean notionalOk = cap.maxNotional() == null || used.add(next).compareTo(cap.maxNotional()) <= 0;
    assertThat(LimitCheck.admits(cap, totals, next)).isEqualTo(ordersOk && notionalOk);
    Order order = new Order(null, "s", "a", null, "AAPL", "BUY", new BigDecimal("2"), new BigDecimal("125.25"));
    List<Breach> breaches = LimitCheck.breaches(order, new Limits(null, null, null, null, List.of(cap)),
      new LimitCheck.Facts(null, Duration.ofSeconds(5), List.of(), Map.of(cap, totals), T0));
    assertThat(breaches).extracting(Breach::limit).containsExactlyElementsOf(expected(ordersOk, notionalOk));
  }

  @Property
  void anOrderLeavesTheWindowExactlyWhenTheWindowHasPassed(@ForAll("caps") RollingCap cap,
      @ForAll @IntRange(min = 0, max = 1_000_000) int atMillis) {
    Instant at = T0.plusMillis(atMillis);
    List<WindowTotals.Entry> one = List.of(new WindowTotals.Entry(at, BigDecimal.TEN));
    assertThat(WindowTotals.of(one, at, cap.window()).orders()).isEqualTo(1);
    assertThat(WindowTotals.of(one, at.plus(cap.window()).minusNanos(1000), cap.window()).orders()).isEqualTo(1);
    assertThat(WindowTotals.of(one, at.plus(cap.window()), cap.window()).orders()).isZero();
    assertThat(WindowTotals.of(one, at.minusNanos(1000), cap.window()).orders()).isZero();
  }

  @Property
  void windowTotalsAreTheSumsOfTheOrdersInside(@ForAll("flows") @Size(max = 40) List<Tuple2<Integer, BigDecimal>> flow,
      @ForAll @IntRange(min = 1, max = 60) int windowSeconds) {
    List<WindowTotals.Entry> entries = new ArrayList<>();
    Instant t = T0;
    for (Tuple2<Integer, BigDecimal> f : flow) {
      t = t.plusMillis(f.get1());
      entries.add(new WindowTotals.Entry(t, f.get2()));
    }
    Duration w = Duration.ofSeconds(windowSeconds);
    WindowTotals all = WindowTotals.of(entries, t, Duration.ofDays(3650));
    assertThat(all.orders()).isEqualTo(entries.size());
    WindowTotals recent = WindowTotals.of(entries, t, w);
    WindowTotals older = WindowTotals.of(entries, t.minus(w), Duration.ofDays(3650));
    assertThat(recent.orders() + older.orders()).isEqualTo(all.orders());
    assertThat(recent.notional().add(older.notional())).isEqualByComparingTo(all.notional());
  }

  private static List<String> expected(boolean ordersOk, boolean notionalOk) {
    List<String> out = new ArrayList<>();
    if (!ordersOk) {
      out.add(Breach.ROLLING_ORDERS);
    }
    if (!notionalOk) {
      out.add(Breach.ROLLING_NOTIONAL);
    }
    return out;
  }

  private static List<WindowTotals.Entry> admit(RollingCap cap, List<Tuple2<Integer, BigDecimal>> flow) {
    List<WindowTotals.Entry> admitted = new ArrayList<>();
    Instant now = T0;
    for (Tuple2<Integer, BigDecimal> f : flow) {
      now = now.plusMillis(f.get1());
      if (LimitCheck.admits(cap, WindowTotals.of(admitted, now, cap.window()), f.get2())) {
        admitted.add(new WindowTotals.Entry(now, f.get2()));
      }
    }
    return admitted;
  }
}
