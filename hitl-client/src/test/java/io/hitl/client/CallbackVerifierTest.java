package io.hitl.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.client.contract.CallbackSignature;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CallbackVerifierTest {
  static final String SECRET = "callback-secret-0123456789-abcdefghij";
  static final Instant NOW = Instant.parse("2026-11-21T14:03:07Z");
  static final byte[] BODY = "{\"event\":\"approval.approved\",\"price\":\"2850.50\"}".getBytes(StandardCharsets.UTF_8);
  final CallbackVerifier verifier = new CallbackVerifier(SECRET, Duration.ofSeconds(300),
    Clock.fixed(NOW, ZoneOffset.UTC));

  static MultiMap headers(String signature, String timestamp) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap().add("X-HITL-Event", "approval.approved")
      .add("X-HITL-Delivery", "4711");
    if (signature != null) {
      h.add("x-hitl-signature", signature);
    }
    if (timestamp != null) {
      h.add("X-HITL-Timestamp", timestamp);
    }
    return h;
  }

  @Test
  void theDocumentedSignatureOfAKnownBodyVerifies() {
    // HMAC-SHA256(secret, "1763733787." + body), as docs/callbacks.md computes it with openssl
    long ts = NOW.getEpochSecond();
    String sig = CallbackSignature.header(SECRET, ts, BODY);
    assertThat(sig).matches("sha256=[0-9a-f]{64}");
    CallbackVerifier.Verified v = verifier.verify(headers(sig, Long.toString(ts)), Buffer.buffer(BODY));
    assertThat(v.event()).isEqualTo("approval.approved");
    assertThat(v.deliveryId()).isEqualTo("4711");
    assertThat(v.body().getString("price")).as("decimals kept as sent").isEqualTo("2850.50");
  }

  @Test
  void anAlteredBodyTimestampOrSecretIsRefused() {
    long ts = NOW.getEpochSecond();
    String sig = CallbackSignature.header(SECRET, ts, BODY);
    byte[] altered = new String(BODY, StandardCharsets.UTF_8).replace("2850.50", "2850.5").getBytes(StandardCharsets.UTF_8);
    assertThat(verifier.check(sig, Long.toString(ts), altered)).isEqualTo(CallbackSignature.Check.BAD_SIGNATURE);
    assertThat(verifier.check(sig, Long.toString(ts + 1), BODY)).isEqualTo(CallbackSignature.Check.BAD_SIGNATURE);
    assertThat(new CallbackVerifier(SECRET + "x", Duration.ofSeconds(300), Clock.fixed(NOW, ZoneOffset.UTC))
      .check(sig, Long.toString(ts), BODY)).isEqualTo(CallbackSignature.Check.BAD_SIGNATURE);
    assertThat(verifier.check(sig.substring(7), Long.toString(ts), BODY)).isEqualTo(CallbackSignature.Check.BAD_SIGNATURE);
    assertThat(verifier.check("sha256=zz", Long.toString(ts), BODY)).isEqualTo(CallbackSignature.Check.BAD_SIGNATURE);
    assertThat(verifier.check(sig, "+" + ts, BODY)).isEqualTo(CallbackSignature.Check.BAD_SIGNATURE);
    assertThat(verifier.check(sig, null, BODY)).isEqualTo(CallbackSignature.Check.BAD_SIGNATURE);
    assertThat(verifier.check(null, Long.toString(ts), BODY)).isEqualTo(CallbackSignature.Check.BAD_SIGNATURE);
    assertThatThrownBy(() -> verifier.verify(headers(sig, Long.toString(ts)), Buffer.buffer(altered)))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("signature");
  }

  @Test
  void aGenuineSignatureOutsideTheToleranceIsStaleAndAtTheEdgeIsValid() {
    long edge = NOW.getEpochSecond() - 300;
    assertThat(verifier.check(CallbackSignature.header(SECRET, edge, BODY), Long.toString(edge), BODY))
      .isEqualTo(CallbackSignature.Check.VALID);
    long late = NOW.getEpochSecond() + 301;
    String sig = CallbackSignature.header(SECRET, late, BODY);
    assertThat(verifier.check(sig, Long.toString(late), BODY)).isEqualTo(CallbackSignature.Check.STALE);
    assertThatThrownBy(() -> verifier.verify(headers(sig, Long.toString(late)), Buffer.buffer(BODY)))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tolerance");
  }

  @Test
  void aSignedBodyThatIsNotAnObjectIsRefused() {
    byte[] body = "[1,2]".getBytes(StandardCharsets.UTF_8);
    long ts = NOW.getEpochSecond();
    assertThatThrownBy(() -> verifier.verify(headers(CallbackSignature.header(SECRET, ts, body), Long.toString(ts)),
      Buffer.buffer(body))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSON object");
  }
}
