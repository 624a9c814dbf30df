package io.hitl.client.contract;

import io.hitl.client.HitlException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Refusals over the event bus: a ReplyException whose failure code is the number of the SEC code and whose
 * message is JSON {code, detail, ...extensions}.
 */
public final class BusRefusals {
  private BusRefusals() {
  }

  /** The refusal as the gateway sends it. */
  public static String encode(String code, String detail, Map<String, Object> extensions) {
    JsonObject body = new JsonObject().put("code", code).put("detail", detail);
    extensions.forEach(body::put);
    return body.encode();
  }

  /**
   * The refusal a failed request carried; SEC-099 when no consumer took it (nothing was done); SEC-098 when it
   * timed out (the consumer may still be working and commit: the outcome is unknown).
   */
  public static HitlException decode(Throwable t) {
    if (t instanceof HitlException) {
      return (HitlException) t;
    }
    if (t instanceof ReplyException) {
      ReplyException re = (ReplyException) t;
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE && re.getMessage() != null) {
        try {
          JsonObject body = new JsonObject(re.getMessage());
          String code = body.getString("code");
          if (code == null) {
            return failed("The approval service failed");
          }
          Map<String, Object> ext = body.copy().getMap();
          ext.remove("code");
          ext.remove("detail");
          return new HitlException(code, 0, body.getString("detail"), ext, null);
        } catch (DecodeException | ClassCastException ignored) {
          return failed("The approval service failed");
        }
      }
      if (re.failureType() == ReplyFailure.TIMEOUT) {
        return new HitlException(ErrorCodes.SEC_098, 0, "The service did not answer in time, so the outcome is "
          + "unknown: retry with the same Idempotency-Key, or read the request by trade_id", Map.of(), null);
      }
      return new HitlException(ErrorCodes.SEC_099, 0, "The approval service did not answer ("
        + re.failureType().name().toLowerCase() + "); nothing was changed", Map.of(), null);
    }
    return failed("Internal error");
  }

  private static HitlException failed(String detail) {
    return new HitlException(ErrorCodes.INTERNAL, 0, detail, Map.of(), null);
  }
}
