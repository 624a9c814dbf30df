package io.hitl.gateway.outbox;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * When a failed delivery is tried again: exponential backoff from a base delay, capped, with jitter
 * so that jobs failing together do not retry together; a server's Retry-After wins over the backoff.
 * After {@code maxAttempts} attempts a job is dead (kept, visible, retriable by an admin).
 */
public final class RetryPolicy {
  /** Retry-After values beyond this are treated as this, so a bad header cannot park a job for days. */
  public static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

  private final int maxAttempts;
  private final Duration base;
  private final Duration max;

  public RetryPolicy(int maxAttempts, Duration base, Duration max) {
    if (maxAttempts < 1 || base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
      throw new IllegalArgumentException("need maxAttempts >= 1 and 0 < base <= max");
    }
    this.maxAttempts = maxAttempts;
    this.base = base;
    this.max = max;
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  /** True when a job that has made {@code attempts} attempts may not be tried again automatically. */
  public boolean exhausted(int attempts) {
    return attempts >= maxAttempts;
  }

  /**
   * The wait after attempt number {@code attempts} (1 = the first) failed: the capped exponential
   * step {@code base * 2^(attempts-1)}, of which a random half is kept ("equal jitter").
   */
  public Duration backoff(int attempts, double random) {
    long step = max.toMillis();
    int shift = Math.max(0, attempts - 1);
    if (shift < 62 && base.toMillis() <= (Long.MAX_VALUE >> shift)) {
      step = Math.min(step, base.toMillis() << shift);
    }
    double r = Math.min(1.0, Math.max(0.0, random));
    return Duration.ofMillis(step / 2 + Math.round(r * (step - step / 2)));
  }

  /** The wait before the next attempt: Retry-After (plus up to 10 % jitter, never less) when given, else backoff. */
  public Duration delay(int attempts, Duration retryAfter, double random) {
    if (retryAfter == null) {
      return backoff(attempts, random);
    }
    Duration d = retryAfter.isNegative() ? Duration.ZERO : retryAfter.compareTo(MAX_RETRY_AFTER) > 0
      ? MAX_RETRY_AFTER : retryAfter;
    double r = Math.min(1.0, Math.max(0.0, random));
    return d.plusMillis(Math.round(r * d.toMillis() * 0.1));
  }

  /** A Retry-After header: delta seconds (Discord sends decimals) or an HTTP date; null when absent or unreadable. */
  public static Duration parseRetryAfter(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String h = header.trim();
    try {
      double seconds = Double.parseDouble(h);
      if (Double.isNaN(seconds) || seconds < 0 || seconds > 1e9) {
        return null;
      }
      return Duration.ofMillis(Math.round(seconds * 1000));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(now, at);
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException notADate) {
        return null;
      }
    }
  }
}
