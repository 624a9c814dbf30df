package io.hitl.gateway.bus;

import io.hitl.client.HitlException;
import io.hitl.client.contract.BusRefusals;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.vertx.core.eventbus.Message;

/**
 * Refusals over the event bus: a ReplyException whose failure code is the number of the SEC code and
 * whose message is JSON {code, detail, ...extensions}.
 */
public final class BusErrors {
  private BusErrors() {
  }

  public static void fail(Message<?> msg, GatewayException e) {
    msg.fail(e.code().number(), BusRefusals.encode(e.code().code(), e.detail(), e.extensions()));
  }

  /**
   * The refusal a failed request carried; SEC-099 when no consumer took it (nothing was done); SEC-098 when
   * it timed out (the consumer may still be working and commit: the outcome is unknown). Decoded as the
   * client library decodes it.
   */
  public static GatewayException decode(Throwable t) {
    if (t instanceof GatewayException) {
      return (GatewayException) t;
    }
    HitlException h = BusRefusals.decode(t);
    return new GatewayException(ErrorCode.fromCode(h.code()), h.detail(), h.extensions());
  }
}
