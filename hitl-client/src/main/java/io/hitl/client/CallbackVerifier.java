package io.hitl.client;

import io.hitl.client.contract.CallbackSignature;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Checks the engine callbacks the gateway POSTs to a {@code callback_url} (docs/callbacks.md): the HMAC-SHA256 of
 * {@code timestamp + "." + raw body} under HITL_CALLBACK_SECRET, compared in constant time, and a timestamp within
 * the tolerance of this engine's clock. Verify the raw bytes received, never a re-encoded body. Engines should
 * also drop a {@code delivery_id} they have already processed: a delivery is retried until it is acknowledged.
 */
public final class CallbackVerifier {
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  private final String secret;
  private final Duration tolerance;
  private final Clock clock;

  /** A callback that passed the check: its event name, delivery id and body. */
  public record Verified(String event, String deliveryId, JsonObject body) {
  }

  public CallbackVerifier(String secret, Duration tolerance, Clock clock) {
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("the callback secret is required");
    }
    this.secret = secret;
    this.tolerance = Objects.requireNonNull(tolerance, "tolerance");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public CallbackVerifier(String secret) {
    this(secret, DEFAULT_TOLERANCE, Clock.systemUTC());
  }

  /** The verdict on a signature and timestamp header over these raw bytes. */
  public CallbackSignature.Check check(String signature, String timestamp, byte[] rawBody) {
    return CallbackSignature.verify(secret, signature, timestamp, rawBody, clock.instant(), tolerance.toSeconds());
  }

  /**
   * The callback when it is genuine and fresh; otherwise an {@link IllegalArgumentException} saying why (answer
   * it with 401 and do not act on it).
   */
  public Verified verify(MultiMap headers, Buffer rawBody) {
    byte[] bytes = rawBody == null ? new byte[0] : rawBody.getBytes();
    CallbackSignature.Check c = check(headers.get(CallbackSignature.SIGNATURE), headers.get(CallbackSignature.TIMESTAMP),
      bytes);
    if (c != CallbackSignature.Check.VALID) {
      throw new IllegalArgumentException(c == CallbackSignature.Check.STALE
        ? "the callback's timestamp is outside the tolerance of " + tolerance.toSeconds() + " s"
        : "the callback's signature does not match its body");
    }
    JsonObject body;
    try {
      body = new JsonObject(Buffer.buffer(bytes));
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("the callback body is not a JSON object");
    }
    return new Verified(headers.get(CallbackSignature.EVENT), headers.get(CallbackSignature.DELIVERY), body);
  }
}
