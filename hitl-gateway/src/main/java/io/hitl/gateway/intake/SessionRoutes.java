package io.hitl.gateway.intake;

import static io.hitl.gateway.intake.Intake.body;
import static io.hitl.gateway.intake.Intake.requiredBody;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.core.BodyShape;
import io.hitl.gateway.core.BodyShape.Kind;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Engine sessions for cancel-on-disconnect: open, heartbeat, read. */
final class SessionRoutes {
  private static final BodyShape OPEN = BodyShape.ANY.with(Kind.DECIMAL, "heartbeat_timeout_seconds").closed();
  private static final BodyShape EMPTY = BodyShape.ANY.closed();
  private final Intake in;

  SessionRoutes(Intake in) {
    this.in = in;
  }

  void mount(Router router, String api) {
    router.post(api + "/sessions").handler(this::open);
    router.get(api + "/sessions/:id").handler(this::get);
    router.post(api + "/sessions/:id/heartbeat").handler(this::heartbeat);
  }

  private void open(RoutingContext ctx) {
    in.forward(ctx, Addresses.SESSIONS_OPEN, requiredBody(ctx, OPEN), in.options(ctx), 201);
  }

  private void get(RoutingContext ctx) {
    in.forward(ctx, Addresses.SESSIONS_GET, new JsonObject().put("id", ctx.pathParam("id")), in.options(ctx), 200);
  }

  private void heartbeat(RoutingContext ctx) {
    body(ctx, EMPTY);
    in.forward(ctx, Addresses.SESSIONS_HEARTBEAT, new JsonObject().put("id", ctx.pathParam("id")), in.options(ctx),
      200);
  }
}
