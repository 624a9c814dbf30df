package io.hitl.gateway.outbox;

import io.hitl.gateway.core.SignatureCheck;
import io.hitl.gateway.core.Skew;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;

/**
 * The signature on generic webhook deliveries: `X-Hitl-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
 * t + "." + body)>`. Receivers recompute it and refuse timestamps too far from their clock.
 */
public final class WebhookSignature {
  public static final String HEADER = "X-Hitl-Signature";

  private WebhookSignature() {
  }

  public static String header(String secret, long unixSeconds, byte[] body) {
    return "t=" + unixSeconds + ",v1=" + mac(secret, unixSeconds, body);
  }

  /** What a receiver does: the header parses, its MAC matches, and its timestamp is within the skew. */
  public static SignatureCheck verify(String secret, String header, byte[] body, Instant now, long maxSkewSeconds) {
    if (header == null) {
      return SignatureCheck.BAD_SIGNATURE;
    }
    String t = null;
    String v1 = null;
    for (String part : header.split(",")) {
      String p = part.trim();
      if (p.startsWith("t=")) {
        t = p.substring(2);
      } else if (p.startsWith("v1=")) {
        v1 = p.substring(3);
      }
    }
    return check(secret, t, v1, body, now, maxSkewSeconds);
  }

  /**
   * The check shared by the gateway's timestamped HMAC signatures (webhooks, engine callbacks): {@code hex}
   * must be the MAC of {@code timestamp + "." + body}, compared in constant time, and the timestamp within the skew.
   */
  static SignatureCheck check(String secret, String timestamp, String hex, byte[] body, Instant now,
      long maxSkewSeconds) {
    Long seconds = Skew.seconds(timestamp);
    if (seconds == null || hex == null) {
      return SignatureCheck.BAD_SIGNATURE;
    }
    byte[] expected = mac(secret, seconds, body).getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(expected, hex.getBytes(StandardCharsets.UTF_8))) {
      return SignatureCheck.BAD_SIGNATURE;
    }
    return Skew.within(timestamp, now, maxSkewSeconds) ? SignatureCheck.VALID : SignatureCheck.STALE;
  }

  /** Hex HMAC-SHA256(secret, unixSeconds + "." + body). */
  static String mac(String secret, long unixSeconds, byte[] body) {
    Mac mac = Skew.hmac(secret);
    mac.update((unixSeconds + ".").getBytes(StandardCharsets.UTF_8));
    mac.update(body);
    return HexFormat.of().formatHex(mac.doFinal());
  }
}
