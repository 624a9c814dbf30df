package io.hitl.gateway.core;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The rules a token's registered claims must meet before its signature is even considered: every claim of
 * the type RFC 7519 gives it, an expiry, a lifetime within the configured maximum, and not used before its
 * time. Pure, so that the rules are the same for the API, the stream tokens and the event bus.
 */
public final class TokenClaims {
  /** How far in the future an issuer's clock may put {@code iat} and {@code nbf}. */
  public static final long CLOCK_SKEW_SECONDS = 30;

  private TokenClaims() {
  }

  /**
   * Null when the claims are acceptable at {@code now}, else why not (a detail safe to log: no claim value).
   * {@code header} and {@code claims} are the decoded JSON objects of the token's first two segments.
   */
  public static String problem(Map<String, Object> header, Map<String, Object> claims, Instant now,
      long maxLifetimeSeconds) {
    if (!(header.get("alg") instanceof String)) {
      return "the header has no algorithm";
    }
    if (header.containsKey("kid") && !(header.get("kid") instanceof String)) {
      return "the key id is not a string";
    }
    for (String name : List.of("exp", "nbf", "iat")) {
      Object v = claims.get(name);
      if (claims.containsKey(name) && !seconds(v)) {
        return "the " + name + " claim is not a number of seconds";
      }
    }
    for (String name : List.of("sub", "iss", "jti")) {
      if (claims.containsKey(name) && !(claims.get(name) instanceof String)) {
        return "the " + name + " claim is not a string";
      }
    }
    if (claims.containsKey("roles") && !strings(claims.get("roles"))) {
      return "the roles claim is not a list of strings";
    }
    Object aud = claims.get("aud");
    if (claims.containsKey("aud") && !(aud instanceof String) && !strings(aud)) {
      return "the aud claim is not a string or a list of strings";
    }
    if (!claims.containsKey("exp")) {
      return "the token has no expiry (exp)";
    }
    long t = now.getEpochSecond();
    long exp = ((Number) claims.get("exp")).longValue();
    if (exp <= t) {
      return "the token has expired";
    }
    if (claims.containsKey("nbf") && ((Number) claims.get("nbf")).longValue() > t + CLOCK_SKEW_SECONDS) {
      return "the token is not valid yet (nbf)";
    }
    Long iat = claims.containsKey("iat") ? ((Number) claims.get("iat")).longValue() : null;
    if (iat != null && iat > t + CLOCK_SKEW_SECONDS) {
      return "the token was issued in the future (iat)";
    }
    long start = iat != null ? iat : t;
    if (exp - start > maxLifetimeSeconds) {
      return "the token lives longer than the " + maxLifetimeSeconds + " s allowed";
    }
    return null;
  }

  /**
   * Null when a provider token's {@code aud} names one of {@code accepted}, else why not: a provider issues tokens
   * for many clients, and only those meant for the gateway are accepted.
   */
  public static String audienceProblem(Map<String, Object> claims, List<String> accepted) {
    Object aud = claims.get("aud");
    if (aud instanceof String) {
      return accepted.contains(aud) ? null : "the token is meant for another audience";
    }
    if (aud instanceof List) {
      for (Object a : (List<?>) aud) {
        if (a instanceof String && accepted.contains(a)) {
          return null;
        }
      }
      return "the token is meant for another audience";
    }
    return "the token names no audience";
  }

  /** A JSON number of seconds since the epoch, finite and within the range of a long (RFC 7519 NumericDate). */
  private static boolean seconds(Object v) {
    if (!(v instanceof Number)) {
      return false;
    }
    double d = ((Number) v).doubleValue();
    return Double.isFinite(d) && Math.abs(d) < 9.0E15;
  }

  private static boolean strings(Object v) {
    if (!(v instanceof List)) {
      return false;
    }
    for (Object o : (List<?>) v) {
      if (!(o instanceof String)) {
        return false;
      }
    }
    return true;
  }
}
