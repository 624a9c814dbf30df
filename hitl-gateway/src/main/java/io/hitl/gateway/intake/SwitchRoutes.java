package io.hitl.gateway.intake;

import static io.hitl.gateway.intake.Intake.body;
import static io.hitl.gateway.intake.Intake.requiredBody;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.core.BodyShape;
import io.hitl.gateway.core.GatewayException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** Scoped kill switches: list, engage, release. */
final class SwitchRoutes {
  /** An engage rejects every pending trade in its scope in one transaction; with many that outlasts the usual 10 s. */
  private static final long ENGAGE_TIMEOUT_MS = 120_000;
  private static final BodyShape ENGAGE = BodyShape.texts("scope", "value", "reason").closed();
  private static final BodyShape RELEASE = BodyShape.texts("reason").closed();
  private final Intake in;

  SwitchRoutes(Intake in) {
    this.in = in;
  }

  void mount(Router router, String api) {
    router.get(api + "/switches").handler(this::list);
    router.post(api + "/switches").handler(this::engage);
    router.delete(api + "/switches/:id").handler(this::release);
    router.post(api + "/switches/:id/release").handler(this::release);
  }

  private void list(RoutingContext ctx) {
    String history = Intake.param(ctx, "history");
    if (history != null && !"true".equals(history) && !"false".equals(history)) {
      throw GatewayException.invalid(Map.of("history", "must be true or false"));
    }
    in.forward(ctx, Addresses.SWITCHES_LIST, new JsonObject().put("history", "true".equals(history)),
      in.options(ctx), 200);
  }

  /** 201 with the new switch; 200 with the one already engaged on that scope (it is left as it is). */
  private void engage(RoutingContext ctx) {
    in.request(ctx, Addresses.SWITCHES_ENGAGE, requiredBody(ctx, ENGAGE),
        in.options(ctx).setSendTimeout(ENGAGE_TIMEOUT_MS))
      .onSuccess(reply -> Intake.json(ctx, reply.getBoolean("engaged", false) ? 201 : 200, reply));
  }

  private void release(RoutingContext ctx) {
    JsonObject body = body(ctx, RELEASE);
    in.forward(ctx, Addresses.SWITCHES_RELEASE, new JsonObject().put("id", ctx.pathParam("id"))
      .put("reason", body.getValue("reason", Intake.param(ctx, "reason"))), in.options(ctx), 200);
  }
}
