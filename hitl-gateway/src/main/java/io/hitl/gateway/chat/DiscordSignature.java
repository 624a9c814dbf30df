package io.hitl.gateway.chat;

import io.hitl.gateway.core.SignatureCheck;
import io.hitl.gateway.core.Skew;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Discord interaction signing: Ed25519 over `X-Signature-Timestamp` + raw body, signature hex in
 * `X-Signature-Ed25519`, verified against the application's public key (DISCORD_PUBLIC_KEY, 32 raw bytes as hex).
 */
public final class DiscordSignature {
  public static final long MAX_SKEW_SECONDS = 300;
  /** DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519; the raw 32-byte key follows it. */
  private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private DiscordSignature() {
  }

  /** The JDK key for a 64-hex-character raw Ed25519 public key; IllegalArgumentException when it is not one. */
  public static PublicKey publicKey(String hex) {
    try {
      byte[] raw = HexFormat.of().parseHex(hex);
      if (raw.length != 32) {
        throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
      }
      byte[] der = new byte[SPKI_PREFIX.length + raw.length];
      System.arraycopy(SPKI_PREFIX, 0, der, 0, SPKI_PREFIX.length);
      System.arraycopy(raw, 0, der, SPKI_PREFIX.length, raw.length);
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage());
    }
  }

  /** The raw 32 bytes of a JDK Ed25519 public key, as hex (what DISCORD_PUBLIC_KEY holds). */
  public static String rawHex(PublicKey key) {
    byte[] der = key.getEncoded();
    return HexFormat.of().formatHex(der, der.length - 32, der.length);
  }

  public static SignatureCheck verify(PublicKey key, String timestamp, String signatureHex, byte[] body, Instant now) {
    if (key == null || timestamp == null || signatureHex == null || body == null || timestamp.length() > 20
        || signatureHex.length() != 128) {
      return SignatureCheck.BAD_SIGNATURE;
    }
    try {
      byte[] sig = HexFormat.of().parseHex(signatureHex);
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(key);
      verifier.update(timestamp.getBytes(StandardCharsets.UTF_8));
      verifier.update(body);
      if (!verifier.verify(sig)) {
        return SignatureCheck.BAD_SIGNATURE;
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return SignatureCheck.BAD_SIGNATURE;
    }
    return Skew.within(timestamp, now, MAX_SKEW_SECONDS) ? SignatureCheck.VALID : SignatureCheck.STALE;
  }
}
