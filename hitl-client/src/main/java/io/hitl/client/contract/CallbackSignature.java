package io.hitl.client.contract;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature on engine callbacks: {@code X-HITL-Timestamp: <unix seconds>} and {@code X-HITL-Signature:
 * sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>}. The gateway signs with it; engines check with it.
 */
public final class CallbackSignature {
  public static final String SIGNATURE = "X-HITL-Signature";
  public static final String TIMESTAMP = "X-HITL-Timestamp";
  public static final String EVENT = "X-HITL-Event";
  public static final String DELIVERY = "X-HITL-Delivery";
  private static final String PREFIX = "sha256=";
  private static final String HMAC = "HmacSHA256";

  /** The verdict on one callback. */
  public enum Check {
    VALID,
    /** The signature is missing, malformed, or does not match the timestamp and body. */
    BAD_SIGNATURE,
    /** Signed correctly, but the timestamp is further from the receiver's clock than allowed (a replay). */
    STALE
  }

  private CallbackSignature() {
  }

  /** The {@code X-HITL-Signature} value for this timestamp and body. */
  public static String header(String secret, long unixSeconds, byte[] body) {
    return PREFIX + HexFormat.of().formatHex(mac(secret, unixSeconds, body));
  }

  /**
   * What an engine does: the MAC over the raw body matches (compared in constant time), then the timestamp is
   * within {@code maxSkewSeconds} of {@code now}. A stale signature is reported only when it is genuine.
   */
  public static Check verify(String secret, String signature, String timestamp, byte[] body, Instant now,
      long maxSkewSeconds) {
    if (signature == null || !signature.startsWith(PREFIX) || timestamp == null || body == null) {
      return Check.BAD_SIGNATURE;
    }
    if (timestamp.isEmpty() || timestamp.length() > 15 || !timestamp.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Check.BAD_SIGNATURE;
    }
    long seconds = Long.parseLong(timestamp);
    byte[] given;
    try {
      given = HexFormat.of().parseHex(signature.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      return Check.BAD_SIGNATURE;
    }
    if (!MessageDigest.isEqual(mac(secret, seconds, body), given)) {
      return Check.BAD_SIGNATURE;
    }
    return Math.abs(now.getEpochSecond() - seconds) <= maxSkewSeconds ? Check.VALID : Check.STALE;
  }

  private static byte[] mac(String secret, long unixSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC));
      mac.update((unixSeconds + ".").getBytes(StandardCharsets.UTF_8));
      mac.update(body);
      return mac.doFinal();
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
