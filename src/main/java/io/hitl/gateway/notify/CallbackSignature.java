package io.hitl.gateway.notify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;

/**
 * The signature on engine callbacks: `X-HITL-Timestamp: <unix seconds>` and `X-HITL-Signature: sha256=<hex
 * HMAC-SHA256(HITL_CALLBACK_SECRET, timestamp + "." + body)>`. Engines recompute it over the raw body and
 * refuse timestamps too far from their clock.
 */
public final class CallbackSignature {
  public static final String SIGNATURE = "X-HITL-Signature";
  public static final String TIMESTAMP = "X-HITL-Timestamp";
  private static final String PREFIX = "sha256=";

  private CallbackSignature() {
  }

  public static String header(String secret, long unixSeconds, byte[] body) {
    return PREFIX + mac(secret, unixSeconds, body);
  }

  /** What an engine does: the signature matches the timestamp and body, and the timestamp is within the skew. */
  public static SignatureCheck verify(String secret, String signature, String timestamp, byte[] body, Instant now,
      long maxSkewSeconds) {
    Long seconds = Skew.seconds(timestamp);
    if (signature == null || !signature.startsWith(PREFIX) || seconds == null) {
      return SignatureCheck.BAD_SIGNATURE;
    }
    byte[] expected = mac(secret, seconds, body).getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(expected, signature.substring(PREFIX.length()).getBytes(StandardCharsets.UTF_8))) {
      return SignatureCheck.BAD_SIGNATURE;
    }
    return Skew.within(timestamp, now, maxSkewSeconds) ? SignatureCheck.VALID : SignatureCheck.STALE;
  }

  private static String mac(String secret, long unixSeconds, byte[] body) {
    Mac mac = SlackSignature.hmac(secret);
    mac.update((unixSeconds + ".").getBytes(StandardCharsets.UTF_8));
    mac.update(body);
    return HexFormat.of().formatHex(mac.doFinal());
  }
}
