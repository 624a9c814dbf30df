package io.hitl.gateway.outbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * One-time links that open a request in the console: `HITL_PUBLIC_URL/approve/{token}`. The token is 256
 * random bits; only its SHA-256 is stored, so the table alone opens nothing.
 */
public final class DeepLinks {
  public static final String PATH = "/approve/";
  private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private DeepLinks() {
  }

  public static String newToken() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  public static boolean wellFormed(String token) {
    return token != null && WELL_FORMED.matcher(token).matches();
  }

  public static String hash(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String url(String publicUrl, String token) {
    return publicUrl + PATH + token;
  }

  /** Where a redeemed link sends the browser: the console's detail screen of the request. */
  public static String consoleLocation(String requestId) {
    return "/console/#/approvals/" + requestId;
  }
}
