package io.hitl.gateway.intake;

import io.hitl.gateway.bus.Addresses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** Notification deliveries: their list and a manual retry of one. */
final class NotificationRoutes {
  private final Intake in;

  NotificationRoutes(Intake in) {
    this.in = in;
  }

  void mount(Router router, String api) {
    router.get(api + "/notifications").handler(this::notifications);
    router.post(api + "/notifications/:id/retry").handler(this::retryNotification);
  }

  private void notifications(RoutingContext ctx) {
    JsonObject q = new JsonObject();
    for (String p : List.of("status", "channel", "approval_id", "limit", "cursor")) {
      String v = Intake.param(ctx, p);
      if (v != null && !v.isEmpty()) {
        q.put(p, v);
      }
    }
    in.forward(ctx, Addresses.NOTIFY_LIST, q, in.options(ctx), 200);
  }

  private void retryNotification(RoutingContext ctx) {
    in.forward(ctx, Addresses.NOTIFY_RETRY, new JsonObject().put("id", ctx.pathParam("id")), in.options(ctx), 200);
  }
}
