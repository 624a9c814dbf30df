package io.hitl.gateway.core.pretrade;

import java.util.Locale;

/** What a scoped kill switch or a rolling cap is keyed on: one attribution key of an order, or its symbol. */
public enum ScopeKind {
  VENUE, STRATEGY, ACCOUNT, DESK, SYMBOL;

  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The key of a trade request's context that carries this scope (a symbol is its ticker). */
  public String contextKey() {
    return this == SYMBOL ? "ticker" : json();
  }

  /** The kind named by {@code s} (case-insensitive), or null. */
  public static ScopeKind parse(String s) {
    if (s == null) {
      return null;
    }
    for (ScopeKind k : values()) {
      if (k.json().equalsIgnoreCase(s.strip())) {
        return k;
      }
    }
    return null;
  }

  /** The order's value for this key; null when the order does not carry it. */
  public String valueOf(Order order) {
    return switch (this) {
      case VENUE -> order.venue();
      case STRATEGY -> order.strategy();
      case ACCOUNT -> order.account();
      case DESK -> order.desk();
      case SYMBOL -> order.symbol();
    };
  }
}
