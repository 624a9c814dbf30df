package io.hitl.gateway.core;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Unix-seconds timestamps of signed requests, how far from now they may be, and the HMAC they are signed with. */
public final class Skew {
  private Skew() {
  }

  /** The timestamp as unix seconds, or null when it is not a plain decimal number. */
  public static Long seconds(String timestamp) {
    if (timestamp == null || timestamp.isEmpty() || timestamp.length() > 15 || !timestamp.chars().allMatch(Character::isDigit)) {
      return null;
    }
    return Long.parseLong(timestamp);
  }

  public static boolean within(String timestamp, Instant now, long maxSkewSeconds) {
    Long t = seconds(timestamp);
    return t != null && Math.abs(now.getEpochSecond() - t) <= maxSkewSeconds;
  }

  /** HMAC-SHA256 keyed with the secret's UTF-8 bytes (Slack, webhook and engine callback signatures). */
  public static Mac hmac(String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
