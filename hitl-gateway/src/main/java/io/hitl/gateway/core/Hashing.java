package io.hitl.gateway.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers for row hashes and the journal's hash chain. */
public final class Hashing {
  public static final String GENESIS = "0".repeat(64);

  private Hashing() {
  }

  public static String sha256Hex(String s) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String rowHash(Approval a) {
    return sha256Hex(CanonicalJson.write(a.canonicalFields()));
  }

  public static String contentHash(JournalEntry e) {
    return sha256Hex(CanonicalJson.write(e.canonicalFields()));
  }

  /** Link of the chain; PostgreSQL computes the same expression when it appends (see JournalStore). */
  public static String chainHash(String prevHash, long seq, String contentHash) {
    return sha256Hex(prevHash + "|" + seq + "|" + contentHash);
  }

  /** Constant-time comparison of two hex digests. */
  public static boolean same(String a, String b) {
    if (a == null || b == null) {
      return false;
    }
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
