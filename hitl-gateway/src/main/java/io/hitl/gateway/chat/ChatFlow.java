package io.hitl.gateway.chat;

import io.hitl.gateway.core.GatewayException;
import io.vertx.core.Future;

/**
 * What one platform does with a verified callback, and how it answers when the work outlasts the platform's
 * deadline: a deferred acknowledgement at once, then the real answer as a follow-up.
 */
interface ChatFlow<T> {
  /** The answer to the callback; may take as long as the decision takes. */
  Future<ChatAnswer> handle(T in, String corr);

  /** What the platform accepts as "received, the answer follows". */
  ChatAnswer deferred(T in);

  /** Delivers an answer that came after the deferred one; at most once per callback. */
  void late(T in, ChatAnswer answer);

  /** The answer telling the clicker why nothing happened. */
  ChatAnswer refused(T in, GatewayException e);
}
