package io.hitl.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class StrictJsonProperties {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Property(tries = 300)
  void anyValidObjectRoundTrips(@ForAll("objects") Map<String, Object> doc) throws Exception {
    byte[] bytes = JSON.writeValueAsBytes(doc);
    assertThat(StrictJson.object(bytes, "body")).isEqualTo(doc);
  }

  @Property(tries = 300)
  void anythingButSpaceAfterTheDocumentIsRefused(@ForAll("objects") Map<String, Object> doc,
      @ForAll("trailers") String trailer) throws Exception {
    byte[] bytes = (JSON.writeValueAsString(doc) + trailer).getBytes(StandardCharsets.UTF_8);
    assertRefused(bytes);
  }

  @Property(tries = 300)
  void anyInvalidUtf8IsRefused(@ForAll("objects") Map<String, Object> doc, @ForAll("invalidUtf8") byte[] bad,
      @ForAll @IntRange(min = 0, max = 1000) int where) throws Exception {
    byte[] valid = JSON.writeValueAsBytes(Map.of("text", "ab", "doc", doc));
    // inside the first string value, so the only fault is the encoding
    int at = new String(valid, StandardCharsets.UTF_8).indexOf("\"ab\"") + 2 - (where % 2);
    byte[] bytes = new byte[valid.length + bad.length];
    System.arraycopy(valid, 0, bytes, 0, at);
    System.arraycopy(bad, 0, bytes, at, bad.length);
    System.arraycopy(valid, at, bytes, at + bad.length, valid.length - at);
    assertRefused(bytes);
  }

  @Property(tries = 200)
  void textWithNulOrLoneSurrogateIsRefused(@ForAll("objects") Map<String, Object> doc,
      @ForAll("unstorable") String escape) throws Exception {
    String text = JSON.writeValueAsString(doc);
    String bad = "{\"reason\":\"x" + escape + "y\"," + text.substring(1);
    if (text.equals("{}")) {
      bad = "{\"reason\":\"x" + escape + "y\"}";
    }
    assertRefused(bad.getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 100)
  void nestingBeyondTheBoundIsRefusedAndWithinItAccepted(@ForAll @IntRange(min = 1, max = 200) int depth) {
    String doc = "[".repeat(depth) + "]".repeat(depth);
    if (depth <= StrictJson.MAX_DEPTH) {
      assertThat(StrictJson.parse(doc.getBytes(StandardCharsets.UTF_8), "body")).isInstanceOf(List.class);
    } else {
      assertRefused(doc.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Property(tries = 200)
  void hugeExponentsAreRefusedBeforeTheyCanBeExpanded(@ForAll @IntRange(min = 1001, max = Integer.MAX_VALUE) int exp,
      @ForAll boolean negative) {
    String doc = "{\"price\":1.5e" + (negative ? "-" : "") + exp + "}";
    assertRefused(doc.getBytes(StandardCharsets.UTF_8));
  }

  @Example
  void theMalformedBodiesSeenInTheFieldAreRefused() {
    for (String s : List.of("{\"reason\":\"drill\"}}", "{\"reason\":\"x\"} trailing garbage", "{\"a\":1}{\"a\":1}",
        "{\"a\":1}\u0000", "{\"a\":1,\"a\":2}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":-Infinity}", "{\"a\":01}",
        "{'a':1}", "{\"a\":1,}", "{\"a\":1} // c", "", "   ", "{\"a\":\"\\u0000\"}", "{\"a\":\"\\ud800\"}",
        "{\"a\":\"\\udc00x\"}", "{\"\\u0000\":1}", "{\"a\":1" + "0".repeat(200) + "}")) {
      assertRefused(s.getBytes(StandardCharsets.UTF_8));
    }
    for (byte[] b : List.of(bytes("{\"a\":\"", 0xC0, 0xAF, "\"}"), bytes("{\"a\":\"", 0xED, 0xA0, 0x80, "\"}"),
        bytes("{\"a\":\"", 0xE2, 0x82, "\"}"), bytes("{\"a\":\"", 0xFF, "\"}"), bytes("{\"a\":1}", 0xE2))) {
      assertRefused(b);
    }
  }

  @Example
  void valuesKeepTheirTypesAndDigits() {
    Map<String, Object> m = StrictJson.object(("{\"p\":2850.50000000001,\"q\":100,\"l\":9007199254740993,"
      + "\"b\":123456789012345678901234567890,\"z\":0e999999999,\"s\":\"\\ud83d\\ude00 ok\",\"n\":null}  \n")
      .getBytes(StandardCharsets.UTF_8), "body");
    assertThat(m.get("p")).isEqualTo(new BigDecimal("2850.50000000001"));
    assertThat(m.get("q")).isEqualTo(100);
    assertThat(m.get("l")).isEqualTo(9007199254740993L);
    assertThat(m.get("b")).isEqualTo(new java.math.BigInteger("123456789012345678901234567890"));
    assertThat(((BigDecimal) m.get("z")).toPlainString()).hasSizeLessThan(1100);
    assertThat(m.get("s")).isEqualTo("\uD83D\uDE00 ok");
    assertThat(m).containsKey("n");
  }

  @Example
  void refusalsNameTheFieldAndEchoNoInput() {
    assertThatThrownBy(() -> StrictJson.object("{\"a\":1} <script>".getBytes(StandardCharsets.UTF_8), "payload"))
      .isInstanceOfSatisfying(GatewayException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.SEC_010);
        assertThat(e.extensions().get("errors")).asString().contains("payload");
        assertThat(e.detail()).doesNotContain("<script>");
      });
  }

  private static void assertRefused(byte[] bytes) {
    assertThatThrownBy(() -> StrictJson.parse(bytes, "body")).as(Arrays.toString(bytes))
      .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SEC_010));
  }

  private static byte[] bytes(Object... parts) {
    var out = new java.io.ByteArrayOutputStream();
    for (Object p : parts) {
      if (p instanceof String) {
        out.writeBytes(((String) p).getBytes(StandardCharsets.UTF_8));
      } else {
        out.write((Integer) p);
      }
    }
    return out.toByteArray();
  }

  @Provide
  Arbitrary<Map<String, Object>> objects() {
    return Arbitraries.lazyOf(() -> objectOf(3));
  }

  private Arbitrary<Map<String, Object>> objectOf(int depth) {
    Arbitrary<String> keys = Arbitraries.strings().ofMaxLength(12).filter(k -> StrictJson.textProblem(k) == null);
    return Arbitraries.maps(keys, valueOf(depth)).ofMaxSize(5).map(LinkedHashMap::new);
  }

  private Arbitrary<Object> valueOf(int depth) {
    List<Arbitrary<?>> choices = new ArrayList<>(List.of(
      Arbitraries.strings().ofMaxLength(20).filter(s -> StrictJson.textProblem(s) == null),
      Arbitraries.integers(),
      Arbitraries.longs().greaterOrEqual(1L << 40),
      Arbitraries.bigDecimals().between(new BigDecimal("-1e12"), new BigDecimal("1e12")).ofScale(6)
        .filter(d -> d.scale() > 0),
      Arbitraries.of(Boolean.TRUE, Boolean.FALSE)));
    if (depth > 0) {
      choices.add(Arbitraries.lazyOf(() -> objectOf(depth - 1)));
      choices.add(Arbitraries.lazyOf(() -> valueOf(depth - 1)).list().ofMaxSize(4).map(l -> (Object) l));
    }
    @SuppressWarnings("unchecked")
    Arbitrary<Object>[] all = choices.toArray(new Arbitrary[0]);
    return Arbitraries.oneOf(List.of(all));
  }

  @Provide
  Arbitrary<String> trailers() {
    Arbitrary<String> junk = Arbitraries.strings().ofMinLength(1).ofMaxLength(10)
      .filter(s -> !s.isBlank() && StrictJson.textProblem(s) == null);
    Arbitrary<String> space = Arbitraries.of("", " ", "\n", "\t", "\r\n");
    return Combinators.combine(space, junk).as((a, b) -> a + b)
      .filter(s -> !s.strip().isEmpty() && !s.strip().chars().allMatch(Character::isWhitespace));
  }

  @Provide
  Arbitrary<byte[]> invalidUtf8() {
    Arbitrary<Integer> cont = Arbitraries.integers().between(0x80, 0xBF);
    Arbitrary<byte[]> overlong2 = Combinators.combine(Arbitraries.of(0xC0, 0xC1), cont).as((a, b) -> b(a, b));
    Arbitrary<byte[]> overlong3 = Combinators.combine(Arbitraries.integers().between(0x80, 0x9F), cont)
      .as((a, b) -> b(0xE0, a, b));
    Arbitrary<byte[]> surrogate = Combinators.combine(Arbitraries.integers().between(0xA0, 0xBF), cont)
      .as((a, b) -> b(0xED, a, b));
    Arbitrary<byte[]> loneCont = cont.map(c -> b(c));
    Arbitrary<byte[]> never = Arbitraries.integers().between(0xF5, 0xFF).map(c -> b(c));
    Arbitrary<byte[]> truncated = Combinators.combine(Arbitraries.integers().between(0xE1, 0xEC), cont)
      .as((a, c) -> b(a, c, 0x22));
    return Arbitraries.oneOf(overlong2, overlong3, surrogate, loneCont, never, truncated);
  }

  @Provide
  Arbitrary<String> unstorable() {
    Arbitrary<String> high = Arbitraries.integers().between(0xD800, 0xDBFF).map(c -> String.format("\\u%04x", c));
    Arbitrary<String> low = Arbitraries.integers().between(0xDC00, 0xDFFF).map(c -> String.format("\\u%04X", c));
    return Arbitraries.oneOf(Arbitraries.just("\\u0000"), high, low);
  }

  private static byte[] b(int... xs) {
    byte[] out = new byte[xs.length];
    for (int i = 0; i < xs.length; i++) {
      out[i] = (byte) xs[i];
    }
    return out;
  }
}
