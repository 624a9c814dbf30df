package io.hitl.gateway.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A signed statement that the journal's chain head was {@code hash} at {@code seq} at time {@code at}.
 * Kept outside PostgreSQL, it anchors the chain: a journal rewritten and re-chained after it was signed
 * no longer has {@code hash} at {@code seq}. The signature is Ed25519 over {@link #signedText()}.
 */
public record Checkpoint(long seq, String hash, Instant at, String keyId, String signature) {
  public static final String ALGORITHM = "Ed25519";
  private static final String VERSION = "hitl-checkpoint-v1";

  /** Signs the head with {@code key}, whose public half has id {@code keyId}. */
  public static Checkpoint sign(long seq, String hash, Instant at, String keyId, PrivateKey key) {
    Instant t = Times.micros(at);
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initSign(key);
      s.update(text(seq, hash, t, keyId).getBytes(StandardCharsets.UTF_8));
      return new Checkpoint(seq, hash, t, keyId, Base64.getEncoder().encodeToString(s.sign()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not sign a checkpoint: " + e.getMessage(), e);
    }
  }

  /** What the signature covers: a version tag and every field but the signature, in one fixed order. */
  public String signedText() {
    return text(seq, hash, at, keyId);
  }

  private static String text(long seq, String hash, Instant at, String keyId) {
    return VERSION + "|" + seq + "|" + hash + "|" + Times.format(at) + "|" + keyId;
  }

  /** True when the signature is {@code key}'s over this checkpoint; false for any malformed signature. */
  public boolean signedBy(PublicKey key) {
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initVerify(key);
      s.update(signedText().getBytes(StandardCharsets.UTF_8));
      return s.verify(Base64.getDecoder().decode(signature));
    } catch (GeneralSecurityException | IllegalArgumentException | NullPointerException e) {
      return false;
    }
  }

  /** The file form: one JSON object, fields in a fixed order. */
  public Map<String, Object> fields() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seq", seq);
    m.put("hash", hash);
    m.put("time", Times.format(at));
    m.put("key_id", keyId);
    m.put("signature", signature);
    return m;
  }

  /** The id a public key is known by: "ed25519:" and the first 16 hex digits of the SHA-256 of its X.509 form. */
  public static String keyId(PublicKey key) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
      return "ed25519:" + HexFormat.of().formatHex(d).substring(0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An Ed25519 public key from its base64 X.509 (SubjectPublicKeyInfo) form, the body of a PEM PUBLIC KEY. */
  public static PublicKey publicKey(String base64) {
    try {
      byte[] der = Base64.getMimeDecoder().decode(base64.strip());
      return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("is not a base64 Ed25519 public key (X.509): " + e.getMessage(), e);
    }
  }
}
