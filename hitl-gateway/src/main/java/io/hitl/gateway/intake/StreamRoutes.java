package io.hitl.gateway.intake;

import io.hitl.gateway.stream.StreamApi;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Server-sent events: the stream token, the journal stream, one request's stream and the long-poll wait. */
final class StreamRoutes {
  private final StreamApi stream;

  StreamRoutes(StreamApi stream) {
    this.stream = stream;
  }

  void mount(Router router, String api) {
    router.post(api + "/stream/token").handler(this::streamToken);
    router.get(api + "/stream").handler(this::stream);
    router.get(api + "/approvals/:id/stream").handler(this::requestStream);
    router.get(api + "/approvals/:id/wait").handler(this::waitFor);
  }

  private void streamToken(RoutingContext ctx) {
    stream.token(ctx, ctx.get(Intake.ACTOR));
  }

  private void stream(RoutingContext ctx) {
    stream.events(ctx, ctx.get(Intake.ACTOR), Correlation.of(ctx));
  }

  private void requestStream(RoutingContext ctx) {
    stream.requestStream(ctx, ctx.get(Intake.ACTOR), Correlation.of(ctx));
  }

  private void waitFor(RoutingContext ctx) {
    stream.waitFor(ctx, ctx.get(Intake.ACTOR), Correlation.of(ctx));
  }
}
