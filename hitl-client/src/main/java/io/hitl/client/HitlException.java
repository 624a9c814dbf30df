package io.hitl.client;

import io.hitl.client.contract.ErrorCodes;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A refusal by the gateway, or a call that could not reach it: {@code code} is the SEC code (docs/api.md), and
 * {@code extensions} the extra members of the problem document ({@code outcome} for SEC-012, {@code errors} for
 * SEC-010...). {@code httpStatus} is 0 for refusals that came over the event bus.
 */
public class HitlException extends RuntimeException {
  private final String code;
  private final String detail;
  private final int httpStatus;
  private final Map<String, Object> extensions;
  private final Duration retryAfter;

  public HitlException(String code, int httpStatus, String detail, Map<String, Object> extensions,
      Duration retryAfter) {
    super(code + ": " + detail, null, false, false);
    this.code = code;
    this.httpStatus = httpStatus;
    this.extensions = Collections.unmodifiableMap(withoutNulls(extensions));
    this.retryAfter = retryAfter;
    this.detail = detail;
  }

  public String code() {
    return code;
  }

  public boolean is(String sec) {
    return code.equals(sec);
  }

  public String detail() {
    return detail;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public Map<String, Object> extensions() {
    return extensions;
  }

  /** The server's {@code Retry-After}, when it sent one. */
  public Duration retryAfter() {
    return retryAfter;
  }

  /** SEC-098: the change may have been made; only a retry with the same idempotency key is safe. */
  public boolean outcomeUnknown() {
    return is(ErrorCodes.SEC_098);
  }

  private static Map<String, Object> withoutNulls(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (m != null) {
      m.forEach((k, v) -> {
        if (k != null && v != null) {
          out.put(k, v);
        }
      });
    }
    return out;
  }
}
