package io.hitl.gateway.core;

/** The SEC error codes of the product, each with the HTTP status it maps to at the edge. */
public enum ErrorCode {
  SEC_001("SEC-001", 401, "Unauthorized"),
  SEC_002("SEC-002", 403, "Forbidden"),
  SEC_003("SEC-003", 403, "CSRF token missing or wrong"),
  SEC_004("SEC-004", 401, "Sign-in failed"),
  SEC_010("SEC-010", 400, "Invalid input"),
  SEC_011("SEC-011", 404, "Not found"),
  SEC_012("SEC-012", 409, "Already decided"),
  SEC_013("SEC-013", 409, "Expired"),
  SEC_014("SEC-014", 422, "Idempotency key reused with a different request"),
  SEC_015("SEC-015", 409, "The same request is still in progress"),
  SEC_016("SEC-016", 409, "Identifier already used"),
  SEC_020("SEC-020", 423, "Guardian locked"),
  SEC_021("SEC-021", 423, "Symbol locked out"),
  SEC_030("SEC-030", 409, "Invalid lifecycle transition"),
  SEC_040("SEC-040", 500, "Invalid configuration"),
  SEC_050("SEC-050", 409, "Slippage exceeded"),
  SEC_051("SEC-051", 409, "No fresh quote"),
  SEC_060("SEC-060", 429, "Rate limited"),
  SEC_070("SEC-070", 401, "Bad chat signature"),
  SEC_071("SEC-071", 401, "Replayed or stale request"),
  SEC_080("SEC-080", 409, "Integrity hash mismatch"),
  SEC_090("SEC-090", 403, "Operator not allowed"),
  SEC_091("SEC-091", 403, "Self-approval not allowed"),
  SEC_098("SEC-098", 504, "Outcome unknown"),
  SEC_099("SEC-099", 503, "Dependency unavailable"),
  INTERNAL("SEC-500", 500, "Internal error");

  private final String code;
  private final int httpStatus;
  private final String title;

  ErrorCode(String code, int httpStatus, String title) {
    this.code = code;
    this.httpStatus = httpStatus;
    this.title = title;
  }

  public String code() {
    return code;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public String title() {
    return title;
  }

  /** Numeric part of the code, used as the event-bus failure code. */
  public int number() {
    return Integer.parseInt(code.substring(4));
  }

  public static ErrorCode fromCode(String code) {
    for (ErrorCode c : values()) {
      if (c.code.equals(code)) {
        return c;
      }
    }
    return INTERNAL;
  }
}
