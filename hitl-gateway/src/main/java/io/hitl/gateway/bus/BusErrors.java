package io.hitl.gateway.bus;

import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Refusals over the event bus: a ReplyException whose failure code is the number of the SEC code and
 * whose message is JSON {code, detail, ...extensions}.
 */
public final class BusErrors {
  private BusErrors() {
  }

  public static void fail(Message<?> msg, GatewayException e) {
    JsonObject body = new JsonObject().put("code", e.code().code()).put("detail", e.detail());
    e.extensions().forEach(body::put);
    msg.fail(e.code().number(), body.encode());
  }

  /**
   * The refusal a failed request carried; SEC-099 when no consumer took it (nothing was done); SEC-098 when
   * it timed out (the consumer may still be working and commit: the outcome is unknown).
   */
  public static GatewayException decode(Throwable t) {
    if (t instanceof GatewayException) {
      return (GatewayException) t;
    }
    if (t instanceof ReplyException) {
      ReplyException re = (ReplyException) t;
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE && re.getMessage() != null) {
        try {
          JsonObject body = new JsonObject(re.getMessage());
          ErrorCode code = ErrorCode.fromCode(body.getString("code"));
          Map<String, Object> ext = body.copy().getMap();
          ext.remove("code");
          ext.remove("detail");
          return new GatewayException(code, body.getString("detail"), ext);
        } catch (DecodeException | ClassCastException ignored) {
          return new GatewayException(ErrorCode.INTERNAL, "The approval service failed");
        }
      }
      if (re.failureType() == ReplyFailure.TIMEOUT) {
        return new GatewayException(ErrorCode.SEC_098, "The service did not answer in time, so the outcome is unknown: "
          + "retry with the same Idempotency-Key, or read the request by trade_id");
      }
      return new GatewayException(ErrorCode.SEC_099, "The approval service did not answer ("
        + re.failureType().name().toLowerCase() + "); nothing was changed");
    }
    return new GatewayException(ErrorCode.INTERNAL, "Internal error");
  }
}
