package io.hitl.gateway.core.policy;

import static io.hitl.gateway.core.policy.PolicyFixtures.doc;
import static io.hitl.gateway.core.policy.PolicyFixtures.m;
import static io.hitl.gateway.core.policy.PolicyFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Policy matching over arbitrary documents and requests: total, deterministic, first match in document order. */
class PolicyMatchingProperties {
  static final List<String> TYPES = List.of("TRADE_EXECUTION", "CONFIG_UPDATE", "STRATEGY_CHANGE");
  static final List<String> RISKS = List.of("LOW", "MEDIUM", "HIGH", "CRITICAL");
  static final List<String> MODES = List.of("paper", "live", "disabled");
  static final List<String> TICKERS = List.of("AAA", "BBB", "7203.T");
  static final List<String> STRATEGIES = List.of("momentum", "carry");
  static final List<String> NOTIONALS = List.of("0", "1000", "50000", "1000000", "1000000.5");

  @Provide
  Arbitrary<Map<String, Object>> matches() {
    Arbitrary<String> bound = Arbitraries.of(NOTIONALS).injectNull(0.6);
    return Combinators.combine(subset(TYPES), subset(RISKS), subset(MODES), subset(TICKERS), subset(STRATEGIES),
      bound, bound).as((types, risks, modes, tickers, strategies, min, max) -> {
        Map<String, Object> match = new LinkedHashMap<>();
        put(match, "types", types);
        put(match, "risk_levels", risks);
        put(match, "trading_modes", modes);
        put(match, "tickers", tickers);
        put(match, "strategies", strategies);
        if (min != null) {
          match.put("notional_min", min);
        }
        if (max != null && (min == null || new BigDecimal(max).compareTo(new BigDecimal(min)) > 0)) {
          match.put("notional_max", max);
        }
        return match;
      }).filter(match -> !match.isEmpty());
  }

  @Provide
  Arbitrary<Facts> facts() {
    Arbitrary<BigDecimal> notional = Arbitraries.bigDecimals().between(BigDecimal.ZERO, new BigDecimal("2000000"))
      .ofScale(2).injectNull(0.1);
    Arbitrary<BigDecimal> edge = Arbitraries.of(NOTIONALS).map(BigDecimal::new);
    return Combinators.combine(Arbitraries.of(TYPES), Arbitraries.of(RISKS).injectNull(0.1),
      Arbitraries.of(MODES).injectNull(0.3), Arbitraries.of(TICKERS).injectNull(0.1),
      Arbitraries.of(STRATEGIES).injectNull(0.2), Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, notional), net.jqwik.api.Tuple.of(1, edge)))
      .as(Facts::new);
  }

  static Map<String, Object> document(List<Map<String, Object>> matches) {
    List<Map<String, Object>> policies = new ArrayList<>();
    for (int i = 0; i < matches.size(); i++) {
      policies.add(m("name", "p" + i, "match", matches.get(i), "required_approvals", 1 + i % 3));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object>[] array = policies.toArray(new Map[0]);
    return doc(m("required_approvals", 1), array);
  }

  @Property
  void everyRequestMatchesExactlyOnePolicyTheFirstThatHoldsOrTheDefault(
      @ForAll @Size(max = 8) List<@net.jqwik.api.From("matches") Map<String, Object>> matches,
      @ForAll("facts") Facts facts) {
    PolicyDocument d = parse(document(matches));
    PolicyDocument.Matched matched = d.match(facts);
    assertThat(matched).isNotNull();
    assertThat(matched.policy()).isNotNull();
    int holding = 0;
    int first = -1;
    for (int i = 0; i < d.policies().size(); i++) {
      if (d.policies().get(i).match().matches(facts)) {
        holding++;
        if (first < 0) {
          first = i;
        }
      }
    }
    net.jqwik.api.statistics.Statistics.collect(first < 0 ? "default" : "a policy");
    net.jqwik.api.statistics.Statistics.coverage(c -> {
      c.check("a policy").percentage(p -> p > 10);
      c.check("default").percentage(p -> p > 10);
    });
    assertThat(matched.index()).isEqualTo(first);
    assertThat(matched.policy()).isSameAs(first < 0 ? d.fallback() : d.policies().get(first));
    if (holding == 0) {
      assertThat(matched.policy().name()).isEqualTo("default");
    }
  }

  @Property
  void matchingIsDeterministicAcrossParsesAndTheStoredForm(
      @ForAll @Size(max = 8) List<@net.jqwik.api.From("matches") Map<String, Object>> matches,
      @ForAll("facts") Facts facts) {
    PolicyDocument once = parse(document(matches));
    PolicyDocument again = parse(document(matches));
    PolicyDocument stored = parse(once.normalized());
    assertThat(again.match(facts).index()).isEqualTo(once.match(facts).index());
    assertThat(stored.match(facts).index()).isEqualTo(once.match(facts).index());
    assertThat(stored.hash()).isEqualTo(once.hash());
    assertThat(stored.normalized()).isEqualTo(once.normalized());
  }

  @Property
  void aPredicateHoldsOnlyWhenEveryFieldItSetsHolds(@ForAll("matches") Map<String, Object> match,
      @ForAll("facts") Facts facts) {
    Match m = parse(document(List.of(match))).policies().get(0).match();
    boolean expected = in(m.types(), facts.type()) && in(m.riskLevels(), facts.riskLevel())
      && in(m.tradingModes(), facts.tradingMode()) && in(m.tickers(), facts.ticker())
      && in(m.strategies(), facts.strategy())
      && (m.notionalMin() == null || (facts.notional() != null && facts.notional().compareTo(m.notionalMin()) >= 0))
      && (m.notionalMax() == null || (facts.notional() != null && facts.notional().compareTo(m.notionalMax()) < 0));
    assertThat(m.matches(facts)).isEqualTo(expected);
  }

  @Property
  void reorderingPoliciesOnlyChangesWhichOfTheHoldingOnesWins(
      @ForAll @Size(min = 1, max = 6) List<@net.jqwik.api.From("matches") Map<String, Object>> matches,
      @ForAll("facts") Facts facts) {
    List<Map<String, Object>> reversed = new ArrayList<>(matches);
    Collections.reverse(reversed);
    PolicyDocument forward = parse(document(matches));
    PolicyDocument backward = parse(document(reversed));
    boolean anyForward = forward.match(facts).index() >= 0;
    boolean anyBackward = backward.match(facts).index() >= 0;
    assertThat(anyBackward).isEqualTo(anyForward);
  }

  private static boolean in(Set<String> allowed, String v) {
    return allowed.isEmpty() || (v != null && allowed.contains(v));
  }

  /** Half the time no constraint, otherwise a subset (possibly empty) in a fixed order. */
  private static Arbitrary<List<String>> subset(List<String> from) {
    return Arbitraries.oneOf(Arbitraries.just(List.<String>of()),
      Arbitraries.subsetOf(from).map(s -> from.stream().filter(s::contains).toList()));
  }

  private static void put(Map<String, Object> m, String key, List<String> values) {
    if (!values.isEmpty()) {
      m.put(key, values);
    }
  }
}
