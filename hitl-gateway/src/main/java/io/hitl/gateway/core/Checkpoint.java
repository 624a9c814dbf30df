package io.hitl.gateway.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
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

  /** An Ed25519 private key from PEM text (-----BEGIN PRIVATE KEY-----, PKCS#8) or bare base64 PKCS#8. */
  public static PrivateKey privateKey(String text) {
    try {
      String body = text.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").strip();
      byte[] der = Base64.getMimeDecoder().decode(body);
      return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("is not an unencrypted Ed25519 private key (PEM or base64 PKCS#8)", e);
    }
  }

  /** The public half of an Ed25519 private key (its PKCS#8 form carries it only optionally, so it is derived). */
  public static PublicKey publicKeyOf(PrivateKey key) {
    try {
      byte[] der = key.getEncoded();
      // the JDK has no call that derives it, so the pair is regenerated from the 32-byte seed the key ends with
      byte[] seed = Arrays.copyOfRange(der, der.length - 32, der.length);
      KeyPairGenerator g = KeyPairGenerator.getInstance(ALGORITHM);
      g.initialize(255, new FixedRandom(seed));
      KeyPair pair = g.generateKeyPair();
      if (!Arrays.equals(pair.getPrivate().getEncoded(), der)) {
        throw new IllegalArgumentException("the private key is not in the PKCS#8 v1 form this gateway writes");
      }
      return pair.getPublic();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Hands out exactly the seed it was given, so key generation reproduces a known key pair. */
  private static final class FixedRandom extends SecureRandom {
    private final byte[] seed;

    FixedRandom(byte[] seed) {
      this.seed = seed.clone();
    }

    @Override
    public void nextBytes(byte[] bytes) {
      System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
    }
  }

  /** PEM text of {@code der} under {@code type} (PRIVATE KEY, PUBLIC KEY). */
  public static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
      .encodeToString(der) + "\n-----END " + type + "-----\n";
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
