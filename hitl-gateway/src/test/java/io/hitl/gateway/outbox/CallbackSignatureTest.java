package io.hitl.gateway.outbox;

import io.hitl.gateway.core.SignatureCheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CallbackSignatureTest {
  static final String SECRET = "callback-secret-0123456789abcdefghij";
  static final byte[] BODY = "{\"event\":\"approval.approved\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void theSignatureIsHmacSha256OverTimestampDotBodyInHex() {
    // openssl: printf '1700000000.{"event":"approval.approved"}' | openssl dgst -sha256 -hmac "$SECRET"
    assertThat(CallbackSignature.header(SECRET, 1_700_000_000L, BODY))
      .isEqualTo("sha256=7ffb1b09b12c2f11cb13be48515daaf812eaa42901f8cc92d62c7c99a803baa3");
  }

  @Test
  void aReceiverAcceptsOnlyTheSameBodyTimestampAndSecretWithinTheSkew() {
    Instant now = Instant.ofEpochSecond(1_700_000_000L);
    String sig = CallbackSignature.header(SECRET, now.getEpochSecond(), BODY);
    String ts = String.valueOf(now.getEpochSecond());
    assertThat(CallbackSignature.verify(SECRET, sig, ts, BODY, now.plusSeconds(100), 300)).isEqualTo(SignatureCheck.VALID);
    assertThat(CallbackSignature.verify(SECRET, sig, ts, BODY, now.plusSeconds(301), 300)).isEqualTo(SignatureCheck.STALE);
    assertThat(CallbackSignature.verify(SECRET, sig, String.valueOf(now.getEpochSecond() + 1), BODY, now, 300))
      .isEqualTo(SignatureCheck.BAD_SIGNATURE);
    assertThat(CallbackSignature.verify(SECRET, sig, ts, "{}".getBytes(StandardCharsets.UTF_8), now, 300))
      .isEqualTo(SignatureCheck.BAD_SIGNATURE);
    assertThat(CallbackSignature.verify(SECRET + "x", sig, ts, BODY, now, 300)).isEqualTo(SignatureCheck.BAD_SIGNATURE);
    assertThat(CallbackSignature.verify(SECRET, sig.substring(7), ts, BODY, now, 300))
      .isEqualTo(SignatureCheck.BAD_SIGNATURE);
    assertThat(CallbackSignature.verify(SECRET, sig, null, BODY, now, 300)).isEqualTo(SignatureCheck.BAD_SIGNATURE);
    assertThat(CallbackSignature.verify(SECRET, null, ts, BODY, now, 300)).isEqualTo(SignatureCheck.BAD_SIGNATURE);
  }
}
