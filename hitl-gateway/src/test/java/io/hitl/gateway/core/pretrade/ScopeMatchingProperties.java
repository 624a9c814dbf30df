package io.hitl.gateway.core.pretrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ScopeMatchingProperties {
  private static final List<String> NAMES = List.of("a", "b", "XNAS", "xnas", "momo-1", "acct.7");

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.oneOf(Arbitraries.of(NAMES), Arbitraries.just(null));
  }

  @Provide
  Arbitrary<Order> orders() {
    return Combinators.combine(names(), names(), names(), names(), Arbitraries.of("aapl", "AAPL", "7203.T", "msft"),
      Arbitraries.of("BUY", "SELL")).as((v, s, a, d, sym, side) -> new Order(v, s, a, d, sym, side, BigDecimal.TEN,
        BigDecimal.ONE));
  }

  @Provide
  Arbitrary<Scope> scopes() {
    return Combinators.combine(Arbitraries.of(ScopeKind.class),
      Arbitraries.of("a", "b", "XNAS", "xnas", "momo-1", "acct.7", "aapl", "AAPL", "7203.T", "MSFT"))
      .as(Scope::new);
  }

  @Property
  void aScopeStopsAnOrderExactlyWhenTheOrderCarriesItsKeyWithItsValue(@ForAll("orders") Order order,
      @ForAll("scopes") Scope scope) {
    String carried = scope.kind().valueOf(order);
    boolean same = carried != null && (scope.kind() == ScopeKind.SYMBOL
      ? carried.toUpperCase(Locale.ROOT).equals(scope.value()) : carried.equals(scope.value()));
    assertThat(scope.matches(order)).isEqualTo(same);
  }

  @Property
  void anOrderWithoutAKeyIsNeverStoppedByAScopeOnThatKey(@ForAll("orders") Order order, @ForAll("scopes") Scope scope) {
    if (scope.kind().valueOf(order) == null) {
      assertThat(scope.matches(order)).isFalse();
    }
  }

  @Property
  void theStoppingScopeIsOneThatMatchesAndDoesNotDependOnTheOrderOfEngagement(@ForAll("orders") Order order,
      @ForAll List<@From("scopes") Scope> engaged, @ForAll long seed) {
    Optional<Scope> first = ScopedSwitches.stopping(engaged, order);
    List<Scope> shuffled = new ArrayList<>(engaged);
    Collections.shuffle(shuffled, new Random(seed));
    assertThat(ScopedSwitches.stopping(shuffled, order)).isEqualTo(first);
    assertThat(first.isPresent()).isEqualTo(engaged.stream().anyMatch(s -> s.matches(order)));
    first.ifPresent(s -> assertThat(s.matches(order)).isTrue());
  }

  @Property
  void symbolScopesIgnoreCaseAndOtherKeysDoNot(@ForAll("scopes") Scope scope) {
    Scope lower = new Scope(scope.kind(), scope.value().toLowerCase(Locale.ROOT));
    Scope upper = new Scope(scope.kind(), scope.value().toUpperCase(Locale.ROOT));
    if (scope.kind() == ScopeKind.SYMBOL) {
      assertThat(lower).isEqualTo(upper);
    } else {
      assertThat(lower.equals(upper)).isEqualTo(scope.value().toLowerCase(Locale.ROOT)
        .equals(scope.value().toUpperCase(Locale.ROOT)));
    }
  }
}
