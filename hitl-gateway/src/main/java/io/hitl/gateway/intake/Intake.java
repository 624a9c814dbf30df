package io.hitl.gateway.intake;

import io.hitl.gateway.bus.BusActor;
import io.hitl.gateway.bus.BusErrors;
import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.BodyShape;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.StrictJson;
import io.hitl.gateway.core.UriText;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one step every API route shares: the request target and body read strictly (refusals are SEC-010 and
 * change nothing), then one request-reply on the bus with the caller's identity. Handlers throw
 * {@link GatewayException} for a refusal; the router's failure handler answers it as problem+json.
 */
final class Intake {
  static final String ACTOR = "actor";
  static final String API = "/api/v1";
  private static final String BODY = "strict_body";
  private final Vertx vertx;

  Intake(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * First on every route: a path or query that does not decode (bad percent-escapes, invalid UTF-8, a NUL) is
   * refused here, before a decoder throws or a value reaches the database.
   */
  static void target(RoutingContext ctx) {
    String pathProblem = UriText.pathProblem(ctx.request().path() == null ? "" : ctx.request().path());
    if (pathProblem != null) {
      throw GatewayException.invalid(Map.of("path", pathProblem));
    }
    Map<String, String> query = UriText.queryProblems(ctx.request().query());
    if (!query.isEmpty()) {
      throw GatewayException.invalid(query);
    }
    ctx.next();
  }

  /**
   * Before the body is read: a body declared as anything but JSON (or compressed) is refused with 415 here, so no
   * form or multipart decoder ever runs on an API route.
   */
  static void declared(RoutingContext ctx) {
    var req = ctx.request();
    String length = req.getHeader("Content-Length");
    boolean hasBody = req.getHeader("Transfer-Encoding") != null || length != null && !length.trim().equals("0");
    if (!hasBody) {
      ctx.next();
      return;
    }
    String encoding = req.getHeader("Content-Encoding");
    if (encoding != null && !encoding.trim().equalsIgnoreCase("identity")) {
      Problems.send(ctx, new GatewayException(ErrorCode.SEC_010, "Content-Encoding " + encoding.trim()
        + " is not accepted; send the body as plain JSON"), 415);
      return;
    }
    if (!isJson(req.getHeader("Content-Type"))) {
      Problems.send(ctx, new GatewayException(ErrorCode.SEC_010,
        "A request body must be sent as Content-Type: application/json"), 415);
      return;
    }
    ctx.next();
  }

  /**
   * On every API route after authentication: a body that is sent must be declared JSON and be exactly one JSON
   * object in valid UTF-8; it is parsed once here and handed to the route by {@link #body}.
   */
  static void readBody(RoutingContext ctx) {
    Buffer raw = ctx.body().buffer();
    boolean form = !ctx.request().formAttributes().isEmpty() || !ctx.fileUploads().isEmpty();
    if (!form && (raw == null || raw.length() == 0)) {
      ctx.next();
      return;
    }
    String encoding = ctx.request().getHeader("Content-Encoding");
    if (encoding != null && !encoding.trim().equalsIgnoreCase("identity")) {
      Problems.send(ctx, new GatewayException(ErrorCode.SEC_010, "Content-Encoding " + encoding.trim()
        + " is not accepted; send the body as plain JSON"), 415);
      return;
    }
    if (!isJson(ctx.request().getHeader("Content-Type"))) {
      Problems.send(ctx, new GatewayException(ErrorCode.SEC_010,
        "A request body must be sent as Content-Type: application/json"), 415);
      return;
    }
    ctx.put(BODY, StrictJson.object(raw.getBytes(), "body"));
    ctx.next();
  }

  /**
   * An exception a decoder threw over the request target (a bad percent-escape {@link #target} did not foresee):
   * the client's fault, so a 400, never a 500.
   */
  static boolean isInputFault(Throwable t) {
    if (!(t instanceof IllegalArgumentException)) {
      return false;
    }
    StackTraceElement[] at = t.getStackTrace();
    for (int i = 0; i < Math.min(at.length, 4); i++) {
      String c = at[i].getClassName();
      if (c.endsWith("QueryStringDecoder") || c.endsWith("URIDecoder") || c.endsWith(".HttpUtils")) {
        return true;
      }
    }
    return false;
  }

  /** application/json, alone or with charset=utf-8 (any case, optional quotes); nothing else. */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String[] parts = contentType.split(";", -1);
    if (!parts[0].trim().equalsIgnoreCase("application/json")) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim().toLowerCase(Locale.ROOT).replace("\"", "");
      if (!p.equals("charset=utf-8") && !p.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** The request's JSON object ({} when no body was sent), its known fields checked against {@code shape}. */
  static JsonObject body(RoutingContext ctx, BodyShape shape) {
    Map<String, Object> parsed = ctx.get(BODY);
    Map<String, Object> copy = parsed == null ? new LinkedHashMap<>() : new LinkedHashMap<>(parsed);
    shape.check(copy);
    return new JsonObject(copy);
  }

  /** As {@link #body}, for routes that cannot act without one. */
  static JsonObject requiredBody(RoutingContext ctx, BodyShape shape) {
    if (ctx.get(BODY) == null) {
      throw GatewayException.invalid(Map.of("body", "is required: a JSON object"));
    }
    return body(ctx, shape);
  }

  /** A query parameter, already checked by {@link #target}. */
  static String param(RoutingContext ctx, String name) {
    return ctx.request().getParam(name);
  }

  /** Request-reply on the bus; refusals are answered here, so callers handle success only. */
  Future<JsonObject> request(RoutingContext ctx, String address, JsonObject body, DeliveryOptions o) {
    return vertx.eventBus().<JsonObject>request(address, body, o).map(m -> m.body())
      .onFailure(t -> Problems.send(ctx, BusErrors.decode(t)));
  }

  /** As {@link #request}, answering the reply as JSON with {@code status}. */
  void forward(RoutingContext ctx, String address, JsonObject body, DeliveryOptions o, int status) {
    request(ctx, address, body, o).onSuccess(reply -> json(ctx, status, reply));
  }

  DeliveryOptions options(RoutingContext ctx) {
    Actor actor = ctx.get(ACTOR);
    // every node runs the approval and audit verticles: a request stays on the node that took it
    DeliveryOptions o = BusActor.options(actor, Correlation.of(ctx)).setLocalOnly(true);
    String channel = ctx.request().getHeader("X-Hitl-Channel");
    o.addHeader(Headers.CHANNEL, "console".equals(channel) ? "console" : "api");
    return o;
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  /** Decimals parsed from the body as BigDecimal travel as plain strings, so no digit is lost on the bus. */
  static Object decimalsAsText(Object v) {
    if (v instanceof JsonObject) {
      return decimalsAsText(((JsonObject) v).getMap());
    }
    if (v instanceof JsonArray) {
      return decimalsAsText(((JsonArray) v).getList());
    }
    if (v instanceof Map) {
      Map<String, Object> out = new LinkedHashMap<>();
      ((Map<?, ?>) v).forEach((k, x) -> out.put(String.valueOf(k), decimalsAsText(x)));
      return out;
    }
    if (v instanceof List) {
      List<Object> out = new ArrayList<>();
      ((List<?>) v).forEach(x -> out.add(decimalsAsText(x)));
      return out;
    }
    return v instanceof BigDecimal ? ((BigDecimal) v).toPlainString() : v;
  }

  /** The whole body with every decimal as text. */
  @SuppressWarnings("unchecked")
  static JsonObject withDecimalsAsText(JsonObject body) {
    return new JsonObject((Map<String, Object>) decimalsAsText(body));
  }
}
