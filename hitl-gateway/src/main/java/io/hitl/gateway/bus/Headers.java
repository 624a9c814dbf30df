package io.hitl.gateway.bus;

/** Event-bus message headers that carry who is acting and why. */
public final class Headers {
  public static final String ACTOR = "hitl-actor";
  public static final String ROLES = "hitl-roles";
  /** The identity provider that named the actor (absent: the gateway's own tokens). */
  public static final String ISSUER = "hitl-issuer";
  /** The label of the console session the actor acts in. */
  public static final String SESSION = "hitl-session";
  public static final String CORRELATION_ID = "hitl-correlation-id";
  public static final String IDEMPOTENCY_KEY = "hitl-idempotency-key";
  public static final String CHANNEL = "hitl-channel";
  /** Every header of the gateway's own starts with this; all of them are covered by the signature. */
  public static final String PREFIX = "hitl-";
  public static final String AUTH_TIMESTAMP = "hitl-auth-ts";
  public static final String AUTH_SIGNATURE = "hitl-auth-sig";
  /** A JWT presented by an event-bus client that does not hold the cluster secret. */
  public static final String TOKEN = "hitl-token";

  private Headers() {
  }
}
