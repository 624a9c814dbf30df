package io.hitl.gateway.core.guard;

import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.RequestValidator;
import io.hitl.gateway.core.Times;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/** Validation of new lockouts: a ticker, a reason, and either a duration or an end time. */
public final class Lockouts {
  public static final int MAX_REASON = 500;
  public static final Duration MAX_DURATION = Duration.ofDays(366);
  private static final Set<String> FIELDS = Set.of("ticker", "reason", "duration_seconds", "until", "source");

  private Lockouts() {
  }

  /**
   * A new lockout from a body {ticker, reason, duration_seconds | until, source}; {@code source}
   * defaults to {@code defaultSource} and must be one of {@code allowed}.
   */
  public static Lockout parse(Map<String, Object> body, LockoutSource defaultSource, Set<LockoutSource> allowed,
      String by, Instant now) {
    Map<String, String> errors = new LinkedHashMap<>();
    Set<String> unknown = new TreeSet<>(body.keySet());
    unknown.removeAll(FIELDS);
    unknown.forEach(f -> errors.put(f, "unknown field"));
    String ticker = null;
    Object t = body.get("ticker");
    String upper = t instanceof String ? ((String) t).trim().toUpperCase(Locale.ROOT) : null;
    if (upper != null && RequestValidator.TICKER.matcher(upper).matches()) {
      ticker = upper;
    } else {
      errors.put("ticker", "must be 1-32 letters, digits or . _ : / -");
    }
    String reason = null;
    try {
      reason = RequestValidator.optionalText(body.get("reason"), "reason", MAX_REASON);
      if (reason == null) {
        errors.put("reason", "is required");
      }
    } catch (GatewayException e) {
      errors.put("reason", "must be a string of at most " + MAX_REASON + " characters without control characters");
    }
    LockoutSource source = defaultSource;
    if (body.get("source") != null) {
      source = body.get("source") instanceof String ? LockoutSource.parse((String) body.get("source")) : null;
    }
    if (source == null || !allowed.contains(source)) {
      errors.put("source", "must be one of " + String.join(", ", allowed.stream().map(LockoutSource::json).sorted()
        .toList()));
    }
    Instant until = until(body, now, errors);
    if (!errors.isEmpty()) {
      throw GatewayException.invalid(errors);
    }
    return new Lockout(UUID.randomUUID(), ticker, reason, source, by, Times.micros(now), until, null, null, null);
  }

  private static Instant until(Map<String, Object> body, Instant now, Map<String, String> errors) {
    Object d = body.get("duration_seconds");
    Object u = body.get("until");
    if ((d == null) == (u == null)) {
      errors.put("duration_seconds", "give exactly one of duration_seconds or until");
      return null;
    }
    Instant until;
    if (d != null) {
      if (!(d instanceof Integer || d instanceof Long) || ((Number) d).longValue() < 1
          || ((Number) d).longValue() > MAX_DURATION.toSeconds()) {
        errors.put("duration_seconds", "must be a whole number between 1 and " + MAX_DURATION.toSeconds());
        return null;
      }
      until = now.plusSeconds(((Number) d).longValue());
    } else {
      try {
        until = u instanceof String ? Instant.parse((String) u) : null;
      } catch (DateTimeParseException e) {
        until = null;
      }
      if (until == null) {
        errors.put("until", "must be an ISO-8601 time such as 2030-01-01T00:00:00Z");
        return null;
      }
      if (!until.isAfter(now) || until.isAfter(now.plus(MAX_DURATION))) {
        errors.put("until", "must be in the future and at most " + MAX_DURATION.toDays() + " days ahead");
        return null;
      }
    }
    return Times.micros(until);
  }
}
