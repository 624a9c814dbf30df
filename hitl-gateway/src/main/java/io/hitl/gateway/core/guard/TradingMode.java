package io.hitl.gateway.core.guard;

import java.util.Locale;

/** How trade requests are treated: paper trading, live trading, or no trading at all. */
public enum TradingMode {
  PAPER, LIVE, DISABLED;

  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TradingMode parse(String s) {
    for (TradingMode m : values()) {
      if (m.json().equals(s)) {
        return m;
      }
    }
    return null;
  }
}
