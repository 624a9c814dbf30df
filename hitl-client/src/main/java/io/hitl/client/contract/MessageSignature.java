package io.hitl.client.contract;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signatures of event-bus messages under the shared cluster secret. A signature binds the
 * address, the time it was made, every {@code hitl-*} header (the acting operator and roles among them)
 * and a digest of the body, so a cluster member that captures a signed message can neither alter it nor
 * reuse it for another address, another body or another operator; only an identical copy within the
 * clock-skew window verifies.
 */
public final class MessageSignature {
  public static final String VERSION = "hitl-bus-v1";
  private static final String HMAC = "HmacSHA256";

  private final SecretKeySpec key;
  private final long maxSkewMillis;

  /** Why a message was accepted or refused; {@code reason} is null when it was accepted. */
  public record Verdict(boolean valid, String reason) {
    static final Verdict OK = new Verdict(true, null);

    static Verdict refused(String reason) {
      return new Verdict(false, reason);
    }
  }

  public MessageSignature(String secret, long maxSkewMillis) {
    if (secret == null || secret.length() < 32) {
      throw new IllegalArgumentException("the cluster secret must be at least 32 characters");
    }
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC);
    this.maxSkewMillis = maxSkewMillis;
  }

  /** The signature (base64url) of a message; {@code headers} are the signed headers, names in lower case. */
  public String sign(String address, long timestampMillis, SortedMap<String, List<String>> headers, String bodyDigest) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(canonical(address, timestampMillis, headers,
      bodyDigest)));
  }

  public Verdict verify(String address, String timestamp, SortedMap<String, List<String>> headers, String bodyDigest,
      String signature, long nowMillis) {
    if (signature == null || signature.isEmpty()) {
      return Verdict.refused("the message is not signed");
    }
    long ts;
    try {
      ts = Long.parseLong(timestamp);
    } catch (NumberFormatException e) {
      return Verdict.refused("the signature has no valid timestamp");
    }
    if (Math.abs(nowMillis - ts) > maxSkewMillis) {
      return Verdict.refused("the signature is " + Math.abs(nowMillis - ts) + " ms away from this node's clock "
        + "(at most " + maxSkewMillis + " ms allowed)");
    }
    byte[] given;
    try {
      given = Base64.getUrlDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      return Verdict.refused("the signature is not base64url");
    }
    byte[] expected = mac(canonical(address, ts, headers, bodyDigest));
    return MessageDigest.isEqual(expected, given) ? Verdict.OK
      : Verdict.refused("the signature does not match the message");
  }

  /** SHA-256 (hex) of the canonical JSON of a body made of plain Java values (maps, lists, scalars). */
  public static String bodyDigest(Object plainBody) {
    return sha256Hex(CanonicalJson.write(exactNumbers(plainBody)));
  }

  static String canonical(String address, long timestampMillis, SortedMap<String, List<String>> headers,
      String bodyDigest) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("v", VERSION);
    m.put("address", address);
    m.put("ts", timestampMillis);
    m.put("headers", headers);
    m.put("body", bodyDigest);
    return CanonicalJson.write(m);
  }

  /** Doubles as their exact binary value, so the digest does not depend on how a JVM prints them. */
  private static Object exactNumbers(Object v) {
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      return Double.isFinite(d) ? new BigDecimal(d) : "~" + d;
    }
    if (v instanceof Map) {
      Map<String, Object> out = new LinkedHashMap<>();
      ((Map<?, ?>) v).forEach((k, val) -> out.put(String.valueOf(k), exactNumbers(val)));
      return out;
    }
    if (v instanceof List) {
      List<Object> out = new ArrayList<>();
      ((List<?>) v).forEach(o -> out.add(exactNumbers(o)));
      return out;
    }
    return v;
  }

  private byte[] mac(String canonical) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      return mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sha256Hex(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
