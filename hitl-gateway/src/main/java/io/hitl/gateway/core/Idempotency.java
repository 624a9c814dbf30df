package io.hitl.gateway.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Objects;

/**
 * Idempotent creates, as the IETF Idempotency-Key draft describes them. A create is fingerprinted by the
 * hash of its canonical JSON body; a later create that collides with a stored request (same submitter and
 * key, or the same trade_id) is a retry only when the fingerprints agree. A trade_id belongs to the
 * submitter that used it first: anyone else is refused without learning anything about that request.
 */
public final class Idempotency {
  /** The first key of the two-key advisory lock that marks a create in flight; no other lock uses two keys. */
  public static final int LOCK_SPACE = 0x1DE4;

  /** What a colliding create is answered with. */
  public enum Verdict {
    /** A retry of the stored request: it is returned (200). */
    RETRY,
    /** The same key or trade_id with a different body: 422 SEC-014. */
    DIFFERENT_BODY,
    /** A trade_id another submitter used: 409 SEC-016. */
    OTHER_SUBMITTER
  }

  /** The stored request a create collided with: who submitted it and its fingerprint (null before fingerprints). */
  public record Stored(String requestedBy, String requestHash) {
  }

  private Idempotency() {
  }

  /** SHA-256 (hex) of the body's canonical JSON: key order and whitespace do not matter. */
  public static String fingerprint(Map<String, Object> body) {
    return Hashing.sha256Hex(CanonicalJson.write(body));
  }

  public static Verdict judge(Stored stored, String submitter, String fingerprint) {
    if (!Objects.equals(stored.requestedBy(), submitter)) {
      return Verdict.OTHER_SUBMITTER;
    }
    if (stored.requestHash() != null && !stored.requestHash().equals(fingerprint)) {
      return Verdict.DIFFERENT_BODY;
    }
    return Verdict.RETRY;
  }

  /** The refusal for a verdict other than RETRY; it names nothing of the stored request. */
  public static GatewayException refusal(Verdict v, boolean byKey) {
    switch (v) {
      case DIFFERENT_BODY:
        return new GatewayException(ErrorCode.SEC_014, byKey
          ? "This Idempotency-Key was already used with a different request body"
          : "This trade_id was already used with a different request body");
      case OTHER_SUBMITTER:
        return new GatewayException(ErrorCode.SEC_016, "This trade_id is already in use; choose another");
      default:
        throw new IllegalArgumentException("a retry is not refused");
    }
  }

  public static GatewayException inFlight() {
    return new GatewayException(ErrorCode.SEC_015,
      "A request with this Idempotency-Key is still being processed; retry shortly with the same key");
  }

  /** The second lock key for a submitter's Idempotency-Key: 32 bits of SHA-256 over both. */
  public static int lockKey(String submitter, String key) {
    byte[] h = sha256(submitter.length() + ":" + submitter + "|" + key);
    return ((h[0] & 0xff) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
