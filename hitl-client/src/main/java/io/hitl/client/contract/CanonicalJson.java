package io.hitl.client.contract;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Canonical JSON for hashing: object keys sorted, no white space, numbers in plain decimal form
 * without trailing zeros, instants in ISO-8601 UTC with microseconds. Stable across a round trip through
 * PostgreSQL JSONB. Shared by the gateway's hashes and the event-bus message signature.
 */
public final class CanonicalJson {
  private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
    .withZone(ZoneOffset.UTC);

  private CanonicalJson() {
  }

  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
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
      string(sb, ISO.format(((Instant) v).truncatedTo(ChronoUnit.MICROS)));
    } else if (v instanceof Enum) {
      string(sb, ((Enum<?>) v).name());
    } else if (v instanceof Map) {
      Map<String, Object> sorted = new TreeMap<>();
      ((Map<?, ?>) v).forEach((k, val) -> sorted.put(String.valueOf(k), val));
      sb.append('{');
      boolean first = true;
      for (Map.Entry<String, Object> e : sorted.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        string(sb, e.getKey());
        sb.append(':');
        append(sb, e.getValue());
      }
      sb.append('}');
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
      d = BigDecimal.valueOf(n.longValue());
    }
    if (d.signum() == 0) {
      return "0";
    }
    return d.stripTrailingZeros().toPlainString();
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
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
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }
}
