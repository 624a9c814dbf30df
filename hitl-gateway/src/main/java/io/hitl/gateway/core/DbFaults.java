package io.hitl.gateway.core;

import java.util.Set;

/**
 * What a PostgreSQL error code says about a failed database call: the database cannot serve now (retry
 * later, nothing was committed), a value it cannot store (the caller's input), or anything else.
 */
public final class DbFaults {
  /** How a failure is answered. */
  public enum Kind {
    /** The database cannot serve now: 503 SEC-099 with Retry-After. */
    UNAVAILABLE,
    /** A value the database cannot store or compare: 400 SEC-010. */
    INVALID_VALUE,
    /** A fault of the gateway itself: 500, logged. */
    OTHER
  }

  /** Classes whose every code means "not now": connection (08), resources (53), operator intervention (57), system (58). */
  private static final Set<String> UNAVAILABLE_CLASSES = Set.of("08", "53", "57", "58");
  /**
   * Single codes that mean "not now": object not in prerequisite state (database not accepting connections),
   * lock not available (lock_timeout), serialization failure, deadlock, idle in transaction session timeout,
   * read-only transaction (a standby after fail-over), cannot connect now.
   */
  private static final Set<String> UNAVAILABLE_CODES = Set.of("55000", "55006", "55P03", "40001", "40P01", "25P03",
    "25006", "57P03");

  private DbFaults() {
  }

  public static Kind classify(String sqlState) {
    if (sqlState == null || sqlState.length() != 5) {
      return Kind.OTHER;
    }
    if (UNAVAILABLE_CODES.contains(sqlState) || UNAVAILABLE_CLASSES.contains(sqlState.substring(0, 2))) {
      return Kind.UNAVAILABLE;
    }
    // data exceptions (22): invalid byte sequences, out-of-range numbers, malformed text for a type
    if (sqlState.startsWith("22")) {
      return Kind.INVALID_VALUE;
    }
    return Kind.OTHER;
  }
}
