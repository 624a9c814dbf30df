package io.hitl.gateway.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/** Money, quantities and ratios: NUMERIC(18,8), HALF_EVEN, never double. */
public final class Decimals {
  public static final int SCALE = 8;
  public static final BigDecimal MAX_EXCLUSIVE = BigDecimal.TEN.pow(18 - SCALE);

  private Decimals() {
  }

  /** Parses a JSON number or numeric string; null when the value is not a finite decimal. */
  public static BigDecimal parse(Object v) {
    if (v instanceof BigDecimal) {
      return (BigDecimal) v;
    }
    if (v instanceof BigInteger) {
      return new BigDecimal((BigInteger) v);
    }
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return BigDecimal.valueOf(((Number) v).longValue());
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      return Double.isFinite(d) ? new BigDecimal(Double.toString(d)) : null;
    }
    if (v instanceof String) {
      String s = ((String) v).trim();
      if (s.isEmpty() || s.length() > 64) {
        return null;
      }
      try {
        return new BigDecimal(s);
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /** Rounded to the storage scale with HALF_EVEN. */
  public static BigDecimal scaled(BigDecimal d) {
    return d.setScale(SCALE, RoundingMode.HALF_EVEN);
  }

  public static boolean fits(BigDecimal d) {
    return d.abs().compareTo(MAX_EXCLUSIVE) < 0;
  }

  /** The form kept in JSON: plain, no trailing zeros. */
  public static String text(BigDecimal d) {
    BigDecimal s = scaled(d);
    return s.signum() == 0 ? "0" : s.stripTrailingZeros().toPlainString();
  }
}
