package io.hitl.gateway.core;

import java.math.BigDecimal;

/**
 * Risk level of a trade, derived from the share of capital at risk (risk_pct) and lowered
 * confidence: under 1% LOW, under 2% MEDIUM, under 5% HIGH, else CRITICAL; unknown risk_pct counts
 * as MEDIUM; a confidence below 0.5 raises the level by one.
 */
public enum RiskLevel {
  LOW, MEDIUM, HIGH, CRITICAL;

  private static final BigDecimal ONE = BigDecimal.ONE;
  private static final BigDecimal TWO = BigDecimal.valueOf(2);
  private static final BigDecimal FIVE = BigDecimal.valueOf(5);
  private static final BigDecimal HALF = new BigDecimal("0.5");

  public static RiskLevel derive(BigDecimal riskPct, BigDecimal confidence) {
    RiskLevel base;
    if (riskPct == null) {
      base = MEDIUM;
    } else if (riskPct.compareTo(ONE) < 0) {
      base = LOW;
    } else if (riskPct.compareTo(TWO) < 0) {
      base = MEDIUM;
    } else if (riskPct.compareTo(FIVE) < 0) {
      base = HIGH;
    } else {
      base = CRITICAL;
    }
    if (confidence != null && confidence.compareTo(HALF) < 0 && base != CRITICAL) {
      return values()[base.ordinal() + 1];
    }
    return base;
  }
}
