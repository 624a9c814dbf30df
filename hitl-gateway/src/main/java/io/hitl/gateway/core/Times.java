package io.hitl.gateway.core;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Instants as PostgreSQL keeps them (microseconds) and as the API writes them (ISO-8601 UTC). */
public final class Times {
  private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
    .withZone(ZoneOffset.UTC);

  private Times() {
  }

  public static Instant micros(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.MICROS);
  }

  public static String format(Instant t) {
    return t == null ? null : ISO.format(micros(t));
  }
}
