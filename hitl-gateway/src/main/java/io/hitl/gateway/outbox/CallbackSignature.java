package io.hitl.gateway.outbox;

import io.hitl.gateway.core.SignatureCheck;

import java.time.Instant;

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
    return PREFIX + WebhookSignature.mac(secret, unixSeconds, body);
  }

  /** What an engine does: the signature matches the timestamp and body, and the timestamp is within the skew. */
  public static SignatureCheck verify(String secret, String signature, String timestamp, byte[] body, Instant now,
      long maxSkewSeconds) {
    if (signature == null || !signature.startsWith(PREFIX)) {
      return SignatureCheck.BAD_SIGNATURE;
    }
    return WebhookSignature.check(secret, timestamp, signature.substring(PREFIX.length()), body, now,
      maxSkewSeconds);
  }
}
