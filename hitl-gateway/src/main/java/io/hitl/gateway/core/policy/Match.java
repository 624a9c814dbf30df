package io.hitl.gateway.core.policy;

import java.math.BigDecimal;
import java.util.Set;

/**
 * Predicates over a request's {@link Facts}; every one that is set must hold. An empty set means "any";
 * notional_min is inclusive ("at least"), notional_max exclusive ("under").
 */
public record Match(Set<String> types, Set<String> riskLevels, Set<String> tradingModes, Set<String> tickers,
    Set<String> strategies, BigDecimal notionalMin, BigDecimal notionalMax) {

  public static final Match ANY = new Match(Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), null, null);

  public Match {
    types = Set.copyOf(types);
    riskLevels = Set.copyOf(riskLevels);
    tradingModes = Set.copyOf(tradingModes);
    tickers = Set.copyOf(tickers);
    strategies = Set.copyOf(strategies);
  }

  public boolean isAny() {
    return types.isEmpty() && riskLevels.isEmpty() && tradingModes.isEmpty() && tickers.isEmpty()
      && strategies.isEmpty() && notionalMin == null && notionalMax == null;
  }

  public boolean matches(Facts f) {
    if (!in(types, f.type()) || !in(riskLevels, f.riskLevel()) || !in(tradingModes, f.tradingMode())
        || !in(tickers, f.ticker()) || !in(strategies, f.strategy())) {
      return false;
    }
    if (notionalMin != null && (f.notional() == null || f.notional().compareTo(notionalMin) < 0)) {
      return false;
    }
    return notionalMax == null || (f.notional() != null && f.notional().compareTo(notionalMax) < 0);
  }

  private static boolean in(Set<String> allowed, String value) {
    return allowed.isEmpty() || (value != null && allowed.contains(value));
  }
}
