package io.hitl.gateway.core.guard;

import java.util.Locale;

/** Where a Guardian state change came from. */
public enum GuardianSource {
  /** The state the database was created with. */
  INITIAL,
  /** An admin through the API. */
  MANUAL,
  /** The Guardian status endpoint (HITL_GUARDIAN_URL). */
  HTTP,
  /** A JVM service on the `guardian.status` address. */
  BUS,
  /** The status endpoint was unreachable for longer than the grace period. */
  FAIL_CLOSED;

  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static GuardianSource parse(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }

  /** Automatic sources may lift locks set automatically, never a lock an admin set by hand. */
  public boolean automatic() {
    return this == HTTP || this == BUS || this == FAIL_CLOSED;
  }
}
