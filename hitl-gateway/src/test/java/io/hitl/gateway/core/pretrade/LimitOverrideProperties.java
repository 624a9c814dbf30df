package io.hitl.gateway.core.pretrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.guard.Quote;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class LimitOverrideProperties {
  private static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");
  private static final Duration FRESH = Duration.ofSeconds(5);
  private static final String POLICY = "desk";

  @Provide
  Arbitrary<BigDecimal> amounts() {
    return Arbitraries.bigDecimals().between(new BigDecimal("0.01"), new BigDecimal("50000")).ofScale(2);
  }

  @Provide
  Arbitrary<BigDecimal> pcts() {
    return Arbitraries.bigDecimals().between(new BigDecimal("0.001"), BigDecimal.TEN).ofScale(3);
  }

  private static Order order(BigDecimal quantity, BigDecimal price) {
    return new Order("XNAS", "momo", "acct-1", null, "AAPL", "BUY", quantity, price);
  }

  /** Each cap's totals, found by its per and window, so raised caps (new records) read the same windows. */
  private static LimitCheck.Facts facts(Limits limits, Map<String, WindowTotals> byWindow, Quote q,
      List<Instant> same) {
    Map<RollingCap, WindowTotals> totals = new HashMap<>();
    for (RollingCap c : limits.rolling()) {
      totals.put(c, byWindow.getOrDefault(c.per() + "/" + c.window(), WindowTotals.EMPTY));
    }
    return new LimitCheck.Facts(q, FRESH, same, totals, NOW);
  }

  @Property
  void aDefaultRaiseAdmitsTheVeryOrderItWasGrantedForAndLeavesOnlyWhatCannotBeRaised(
      @ForAll("amounts") BigDecimal quantity, @ForAll("amounts") BigDecimal price,
      @ForAll("amounts") BigDecimal maxQuantity, @ForAll("amounts") BigDecimal maxNotional,
      @ForAll("pcts") BigDecimal collar, @ForAll("amounts") BigDecimal bid,
      @ForAll("amounts") BigDecimal capNotional, @ForAll @IntRange(min = 1, max = 50) int capOrders,
      @ForAll @IntRange(min = 0, max = 60) int sentOrders, @ForAll("amounts") BigDecimal sentNotional,
      @ForAll boolean duplicate) {
    Order o = order(quantity, price);
    RollingCap strategy = new RollingCap(ScopeKind.STRATEGY, Duration.ofMinutes(1), capNotional, capOrders);
    RollingCap account = new RollingCap(ScopeKind.ACCOUNT, Duration.ofHours(1), null, capOrders);
    Limits limits = new Limits(maxQuantity, maxNotional, collar, Duration.ofSeconds(30), List.of(strategy, account));
    Map<String, WindowTotals> windows = Map.of(
      ScopeKind.STRATEGY + "/" + strategy.window(), new WindowTotals(sentOrders, sentNotional),
      ScopeKind.ACCOUNT + "/" + account.window(), new WindowTotals(sentOrders, sentNotional));
    Quote q = new Quote("AAPL", bid, bid.add(new BigDecimal("0.02")), NOW, NOW, "api");
    List<Instant> same = duplicate ? List.of(NOW.minusSeconds(10)) : List.of();
    List<Breach> before = LimitCheck.breaches(o, limits, facts(limits, windows, q, same));
    Assume.that(before.stream().anyMatch(b -> LimitOverride.needed(b, o) != null));

    LimitOverride.Grant grant = LimitOverride.parse(Map.of("grant", "raise", "raise_seconds", 60),
      Duration.ofMinutes(10), before, o);
    List<LimitOverride.Raise> raises = LimitOverride.raises(grant, before, o, POLICY, NOW);
    Limits raised = LimitOverride.apply(limits, o, POLICY, raises, NOW);
    List<Breach> after = LimitCheck.breaches(o, raised, facts(raised, windows, q, same));

    assertThat(after).extracting(Breach::limit).containsExactlyElementsOf(before.stream()
      .filter(b -> LimitOverride.needed(b, o) == null).map(Breach::limit).toList());
    assertThat(after).extracting(Breach::limit).allMatch(Breach.DUPLICATE_ORDER::equals);
  }

  @Property
  void aRaiseNeverLowersALimitAndOnlyAppliesToItsPolicyKeyAndTime(@ForAll("amounts") BigDecimal maxQuantity,
      @ForAll("amounts") BigDecimal maxNotional, @ForAll("pcts") BigDecimal collar,
      @ForAll("amounts") BigDecimal capNotional, @ForAll @IntRange(min = 1, max = 1000) int capOrders,
      @ForAll("amounts") BigDecimal value, @ForAll @IntRange(min = -100, max = 100) int secondsLeft,
      @ForAll @IntRange(min = 0, max = 4) int which, @ForAll boolean otherPolicy, @ForAll boolean otherStrategy) {
    Order o = order(BigDecimal.ONE, BigDecimal.ONE);
    RollingCap cap = new RollingCap(ScopeKind.STRATEGY, Duration.ofMinutes(5), capNotional, capOrders);
    Limits limits = new Limits(maxQuantity, maxNotional, collar, null, List.of(cap));
    String[] names = {Breach.MAX_QUANTITY, Breach.MAX_NOTIONAL, Breach.PRICE_COLLAR, Breach.ROLLING_NOTIONAL,
      Breach.ROLLING_ORDERS};
    boolean rolling = which >= 3;
    String key = otherStrategy ? "strategy:carry" : "strategy:momo";
    LimitOverride.Raise r = new LimitOverride.Raise(otherPolicy ? "other" : POLICY, names[which], key,
      rolling ? 300 : 0, value.setScale(0, java.math.RoundingMode.CEILING), NOW.plusSeconds(secondsLeft));
    Limits out = LimitOverride.apply(limits, o, POLICY, List.of(r), NOW);

    assertThat(out.maxQuantity()).isGreaterThanOrEqualTo(limits.maxQuantity());
    assertThat(out.maxNotional()).isGreaterThanOrEqualTo(limits.maxNotional());
    assertThat(out.collarPct()).isGreaterThanOrEqualTo(limits.collarPct());
    assertThat(out.rolling().get(0).maxNotional()).isGreaterThanOrEqualTo(cap.maxNotional());
    assertThat(out.rolling().get(0).maxOrders()).isGreaterThanOrEqualTo(cap.maxOrders());
    if (otherPolicy || otherStrategy || secondsLeft <= 0) {
      assertThat(out).isEqualTo(limits);
    } else {
      List<BigDecimal> figures = new ArrayList<>(List.of(out.maxQuantity(), out.maxNotional(), out.collarPct(),
        out.rolling().get(0).maxNotional(), BigDecimal.valueOf(out.rolling().get(0).maxOrders())));
      List<BigDecimal> original = new ArrayList<>(List.of(limits.maxQuantity(), limits.maxNotional(),
        limits.collarPct(), cap.maxNotional(), BigDecimal.valueOf(cap.maxOrders())));
      for (int i = 0; i < figures.size(); i++) {
        BigDecimal expected = i == which ? original.get(i).max(r.value()) : original.get(i);
        assertThat(figures.get(i)).as(names[i]).isEqualByComparingTo(expected);
      }
    }
  }

  @Property
  void aRaiseLongerThanThePolicyAllowsOrBelowWhatTheOrderNeedsIsRefused(
      @ForAll @IntRange(min = 1, max = 86_400) int maxRaise, @ForAll @IntRange(min = 1, max = 86_400) int asked,
      @ForAll("amounts") BigDecimal quantity, @ForAll("amounts") BigDecimal chosen) {
    Order o = order(quantity, BigDecimal.ONE);
    Breach b = new Breach(Breach.MAX_QUANTITY, "too big", Map.of("limit", "0.01", "quantity",
      quantity.stripTrailingZeros().toPlainString()));
    Map<String, Object> body = Map.of("grant", "raise", "raise_seconds", asked, "limits",
      Map.of(Breach.MAX_QUANTITY, chosen.toPlainString()));
    if (asked > maxRaise || chosen.compareTo(quantity) < 0) {
      assertThatThrownBy(() -> LimitOverride.parse(body, Duration.ofSeconds(maxRaise), List.of(b), o))
        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SEC_053));
    } else {
      LimitOverride.Grant g = LimitOverride.parse(body, Duration.ofSeconds(maxRaise), List.of(b), o);
      assertThat(LimitOverride.raises(g, List.of(b), o, POLICY, NOW)).singleElement().satisfies(r -> {
        assertThat(r.value()).isEqualByComparingTo(chosen);
        assertThat(r.until()).isEqualTo(NOW.plusSeconds(asked));
        assertThat(r.key()).isEqualTo("strategy:momo");
      });
    }
  }
}
