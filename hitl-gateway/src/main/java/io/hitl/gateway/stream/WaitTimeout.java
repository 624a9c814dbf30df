package io.hitl.gateway.stream;

import io.hitl.gateway.core.GatewayException;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The `timeout` of a long-poll wait: `30s`, `500ms`, `2m` or plain seconds, at most the configured maximum. */
public final class WaitTimeout {
  public static final Duration DEFAULT = Duration.ofSeconds(30);
  private static final Pattern FORMAT = Pattern.compile("(\\d{1,7})(ms|s|m)?");

  private WaitTimeout() {
  }

  public static Duration parse(String value, Duration max) {
    if (value == null || value.isBlank()) {
      return DEFAULT.compareTo(max) > 0 ? max : DEFAULT;
    }
    Matcher m = FORMAT.matcher(value.trim());
    if (!m.matches()) {
      throw invalid(max);
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    Duration d = unit.equals("ms") ? Duration.ofMillis(n) : unit.equals("m") ? Duration.ofMinutes(n)
      : Duration.ofSeconds(n);
    if (d.compareTo(max) > 0) {
      throw invalid(max);
    }
    return d;
  }

  private static GatewayException invalid(Duration max) {
    return GatewayException.invalid(Map.of("timeout", "must be a duration such as 30s, 500ms or 2m, at most "
      + max.toSeconds() + "s"));
  }
}
