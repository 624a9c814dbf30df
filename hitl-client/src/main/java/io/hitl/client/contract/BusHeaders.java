package io.hitl.client.contract;

/** Event-bus message headers that carry who is acting and why. */
public final class BusHeaders {
  public static final String ACTOR = "hitl-actor";
  public static final String ROLES = "hitl-roles";
  public static final String CORRELATION_ID = "hitl-correlation-id";
  public static final String IDEMPOTENCY_KEY = "hitl-idempotency-key";
  public static final String CHANNEL = "hitl-channel";
  /** Every header of the gateway's own starts with this; all of them are covered by the signature. */
  public static final String PREFIX = "hitl-";
  public static final String AUTH_TIMESTAMP = "hitl-auth-ts";
  public static final String AUTH_SIGNATURE = "hitl-auth-sig";
  /** A JWT presented by an event-bus client that does not hold the cluster secret. */
  public static final String TOKEN = "hitl-token";

  private BusHeaders() {
  }
}
