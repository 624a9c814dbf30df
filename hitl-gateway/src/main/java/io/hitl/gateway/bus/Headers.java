package io.hitl.gateway.bus;

import io.hitl.client.contract.BusHeaders;

/** Event-bus message headers that carry who is acting and why; the values are the client library's contract. */
public final class Headers {
  public static final String ACTOR = BusHeaders.ACTOR;
  public static final String ROLES = BusHeaders.ROLES;
  /** The identity provider that named the actor (absent: the gateway's own tokens). */
  public static final String ISSUER = "hitl-issuer";
  /** The label of the console session the actor acts in. */
  public static final String SESSION = "hitl-session";
  public static final String CORRELATION_ID = BusHeaders.CORRELATION_ID;
  public static final String IDEMPOTENCY_KEY = BusHeaders.IDEMPOTENCY_KEY;
  public static final String CHANNEL = BusHeaders.CHANNEL;
  /** The chat user ("slack:U0123ABCD") behind a change confirmed in chat; set by the node's chat verticle only. */
  public static final String CHAT_USER = "hitl-chat-user";
  /** Every header of the gateway's own starts with this; all of them are covered by the signature. */
  public static final String PREFIX = BusHeaders.PREFIX;
  public static final String AUTH_TIMESTAMP = BusHeaders.AUTH_TIMESTAMP;
  public static final String AUTH_SIGNATURE = BusHeaders.AUTH_SIGNATURE;
  /** A JWT presented by an event-bus client that does not hold the cluster secret. */
  public static final String TOKEN = BusHeaders.TOKEN;

  private Headers() {
  }
}
