package io.hitl.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The canonical writer against the form it specifies, written out the plain way (keys through a sorted map, every
 * character on its own): row hashes, journal hashes and bus signatures stored or sent by earlier builds must stay
 * the same text, so the writer may only get faster, never different.
 */
class CanonicalJsonProperties {

  @Provide
  Arbitrary<Object> values() {
    Arbitrary<Object> leaf = Arbitraries.oneOf(
      // every kind of character: escapes, controls, quotes, backslashes, non-Latin text, lone surrogates
      Arbitraries.strings().all().ofMaxLength(24).map(s -> (Object) s),
      Arbitraries.strings().withChars("\"\\\n\r\t\u0000\u001f\u007f ab\u00e9\u20ac").ofMaxLength(12)
        .map(s -> (Object) s),
      Arbitraries.longs().map(l -> (Object) l),
      Arbitraries.integers().map(i -> (Object) i),
      Arbitraries.bigDecimals().ofScale(6).between(new BigDecimal("-1e12"), new BigDecimal("1e12"))
        .map(d -> (Object) d),
      Arbitraries.bigIntegers().between(BigInteger.valueOf(-1_000_000_000_000L), BigInteger.TEN.pow(20))
        .map(b -> (Object) b),
      Arbitraries.doubles().between(-1e15, 1e15).map(d -> (Object) d),
      Arbitraries.longs().between(0, 253_402_300_799L).map(s -> (Object) Instant.ofEpochSecond(s, s % 999_999_999)),
      // years before 0 and after 9999, and the edges of the four-digit years
      Arbitraries.longs().between(-400_000_000_000L, 400_000_000_000L)
        .map(s -> (Object) Instant.ofEpochSecond(s, Math.floorMod(s, 1_000_000_000))),
      Arbitraries.of(Instant.parse("0000-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
        Instant.parse("-0001-12-31T23:59:59.999999Z"), Instant.parse("+10000-01-01T00:00:00Z"), Instant.EPOCH,
        Instant.parse("-1000000-01-01T00:00:00Z"), Instant.parse("+1000000-01-01T00:00:00Z")).map(t -> (Object) t),
      Arbitraries.of(ApprovalStatus.class).map(e -> (Object) e),
      Arbitraries.of(true, false).map(b -> (Object) b),
      Arbitraries.just(null));
    return Arbitraries.recursive(() -> leaf, this::nested, 0, 3);
  }

  private Arbitrary<Object> nested(Arbitrary<Object> inner) {
    Arbitrary<String> keys = Arbitraries.oneOf(Arbitraries.strings().alpha().ofMaxLength(6),
      Arbitraries.strings().all().ofMaxLength(6));
    return Arbitraries.oneOf(
      Arbitraries.maps(keys, inner).ofMaxSize(6).map(m -> (Object) new LinkedHashMap<>(m)),
      inner.list().ofMaxSize(5).map(l -> (Object) l));
  }

  @Property(tries = 2000)
  void writesTheSpecifiedForm(@ForAll("values") Object v) {
    assertThat(CanonicalJson.write(v)).isEqualTo(Reference.write(v));
  }

  @Property
  void keysOfOtherTypesWithTheSameTextKeepTheLastValue(@ForAll("values") Object first, @ForAll("values") Object last) {
    Map<Object, Object> m = new LinkedHashMap<>();
    m.put(1, first);
    m.put("a", "x");
    m.put("1", last);
    assertThat(CanonicalJson.write(m)).isEqualTo(Reference.write(m));
  }

  /** The canonical form as first written: what every stored hash was computed over. */
  static final class Reference {
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
      .withZone(ZoneOffset.UTC);

    static String write(Object value) {
      StringBuilder sb = new StringBuilder();
      append(sb, value);
      return sb.toString();
    }

    private static void append(StringBuilder sb, Object v) {
      if (v == null) {
        sb.append("null");
      } else if (v instanceof String s) {
        string(sb, s);
      } else if (v instanceof Boolean) {
        sb.append(v);
      } else if (v instanceof Number n) {
        sb.append(number(n));
      } else if (v instanceof Instant t) {
        string(sb, ISO.format(t.truncatedTo(ChronoUnit.MICROS)));
      } else if (v instanceof Enum<?> e) {
        string(sb, e.name());
      } else if (v instanceof Map<?, ?> map) {
        Map<String, Object> sorted = new TreeMap<>();
        map.forEach((k, val) -> sorted.put(String.valueOf(k), val));
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
      } else if (v instanceof List<?> list) {
        sb.append('[');
        boolean first = true;
        for (Object o : list) {
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

    private static String number(Number n) {
      BigDecimal d;
      if (n instanceof BigDecimal b) {
        d = b;
      } else if (n instanceof BigInteger b) {
        d = new BigDecimal(b);
      } else if (n instanceof Double || n instanceof Float) {
        d = new BigDecimal(Double.toString(n.doubleValue()));
      } else {
        d = BigDecimal.valueOf(n.longValue());
      }
      return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }

    private static void string(StringBuilder sb, String s) {
      sb.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> sb.append("\\\"");
          case '\\' -> sb.append("\\\\");
          case '\n' -> sb.append("\\n");
          case '\r' -> sb.append("\\r");
          case '\t' -> sb.append("\\t");
          default -> {
            if (c < 0x20) {
              sb.append(String.format("\\u%04x", (int) c));
            } else {
              sb.append(c);
            }
          }
        }
      }
      sb.append('"');
    }
  }
}
