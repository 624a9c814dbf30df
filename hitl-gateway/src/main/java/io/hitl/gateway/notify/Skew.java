package io.hitl.gateway.notify;

import java.time.Instant;

/** Unix-seconds timestamps of signed requests and how far from now they may be. */
final class Skew {
  private Skew() {
  }

  /** The timestamp as unix seconds, or null when it is not a plain decimal number. */
  static Long seconds(String timestamp) {
    if (timestamp == null || timestamp.isEmpty() || timestamp.length() > 15 || !timestamp.chars().allMatch(Character::isDigit)) {
      return null;
    }
    return Long.parseLong(timestamp);
  }

  static boolean within(String timestamp, Instant now, long maxSkewSeconds) {
    Long t = seconds(timestamp);
    return t != null && Math.abs(now.getEpochSecond() - t) <= maxSkewSeconds;
  }
}
