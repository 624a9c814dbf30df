package io.hitl.gateway.core;

import io.hitl.client.contract.ErrorCodes;

/** The SEC error codes of the product, each with the HTTP status it maps to at the edge. */
public enum ErrorCode {
  SEC_001(ErrorCodes.SEC_001, 401, "Unauthorized"),
  SEC_002(ErrorCodes.SEC_002, 403, "Forbidden"),
  SEC_003(ErrorCodes.SEC_003, 403, "CSRF token missing or wrong"),
  SEC_004(ErrorCodes.SEC_004, 401, "Sign-in failed"),
  SEC_010(ErrorCodes.SEC_010, 400, "Invalid input"),
  SEC_011(ErrorCodes.SEC_011, 404, "Not found"),
  SEC_012(ErrorCodes.SEC_012, 409, "Already decided"),
  SEC_013(ErrorCodes.SEC_013, 409, "Expired"),
  SEC_014(ErrorCodes.SEC_014, 422, "Idempotency key reused with a different request"),
  SEC_015(ErrorCodes.SEC_015, 409, "The same request is still in progress"),
  SEC_016(ErrorCodes.SEC_016, 409, "Identifier already used"),
  SEC_020(ErrorCodes.SEC_020, 423, "Guardian locked"),
  SEC_021(ErrorCodes.SEC_021, 423, "Symbol locked out"),
  SEC_030(ErrorCodes.SEC_030, 409, "Invalid lifecycle transition"),
  SEC_040(ErrorCodes.SEC_040, 500, "Invalid configuration"),
  SEC_050(ErrorCodes.SEC_050, 409, "Slippage exceeded"),
  SEC_051(ErrorCodes.SEC_051, 409, "No fresh quote"),
  SEC_052(ErrorCodes.SEC_052, 409, "Pre-trade limit breached"),
  SEC_053(ErrorCodes.SEC_053, 409, "Limit raise not allowed"),
  SEC_060(ErrorCodes.SEC_060, 429, "Rate limited"),
  SEC_070(ErrorCodes.SEC_070, 401, "Bad chat signature"),
  SEC_071(ErrorCodes.SEC_071, 401, "Replayed or stale request"),
  SEC_072(ErrorCodes.SEC_072, 409, "Scoped kill switch engaged"),
  SEC_073(ErrorCodes.SEC_073, 409, "Engine session ended"),
  SEC_080(ErrorCodes.SEC_080, 409, "Integrity hash mismatch"),
  SEC_090(ErrorCodes.SEC_090, 403, "Operator not allowed"),
  SEC_091(ErrorCodes.SEC_091, 403, "Self-approval not allowed"),
  SEC_098(ErrorCodes.SEC_098, 504, "Outcome unknown"),
  SEC_099(ErrorCodes.SEC_099, 503, "Dependency unavailable"),
  INTERNAL(ErrorCodes.INTERNAL, 500, "Internal error");

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
    return ErrorCodes.number(code);
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
