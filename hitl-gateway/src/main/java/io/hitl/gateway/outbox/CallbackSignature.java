package io.hitl.gateway.outbox;

import io.hitl.gateway.core.SignatureCheck;

import java.time.Instant;

/**
 * The signature on engine callbacks: `X-HITL-Timestamp: <unix seconds>` and `X-HITL-Signature: sha256=<hex
 * HMAC-SHA256(HITL_CALLBACK_SECRET, timestamp + "." + body)>`. The code is the client library's, which engines
 * verify with, so both sides compute one thing.
 */
public final class CallbackSignature {
  public static final String SIGNATURE = io.hitl.client.contract.CallbackSignature.SIGNATURE;
  public static final String TIMESTAMP = io.hitl.client.contract.CallbackSignature.TIMESTAMP;

  private CallbackSignature() {
  }

  public static String header(String secret, long unixSeconds, byte[] body) {
    return io.hitl.client.contract.CallbackSignature.header(secret, unixSeconds, body);
  }

  /** What an engine does: the signature matches the timestamp and body, and the timestamp is within the skew. */
  public static SignatureCheck verify(String secret, String signature, String timestamp, byte[] body, Instant now,
      long maxSkewSeconds) {
    switch (io.hitl.client.contract.CallbackSignature.verify(secret, signature, timestamp, body, now, maxSkewSeconds)) {
      case VALID:
        return SignatureCheck.VALID;
      case STALE:
        return SignatureCheck.STALE;
      default:
        return SignatureCheck.BAD_SIGNATURE;
    }
  }
}
