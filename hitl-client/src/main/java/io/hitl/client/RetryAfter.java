package io.hitl.client;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The {@code Retry-After} header: delta seconds (decimals allowed) or an HTTP date (RFC 9110 §10.2.3). */
final class RetryAfter {
  private RetryAfter() {
  }

  /** The wait it asks for, never negative; null when absent or unreadable. */
  static Duration parse(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String v = header.trim();
    if (v.matches("[0-9]{1,9}(\\.[0-9]{1,9})?")) {
      return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
