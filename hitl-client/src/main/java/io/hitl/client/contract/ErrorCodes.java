package io.hitl.client.contract;

/** The SEC codes of the product as the API and the bus carry them (docs/api.md#errors). */
public final class ErrorCodes {
  public static final String SEC_001 = "SEC-001";
  public static final String SEC_002 = "SEC-002";
  public static final String SEC_003 = "SEC-003";
  public static final String SEC_004 = "SEC-004";
  public static final String SEC_010 = "SEC-010";
  public static final String SEC_011 = "SEC-011";
  public static final String SEC_012 = "SEC-012";
  public static final String SEC_013 = "SEC-013";
  public static final String SEC_014 = "SEC-014";
  public static final String SEC_015 = "SEC-015";
  public static final String SEC_016 = "SEC-016";
  public static final String SEC_020 = "SEC-020";
  public static final String SEC_021 = "SEC-021";
  public static final String SEC_030 = "SEC-030";
  public static final String SEC_040 = "SEC-040";
  public static final String SEC_050 = "SEC-050";
  public static final String SEC_051 = "SEC-051";
  /** The order breaches a pre-trade limit and nobody may override it, or an approval's edits breach one. */
  public static final String SEC_052 = "SEC-052";
  /** A limit raise the request, the policy or the breaches do not allow. */
  public static final String SEC_053 = "SEC-053";
  public static final String SEC_060 = "SEC-060";
  public static final String SEC_070 = "SEC-070";
  public static final String SEC_071 = "SEC-071";
  /** A scoped kill switch is engaged on a venue, strategy, account, desk or symbol the trade carries. */
  public static final String SEC_072 = "SEC-072";
  /**
   * The engine session a request names has ended: lapsed (its pending requests were cancelled, ENGINE_DISCONNECTED)
   * or closed by its engine (cancelled with ENGINE_SESSION_CLOSED only if it asked).
   */
  public static final String SEC_073 = "SEC-073";
  public static final String SEC_080 = "SEC-080";
  public static final String SEC_090 = "SEC-090";
  public static final String SEC_091 = "SEC-091";
  /** Outcome unknown: the change may have committed; retry with the same idempotency key. */
  public static final String SEC_098 = "SEC-098";
  /** A dependency is unavailable; nothing was committed; retry after Retry-After. */
  public static final String SEC_099 = "SEC-099";
  public static final String INTERNAL = "SEC-500";

  private ErrorCodes() {
  }

  /** The numeric part, which the bus carries as the failure code of a refusal. */
  public static int number(String code) {
    return Integer.parseInt(code.substring(4));
  }
}
