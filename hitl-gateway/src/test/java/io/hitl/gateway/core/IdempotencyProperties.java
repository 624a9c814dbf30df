package io.hitl.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Idempotent creates: a retry is recognised by its body, whatever the key order; nothing else is. */
class IdempotencyProperties {

  @Provide
  Arbitrary<Map<String, Object>> bodies() {
    Arbitrary<Object> leaf = Arbitraries.oneOf(
      Arbitraries.strings().ofMaxLength(12).map(s -> (Object) s),
      Arbitraries.integers().map(i -> (Object) i),
      Arbitraries.bigDecimals().ofScale(4).map(d -> (Object) d),
      Arbitraries.of(true, false).map(b -> (Object) b));
    return Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8), leaf).ofMinSize(1).ofMaxSize(8);
  }

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6);
  }

  @Property
  void theFingerprintIgnoresKeyOrder(@ForAll("bodies") Map<String, Object> body) {
    List<String> keys = new ArrayList<>(body.keySet());
    Collections.reverse(keys);
    Map<String, Object> reversed = new LinkedHashMap<>();
    keys.forEach(k -> reversed.put(k, body.get(k)));
    assertThat(Idempotency.fingerprint(reversed)).isEqualTo(Idempotency.fingerprint(body));
  }

  @Property
  void aChangedValueChangesTheFingerprint(@ForAll("bodies") Map<String, Object> body, @ForAll("names") String extra) {
    Map<String, Object> changed = new LinkedHashMap<>(body);
    String key = body.keySet().iterator().next();
    changed.put(key, String.valueOf(body.get(key)) + "#" + extra);
    assertThat(Idempotency.fingerprint(changed)).isNotEqualTo(Idempotency.fingerprint(body));
  }

  @Property
  void onlyTheSameSubmitterWithTheSameBodyIsARetry(@ForAll("names") String owner, @ForAll("names") String caller,
      @ForAll("bodies") Map<String, Object> stored, @ForAll("bodies") Map<String, Object> sent) {
    String storedHash = Idempotency.fingerprint(stored);
    String sentHash = Idempotency.fingerprint(sent);
    Idempotency.Verdict v = Idempotency.judge(new Idempotency.Stored(owner, storedHash), caller, sentHash);
    if (!owner.equals(caller)) {
      assertThat(v).isEqualTo(Idempotency.Verdict.OTHER_SUBMITTER);
    } else if (storedHash.equals(sentHash)) {
      assertThat(v).isEqualTo(Idempotency.Verdict.RETRY);
    } else {
      assertThat(v).isEqualTo(Idempotency.Verdict.DIFFERENT_BODY);
    }
  }

  @Property
  void aRequestStoredWithoutAFingerprintAcceptsItsOwnSubmitterOnly(@ForAll("names") String owner,
      @ForAll("names") String caller, @ForAll("bodies") Map<String, Object> sent) {
    Idempotency.Verdict v = Idempotency.judge(new Idempotency.Stored(owner, null), caller,
      Idempotency.fingerprint(sent));
    assertThat(v).isEqualTo(owner.equals(caller) ? Idempotency.Verdict.RETRY : Idempotency.Verdict.OTHER_SUBMITTER);
  }

  @Property
  void refusalsNameNothingOfTheStoredRequest(@ForAll boolean byKey) {
    GatewayException other = Idempotency.refusal(Idempotency.Verdict.OTHER_SUBMITTER, byKey);
    assertThat(other.code()).isEqualTo(ErrorCode.SEC_016);
    assertThat(other.extensions()).isEmpty();
    GatewayException body = Idempotency.refusal(Idempotency.Verdict.DIFFERENT_BODY, byKey);
    assertThat(body.code()).isEqualTo(ErrorCode.SEC_014);
    assertThat(body.extensions()).isEmpty();
    assertThatThrownBy(() -> Idempotency.refusal(Idempotency.Verdict.RETRY, byKey))
      .isInstanceOf(IllegalArgumentException.class);
  }

  @Property
  void lockKeysKeepSubmitterAndKeyApart(@ForAll("names") String a, @ForAll("names") String b) {
    assertThat(Idempotency.lockKey(a, b)).isEqualTo(Idempotency.lockKey(a, b));
    if (!a.equals(b)) {
      // the length prefix keeps ("ab", "c") and ("a", "bc") distinct inputs to the hash
      assertThat(Idempotency.lockKey(a + b, "k")).isNotEqualTo(Idempotency.lockKey(a, b + "k"));
    }
  }
}
