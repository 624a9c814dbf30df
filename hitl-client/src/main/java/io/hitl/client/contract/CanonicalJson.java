package io.hitl.client.contract;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Canonical JSON for hashing: object keys sorted, no white space, numbers in plain decimal form
 * without trailing zeros, instants in ISO-8601 UTC with microseconds. Stable across a round trip through
 * PostgreSQL JSONB. Shared by the gateway's hashes and the event-bus message signature.
 */
public final class CanonicalJson {
  private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
    .withZone(ZoneOffset.UTC);

  /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z in seconds since the epoch. */
  private static final long YEAR_0 = -62_167_219_200L;
  private static final long YEAR_9999_END = 253_402_300_799L;

  private CanonicalJson() {
  }

  public static String write(Object value) {
    StringBuilder sb = new StringBuilder(256);
    append(sb, value);
    return sb.toString();
  }

  private static void append(StringBuilder sb, Object v) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String) {
      string(sb, (String) v);
    } else if (v instanceof Boolean) {
      sb.append(v);
    } else if (v instanceof Number) {
      sb.append(number((Number) v));
    } else if (v instanceof Instant) {
      instant(sb, (Instant) v);
    } else if (v instanceof Enum) {
      string(sb, ((Enum<?>) v).name());
    } else if (v instanceof Map) {
      map(sb, (Map<?, ?>) v);
    } else if (v instanceof List) {
      sb.append('[');
      boolean first = true;
      for (Object o : (List<?>) v) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        append(sb, o);
      }
      sb.append(']');
    } else {
      string(sb, v.toString());
    }
  }

  public static String number(Number n) {
    BigDecimal d;
    if (n instanceof BigDecimal) {
      d = (BigDecimal) n;
    } else if (n instanceof BigInteger) {
      d = new BigDecimal((BigInteger) n);
    } else if (n instanceof Double || n instanceof Float) {
      double x = n.doubleValue();
      if (Double.isNaN(x) || Double.isInfinite(x)) {
        throw new IllegalArgumentException("non-finite number");
      }
      d = new BigDecimal(Double.toString(x));
    } else {
      // an integer's plain form without trailing zeros is its decimal text
      return Long.toString(n.longValue());
    }
    if (d.signum() == 0) {
      return "0";
    }
    return d.stripTrailingZeros().toPlainString();
  }

  /** As {@link #ISO} writes it, with the fields of the years 0 to 9999 written directly. */
  private static void instant(StringBuilder sb, Instant t) {
    long seconds = t.getEpochSecond();
    if (seconds < YEAR_0 || seconds > YEAR_9999_END) {
      string(sb, ISO.format(t.truncatedTo(ChronoUnit.MICROS)));
      return;
    }
    LocalDateTime d = LocalDateTime.ofEpochSecond(seconds, t.getNano(), ZoneOffset.UTC);
    int year = d.getYear();
    sb.append('"');
    digits(sb, year, 4);
    sb.append('-');
    digits(sb, d.getMonthValue(), 2);
    sb.append('-');
    digits(sb, d.getDayOfMonth(), 2);
    sb.append('T');
    digits(sb, d.getHour(), 2);
    sb.append(':');
    digits(sb, d.getMinute(), 2);
    sb.append(':');
    digits(sb, d.getSecond(), 2);
    sb.append('.');
    digits(sb, d.getNano() / 1000, 6);
    sb.append("Z\"");
  }

  /** {@code value} (not negative) in {@code width} digits, zeros first. */
  private static void digits(StringBuilder sb, int value, int width) {
    for (int p = width - 1, div = pow10(p); p >= 0; p--, div /= 10) {
      sb.append((char) ('0' + value / div % 10));
    }
  }

  private static int pow10(int p) {
    int x = 1;
    for (int i = 0; i < p; i++) {
      x *= 10;
    }
    return x;
  }

  /**
   * Keys in {@link String#compareTo} order; keys whose text is the same (a map with keys of other types) are
   * written once, with the value of the last of them in the map's order.
   */
  private static void map(StringBuilder sb, Map<?, ?> m) {
    int n = m.size();
    String[] keys = new String[n];
    Object[] values = new Object[n];
    int i = 0;
    for (Map.Entry<?, ?> e : m.entrySet()) {
      keys[i] = String.valueOf(e.getKey());
      values[i] = e.getValue();
      i++;
    }
    Integer[] order = new Integer[n];
    for (int k = 0; k < n; k++) {
      order[k] = k;
    }
    // a stable sort: of equal keys, the last in the map's order comes last
    Arrays.sort(order, (a, b) -> keys[a].compareTo(keys[b]));
    sb.append('{');
    boolean first = true;
    for (int k = 0; k < n; k++) {
      String key = keys[order[k]];
      if (k + 1 < n && key.equals(keys[order[k + 1]])) {
        continue;
      }
      if (!first) {
        sb.append(',');
      }
      first = false;
      string(sb, key);
      sb.append(':');
      append(sb, values[order[k]]);
    }
    sb.append('}');
  }

  /** The characters that need no escape are copied in runs. */
  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    int run = 0;
    int length = s.length();
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      sb.append(s, run, i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        default:
          sb.append(String.format("\\u%04x", (int) c));
      }
      run = i + 1;
    }
    if (run == 0) {
      sb.append(s);
    } else {
      sb.append(s, run, length);
    }
    sb.append('"');
  }
}
