package io.hitl.gateway.observability;

import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * What the approval service's event-bus shell does with a refusal besides replying: counts it and logs one
 * line with the request's correlation_id, actor, operation and SEC code, on the node that refused.
 */
public final class Refusals {
  private static final Logger LOG = LoggerFactory.getLogger(Refusals.class);

  private Refusals() {
  }

  /** Counts and logs the failure of a request on {@code msg}; returns the refusal to reply with (SEC-500 for a bug). */
  public static GatewayException observe(HitlMetrics metrics, Message<?> msg, Throwable failure) {
    GatewayException e = failure instanceof GatewayException ? (GatewayException) failure
      : new GatewayException(ErrorCode.INTERNAL, "Internal error");
    String operation = Labels.operationOfAddress(msg.address());
    metrics.refused(operation, e.code());
    Object editRefusal = e.extensions().get(io.hitl.gateway.core.policy.EditRules.REFUSAL);
    if (editRefusal != null) {
      metrics.editsRefused(String.valueOf(editRefusal));
    }
    Level level = level(e.code());
    if (!LOG.isEnabledForLevel(level)) {
      return e;
    }
    Object body = msg.body();
    Object id = body instanceof JsonObject ? ((JsonObject) body).getValue("request_id") : null;
    LogFields.of(msg.headers().get(Headers.CORRELATION_ID), msg.headers().get(Headers.ACTOR), operation,
        e.code().httpStatus() >= 500 ? "error" : "refused")
      .errorCode(e.code().code())
      .with(LogFields.REQUEST_ID, id instanceof String ? id : null)
      .cause(e == failure ? null : failure)
      .log(LOG, level, "{} refused with {}: {}", operation, e.code().code(), e.detail());
    return e;
  }

  /** Faults of the gateway and tampering are errors, an unavailable database a warning, the rest refusals of input. */
  static Level level(ErrorCode code) {
    switch (code) {
      case INTERNAL:
      case SEC_080:
        return Level.ERROR;
      case SEC_099:
        return Level.WARN;
      default:
        return Level.INFO;
    }
  }
}
