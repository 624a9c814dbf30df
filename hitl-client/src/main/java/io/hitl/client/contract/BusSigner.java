package io.hitl.client.contract;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    headers.remove(BusHeaders.AUTH_SIGNATURE);
    headers.set(BusHeaders.AUTH_TIMESTAMP, Long.toString(now));
    headers.set(BusHeaders.AUTH_SIGNATURE, signature.sign(address, now, signed(headers), digest(body)));
  }

  public MessageSignature.Verdict check(Message<?> msg) {
    MultiMap h = msg.headers();
    String digest;
    try {
      digest = digest(msg.body());
    } catch (RuntimeException e) {
      return new MessageSignature.Verdict(false, "the body could not be read");
    }
    return signature.verify(msg.address(), h.get(BusHeaders.AUTH_TIMESTAMP), signed(h), digest,
      h.get(BusHeaders.AUTH_SIGNATURE), clock.millis());
  }

  /** Every {@code hitl-*} header but the signature itself, names in lower case, values in order. */
  public static SortedMap<String, List<String>> signed(MultiMap headers) {
    SortedMap<String, List<String>> out = new TreeMap<>();
    for (String name : headers.names()) {
      String n = name.toLowerCase(Locale.ROOT);
      if (n.startsWith(BusHeaders.PREFIX) && !n.equals(BusHeaders.AUTH_SIGNATURE)) {
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
      wire = plain(new JsonObject(((JsonObject) body).toBuffer()));
    } else if (body instanceof JsonArray) {
      wire = plain(new JsonArray(((JsonArray) body).toBuffer()));
    } else if (body == null || body instanceof String || body instanceof Boolean || body instanceof Number) {
      wire = body;
    } else if (body instanceof Buffer) {
      wire = "buffer:" + Base64.getEncoder().encodeToString(((Buffer) body).getBytes());
    } else {
      wire = "object:" + body.getClass().getName();
    }
    return MessageSignature.bodyDigest(wire);
  }

  /** Vert.x JSON as plain maps, lists and scalars, the form the digest is defined over. */
  private static Object plain(Object v) {
    if (v instanceof JsonObject) {
      return plain(((JsonObject) v).getMap());
    }
    if (v instanceof JsonArray) {
      return plain(((JsonArray) v).getList());
    }
    if (v instanceof Map) {
      Map<String, Object> out = new LinkedHashMap<>();
      ((Map<?, ?>) v).forEach((k, val) -> out.put(String.valueOf(k), plain(val)));
      return out;
    }
    if (v instanceof List) {
      List<Object> out = new ArrayList<>();
      ((List<?>) v).forEach(o -> out.add(plain(o)));
      return out;
    }
    return v;
  }
}
