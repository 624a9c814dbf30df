package io.hitl.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

class TokenClaimsProperties {
  static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
  static final long T = NOW.getEpochSecond();
  static final Map<String, Object> HS256 = Map.of("alg", "HS256");

  static Map<String, Object> claims(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    m.put("sub", "alice");
    m.put("roles", List.of("approver"));
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i + 1] == null) {
        m.remove((String) kv[i]);
      } else {
        m.put((String) kv[i], kv[i + 1]);
      }
    }
    return m;
  }

  @Property
  void aTokenWithinItsLifetimeAndTheMaximumIsAccepted(@ForAll @LongRange(min = 60, max = 31_622_400) long max,
      @ForAll @LongRange(min = 0, max = 31_622_400) long age, @ForAll @LongRange(min = 1, max = 31_622_400) long left) {
    long iat = T - age;
    long exp = T + left;
    boolean within = exp - iat <= max;
    assertThat(TokenClaims.problem(HS256, claims("iat", iat, "exp", exp), NOW, max) == null).isEqualTo(within);
  }

  @Property
  void withoutIatTheLifetimeCountsFromNow(@ForAll @LongRange(min = 60, max = 31_622_400) long max,
      @ForAll @LongRange(min = 1, max = 40_000_000) long left) {
    assertThat(TokenClaims.problem(HS256, claims("exp", T + left), NOW, max) == null).isEqualTo(left <= max);
  }

  @Property
  void everyTokenWithoutExpOrPastItIsRefused(@ForAll @LongRange(min = 0, max = 10_000_000) long ago) {
    assertThat(TokenClaims.problem(HS256, claims(), NOW, 86_400)).contains("no expiry");
    assertThat(TokenClaims.problem(HS256, claims("exp", T - ago), NOW, 86_400)).contains("expired");
  }

  @Property
  void nbfAndIatBeyondTheSkewAreRefusedAndWithinItAccepted(@ForAll @LongRange(min = 0, max = 600) long ahead) {
    boolean ok = ahead <= TokenClaims.CLOCK_SKEW_SECONDS;
    assertThat(TokenClaims.problem(HS256, claims("exp", T + 3_600, "nbf", T + ahead), NOW, 86_400) == null)
      .isEqualTo(ok);
    assertThat(TokenClaims.problem(HS256, claims("exp", T + 3_600, "iat", T + ahead), NOW, 86_400) == null)
      .isEqualTo(ok);
  }

  @Property
  void aClaimOfTheWrongTypeIsAlwaysRefused(@ForAll("wronglyTyped") Map<String, Object> claims) {
    assertThat(TokenClaims.problem(HS256, claims, NOW, 86_400)).isNotNull();
  }

  @Provide
  Arbitrary<Map<String, Object>> wronglyTyped() {
    Arbitrary<Object> notANumber = Arbitraries.of("1893456000", true, List.of(1), Map.of("s", 1), Double.NaN,
      Double.POSITIVE_INFINITY, 1.0E300);
    Arbitrary<Object> notAString = Arbitraries.of(42, true, List.of("alice"), Map.of("a", "b"));
    Arbitrary<Object> notStrings = Arbitraries.of("admin", "admin approver", List.of(1), List.of("admin", 2),
      Map.of("0", "admin"), 7);
    return Arbitraries.oneOf(
      Arbitraries.of("exp", "nbf", "iat").flatMap(n -> notANumber.map(v -> claims("exp", T + 60, n, v))),
      Arbitraries.of("sub", "iss", "jti").flatMap(n -> notAString.map(v -> claims("exp", T + 60, n, v))),
      notStrings.map(v -> claims("exp", T + 60, "roles", v)),
      notAString.filter(v -> !(v instanceof List)).map(v -> claims("exp", T + 60, "aud", v)));
  }

  @Property
  void aHeaderWithoutAnAlgorithmOrWithAnOddKidIsRefused(@ForAll("oddHeaders") Map<String, Object> header) {
    assertThat(TokenClaims.problem(header, claims("exp", T + 60), NOW, 86_400)).isNotNull();
  }

  @Provide
  Arbitrary<Map<String, Object>> oddHeaders() {
    return Arbitraries.of(Map.of(), Map.of("alg", 256), Map.of("alg", "HS256", "kid", 1),
      Map.of("alg", "HS256", "kid", List.of("k1")));
  }
}
