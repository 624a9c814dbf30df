package io.hitl.gateway.intake;

import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** RFC 9457 problem documents; the one place SEC codes become HTTP statuses. */
public final class Problems {
  public static final String CONTENT_TYPE = "application/problem+json";

  private Problems() {
  }

  public static void send(RoutingContext ctx, GatewayException e) {
    send(ctx, e, e.code().httpStatus());
  }

  public static void send(RoutingContext ctx, GatewayException e, int status) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.put(AccessLog.ERROR_CODE, e.code().code());
    write(ctx.response(), e, status, Correlation.of(ctx));
  }

  /** The problem document on a bare response, for answers given before the router has a context. */
  public static Future<Void> write(HttpServerResponse response, GatewayException e, int status, String correlationId) {
    ErrorCode code = e.code();
    JsonObject body = new JsonObject()
      .put("type", "urn:hitl:problem:" + code.code())
      .put("title", code.title())
      .put("status", status)
      .put("detail", e.detail())
      .put("code", code.code())
      .put("correlation_id", correlationId);
    e.extensions().forEach((k, v) -> {
      if (!body.containsKey(k)) {
        body.put(k, v);
      }
    });
    response.setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE);
    if (code == ErrorCode.SEC_099) {
      response.putHeader("Retry-After", "5");
    }
    if (e.extensions().get("retry_after_seconds") instanceof Number) {
      response.putHeader("Retry-After", String.valueOf(((Number) e.extensions().get("retry_after_seconds")).longValue()));
    }
    if (status == 401) {
      response.putHeader("WWW-Authenticate", "Bearer");
    }
    return response.end(body.encode());
  }
}
