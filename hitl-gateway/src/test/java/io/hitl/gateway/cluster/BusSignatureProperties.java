package io.hitl.gateway.cluster;

import io.hitl.client.contract.MessageSignature;
import io.hitl.client.contract.BusSigner;
import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.bus.Headers;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.impl.codecs.JsonObjectMessageCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The body digest survives the clustered bus; the signature notices any change to what it covers. */
class BusSignatureProperties {
  private static final JsonObjectMessageCodec CODEC = new JsonObjectMessageCodec();
  private static final MessageSignature SIGNATURE = new MessageSignature("cluster-secret-0123456789-abcdefghijkl",
    30_000);

  @Provide
  Arbitrary<JsonObject> bodies() {
    return Arbitraries.lazyOf(() -> objects(3));
  }

  private Arbitrary<JsonObject> objects(int depth) {
    Arbitrary<Object> value = depth == 0 ? leaves() : Arbitraries.frequencyOf(
      net.jqwik.api.Tuple.of(6, leaves()),
      net.jqwik.api.Tuple.of(1, objects(depth - 1).map(o -> (Object) o)),
      net.jqwik.api.Tuple.of(1, leaves().list().ofMaxSize(4).map(l -> (Object) new JsonArray(l))));
    return Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(6), value).ofMaxSize(6)
      .map(m -> {
        JsonObject o = new JsonObject();
        m.forEach(o::put);
        return o;
      });
  }

  private Arbitrary<Object> leaves() {
    return Arbitraries.oneOf(
      Arbitraries.strings().ofMaxLength(12).map(s -> (Object) s),
      Arbitraries.integers().map(i -> (Object) i),
      Arbitraries.longs().map(l -> (Object) l),
      Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30)).map(b -> (Object) b),
      Arbitraries.doubles().map(d -> (Object) d),
      Arbitraries.floats().map(f -> (Object) f),
      Arbitraries.bigDecimals().between(new BigDecimal("-1e12"), new BigDecimal("1e12")).ofScale(8)
        .map(d -> (Object) d),
      Arbitraries.bigDecimals().between(new BigDecimal("-1e30"), new BigDecimal("1e30")).ofScale(0)
        .map(d -> (Object) d),
      Arbitraries.longs().between(0, 4_000_000_000L).map(s -> (Object) Instant.ofEpochSecond(s, 123_000)),
      Arbitraries.of(true, false).map(b -> (Object) b),
      Arbitraries.just(null));
  }

  @Property(tries = 200)
  void theBodyDigestIsTheSameOnTheNodeThatReceivesTheMessage(@ForAll("bodies") JsonObject sent) {
    Buffer wire = Buffer.buffer();
    CODEC.encodeToWire(wire, sent);
    JsonObject fromWire = CODEC.decodeFromWire(0, wire);
    JsonObject sameJvm = CODEC.transform(sent);
    String digest = BusSigner.digest(sent);
    assertThat(BusSigner.digest(fromWire)).isEqualTo(digest);
    assertThat(BusSigner.digest(sameJvm)).isEqualTo(digest);
  }

  @Property(tries = 100)
  void theBodyDigestCoversEveryField(@ForAll("bodies") JsonObject body) {
    String digest = BusSigner.digest(body);
    for (String key : body.fieldNames()) {
      JsonObject replaced = body.copy().put(key, new JsonArray().add("replaced " + key));
      assertThat(BusSigner.digest(replaced)).as(key).isNotEqualTo(digest);
      JsonObject removed = body.copy();
      removed.remove(key);
      assertThat(BusSigner.digest(removed)).as(key).isNotEqualTo(digest);
    }
  }

  @Property(tries = 300)
  void aSignatureVerifiesOnlyForTheExactHeadersItWasMadeFor(@ForAll("headers") Map<String, String> headers,
      @ForAll("headerNames") String changed) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    headers.forEach(h::add);
    SortedMap<String, List<String>> signed = BusSigner.signed(h);
    String sig = SIGNATURE.sign("hitl.approvals.decide", 1_000, signed, "d");
    assertThat(SIGNATURE.verify("hitl.approvals.decide", "1000", signed, "d", sig, 1_000).valid()).isTrue();

    MultiMap other = MultiMap.caseInsensitiveMultiMap().addAll(h);
    other.set(changed, h.contains(changed) ? h.get(changed) + "x" : "x");
    assertThat(SIGNATURE.verify("hitl.approvals.decide", "1000", BusSigner.signed(other), "d", sig, 1_000).valid())
      .isFalse();
  }

  @Provide
  Arbitrary<Map<String, String>> headers() {
    return Arbitraries.maps(headerNames(), Arbitraries.strings().ofMaxLength(16)).ofMaxSize(5);
  }

  @Provide
  Arbitrary<String> headerNames() {
    return Arbitraries.oneOf(Arbitraries.of(Headers.ACTOR, Headers.ROLES, Headers.CORRELATION_ID,
        Headers.IDEMPOTENCY_KEY, Headers.CHANNEL, "HITL-Actor", "hitl-custom"),
      Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(6).map(s -> Headers.PREFIX + s));
  }

  @Property(tries = 50)
  void headersOutsideTheGatewaysOwnAreNotSigned(@ForAll("headers") Map<String, String> headers) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    headers.forEach(h::add);
    SortedMap<String, List<String>> before = new TreeMap<>(BusSigner.signed(h));
    h.add("traceparent", "00-abc-def-01");
    assertThat(BusSigner.signed(h)).isEqualTo(before);
  }
}
