package io.hitl.gateway.cluster;

import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.store.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Signs and checks event-bus messages with {@link MessageSignature}, using only vertx-core so that
 * client JVMs holding the cluster secret can sign the same way gateway nodes do.
 */
public final class BusSigner {
  private final MessageSignature signature;
  private final Clock clock;

  public BusSigner(String secret, long maxSkewMillis, Clock clock) {
    this.signature = new MessageSignature(secret, maxSkewMillis);
    this.clock = clock;
  }

  /** Adds {@code hitl-auth-ts} and {@code hitl-auth-sig} to headers that are about to be sent with body. */
  public void sign(String address, Object body, MultiMap headers) {
    long now = clock.millis();
    headers.remove(Headers.AUTH_SIGNATURE);
    headers.set(Headers.AUTH_TIMESTAMP, Long.toString(now));
    headers.set(Headers.AUTH_SIGNATURE, signature.sign(address, now, signed(headers), digest(body)));
  }

  public MessageSignature.Verdict check(Message<?> msg) {
    MultiMap h = msg.headers();
    String digest;
    try {
      digest = digest(msg.body());
    } catch (RuntimeException e) {
      return new MessageSignature.Verdict(false, "the body could not be read");
    }
    return signature.verify(msg.address(), h.get(Headers.AUTH_TIMESTAMP), signed(h), digest,
      h.get(Headers.AUTH_SIGNATURE), clock.millis());
  }

  /** Every {@code hitl-*} header but the signature itself, names in lower case, values in order. */
  static SortedMap<String, List<String>> signed(MultiMap headers) {
    SortedMap<String, List<String>> out = new TreeMap<>();
    for (String name : headers.names()) {
      String n = name.toLowerCase(Locale.ROOT);
      if (n.startsWith(Headers.PREFIX) && !n.equals(Headers.AUTH_SIGNATURE)) {
        out.computeIfAbsent(n, k -> new ArrayList<>()).addAll(headers.getAll(name));
      }
    }
    return out;
  }

  /**
   * The body digest as the receiving node will compute it: JSON bodies pass through the same encode and
   * decode the clustered bus applies, so a node receiving it from the wire gets the same values.
   */
  public static String digest(Object body) {
    Object wire;
    if (body instanceof JsonObject) {
      wire = Json.plain(new JsonObject(((JsonObject) body).toBuffer()));
    } else if (body instanceof JsonArray) {
      wire = Json.plain(new JsonArray(((JsonArray) body).toBuffer()));
    } else if (body == null || body instanceof String || body instanceof Boolean || body instanceof Number) {
      wire = body;
    } else if (body instanceof Buffer) {
      wire = "buffer:" + Base64.getEncoder().encodeToString(((Buffer) body).getBytes());
    } else {
      wire = "object:" + body.getClass().getName();
    }
    return MessageSignature.bodyDigest(wire);
  }
}
