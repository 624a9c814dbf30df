package io.hitl.gateway.intake;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.BusErrors;
import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.chat.ChatVerticle;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Routes authenticated by something other than a bearer token: Slack and Discord interactions (by their
 * signature over the raw body) and one-time deep links (by the token in the path). Verification and
 * decisions happen in the chat verticle; this only carries the raw request over the bus.
 */
public final class ChatIntake {
  /** Below Slack's and Discord's 3 s deadline: past it the platform has given up on the answer anyway. */
  private static final long ANSWER_TIMEOUT_MS = 2800;
  private final Vertx vertx;

  public ChatIntake(Vertx vertx) {
    this.vertx = vertx;
  }

  public void slack(RoutingContext ctx) {
    forward(ctx, Addresses.CHAT_SLACK, "X-Slack-Signature", "X-Slack-Request-Timestamp");
  }

  public void slackCommand(RoutingContext ctx) {
    forward(ctx, Addresses.CHAT_SLACK_COMMAND, "X-Slack-Signature", "X-Slack-Request-Timestamp");
  }

  public void discord(RoutingContext ctx) {
    forward(ctx, Addresses.CHAT_DISCORD, "X-Signature-Ed25519", "X-Signature-Timestamp");
  }

  /** GET /approve/{token}: redirects to the request in the console, once. */
  public void deepLink(RoutingContext ctx) {
    JsonObject msg = new JsonObject().put("token", ctx.pathParam("token"));
    vertx.eventBus().<JsonObject>request(Addresses.CHAT_LINK, msg, options(ctx)).onSuccess(reply -> {
      JsonObject b = reply.body();
      ctx.response().setStatusCode(302)
        .putHeader("Location", b.getString("location"))
        .putHeader("Cache-Control", "no-store")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("Content-Type", "application/json")
        .end(b.encode());
    }).onFailure(t -> Problems.send(ctx, BusErrors.decode(t)));
  }

  private void forward(RoutingContext ctx, String address, String signatureHeader, String timestampHeader) {
    Buffer body = ctx.body().buffer();
    JsonObject msg = new JsonObject()
      .put("signature", ctx.request().getHeader(signatureHeader))
      .put("timestamp", ctx.request().getHeader(timestampHeader))
      .put("body", body == null ? new byte[0] : body.getBytes());
    if (msg.getString("signature") == null || msg.getString("timestamp") == null) {
      Problems.send(ctx, new GatewayException(ErrorCode.SEC_070, signatureHeader + " and " + timestampHeader
        + " are required"));
      return;
    }
    // the chat verticle answers by the budget left since arrival (deferring if need be); the timeout is a backstop
    long elapsedMs = elapsedMs(ctx);
    msg.put(ChatVerticle.BUDGET_FIELD, Math.max(0, ChatVerticle.DEFAULT_BUDGET_MS - elapsedMs));
    vertx.eventBus().<JsonObject>request(address, msg,
        options(ctx).setSendTimeout(Math.max(1, ANSWER_TIMEOUT_MS - elapsedMs)))
      .onSuccess(reply -> {
        JsonObject a = reply.body();
        var response = ctx.response().setStatusCode(a.getInteger("status", 200));
        String body2 = a.getString("body");
        if (body2 == null) {
          response.end();
        } else {
          response.putHeader("Content-Type", a.getString("content_type", "application/json")).end(body2);
        }
      })
      .onFailure(t -> Problems.send(ctx, BusErrors.decode(t)));
  }

  private static long elapsedMs(RoutingContext ctx) {
    Long arrived = ctx.get(AccessLog.ARRIVED_NANOS);
    return arrived == null ? 0 : (System.nanoTime() - arrived) / 1_000_000;
  }

  private static DeliveryOptions options(RoutingContext ctx) {
    return new DeliveryOptions().setSendTimeout(10_000).setLocalOnly(true).addHeader(Headers.CORRELATION_ID, Correlation.of(ctx));
  }
}
