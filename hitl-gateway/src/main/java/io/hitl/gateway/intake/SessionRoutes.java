package io.hitl.gateway.intake;

import static io.hitl.gateway.intake.Intake.body;
import static io.hitl.gateway.intake.Intake.requiredBody;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.core.BodyShape;
import io.hitl.gateway.core.BodyShape.Kind;
import io.hitl.gateway.core.GatewayException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Engine sessions for cancel-on-disconnect: open, heartbeat, read, close. */
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
    router.delete(api + "/sessions/:id").handler(this::close);
  }

  /** DELETE /sessions/{id}?cancel_pending=true|false: the query's flag, nothing else. */
  private void close(RoutingContext ctx) {
    body(ctx, EMPTY);
    JsonObject msg = new JsonObject().put("id", ctx.pathParam("id"));
    List<String> flags = ctx.queryParam("cancel_pending");
    if (flags.size() > 1 || flags.size() == 1 && !Set.of("true", "false").contains(flags.get(0))) {
      throw GatewayException.invalid(Map.of("cancel_pending", "must be true or false, once"));
    }
    if (flags.size() == 1) {
      msg.put("cancel_pending", Boolean.parseBoolean(flags.get(0)));
    }
    in.forward(ctx, Addresses.SESSIONS_CLOSE, msg, in.options(ctx), 200);
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
