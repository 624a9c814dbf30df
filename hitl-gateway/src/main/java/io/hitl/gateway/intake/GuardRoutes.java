package io.hitl.gateway.intake;

import static io.hitl.gateway.intake.Intake.body;
import static io.hitl.gateway.intake.Intake.requiredBody;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.core.BodyShape;
import io.hitl.gateway.core.BodyShape.Kind;
import io.hitl.gateway.core.GatewayException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** The trading-guard routes: Guardian, lockouts, approval settings, quotes and trade reports. */
final class GuardRoutes {
  /** A lock rejects every pending request in one transaction; with many that outlasts the usual 10 s. */
  private static final long GUARDIAN_CHANGE_TIMEOUT_MS = 120_000;
  private static final BodyShape REASON = BodyShape.texts("reason").closed();
  private static final BodyShape LOCKOUT = BodyShape.texts("ticker", "reason", "source", "until");
  private static final BodyShape QUOTE = BodyShape.texts("ticker").with(Kind.DECIMAL, "bid", "ask");
  private static final BodyShape TRADE_EVENT = BodyShape.texts("trade_id", "event", "note")
    .with(Kind.DECIMAL, "price", "quantity");
  private final Intake in;

  GuardRoutes(Intake in) {
    this.in = in;
  }

  void mount(Router router, String api) {
    router.get(api + "/guardian").handler(this::guardian);
    router.post(api + "/guardian/lock").handler(this::lock);
    router.post(api + "/guardian/unlock").handler(this::unlock);
    router.get(api + "/lockouts").handler(this::lockouts);
    router.post(api + "/lockouts").handler(this::createLockout);
    router.delete(api + "/lockouts/:id").handler(this::removeLockout);
    router.get(api + "/settings/approval").handler(this::settings);
    router.put(api + "/settings/approval").handler(this::updateSettings);
    router.post(api + "/market/quotes").handler(this::quote);
    router.get(api + "/trades/:trade_id").handler(this::trade);
    router.post(api + "/trades/:trade_id/events").handler(this::tradeEvent);
  }

  private void guardian(RoutingContext ctx) {
    forward(ctx, Addresses.GUARDIAN_GET, new JsonObject(), 200);
  }

  private void lock(RoutingContext ctx) {
    in.forward(ctx, Addresses.GUARDIAN_LOCK, body(ctx, REASON),
      in.options(ctx).setSendTimeout(GUARDIAN_CHANGE_TIMEOUT_MS), 200);
  }

  private void unlock(RoutingContext ctx) {
    forward(ctx, Addresses.GUARDIAN_UNLOCK, body(ctx, REASON), 200);
  }

  private void lockouts(RoutingContext ctx) {
    forward(ctx, Addresses.LOCKOUTS_LIST, new JsonObject(), 200);
  }

  /** Only manual lockouts come through the API; news_shock and cooldown belong to system processes on the bus. */
  private void createLockout(RoutingContext ctx) {
    JsonObject body = requiredBody(ctx, LOCKOUT);
    Object source = body.getValue("source");
    if (source != null && !"manual".equals(source)) {
      throw GatewayException.invalid(Map.of("source",
        "must be manual (news_shock and cooldown lockouts come from system processes)"));
    }
    forward(ctx, Addresses.LOCKOUTS_CREATE, body.put("source", "manual"), 201);
  }

  private void removeLockout(RoutingContext ctx) {
    JsonObject body = body(ctx, REASON);
    forward(ctx, Addresses.LOCKOUTS_REMOVE, new JsonObject().put("id", ctx.pathParam("id"))
      .put("reason", body.getValue("reason", Intake.param(ctx, "reason"))), 200);
  }

  private void settings(RoutingContext ctx) {
    forward(ctx, Addresses.SETTINGS_GET, new JsonObject(), 200);
  }

  private void updateSettings(RoutingContext ctx) {
    forward(ctx, Addresses.SETTINGS_PUT, requiredBody(ctx, BodyShape.ANY), 200);
  }

  private void quote(RoutingContext ctx) {
    forward(ctx, Addresses.QUOTES_PUT, decimalsAsText(requiredBody(ctx, QUOTE), List.of("bid", "ask")), 200);
  }

  private void trade(RoutingContext ctx) {
    forward(ctx, Addresses.TRADES_GET, new JsonObject().put("trade_id", ctx.pathParam("trade_id")), 200);
  }

  private void tradeEvent(RoutingContext ctx) {
    JsonObject body = requiredBody(ctx, TRADE_EVENT);
    if (body.containsKey("trade_id") && !ctx.pathParam("trade_id").equals(body.getValue("trade_id"))) {
      throw GatewayException.invalid(Map.of("trade_id", "must match the trade in the path"));
    }
    forward(ctx, Addresses.TRADES_EVENT, decimalsAsText(body, List.of("price", "quantity"))
      .put("trade_id", ctx.pathParam("trade_id")), 200);
  }

  private void forward(RoutingContext ctx, String address, JsonObject body, int status) {
    in.forward(ctx, address, body, in.options(ctx), status);
  }

  /** Prices cross the bus as text so no digit is lost to a double on the way. */
  private static JsonObject decimalsAsText(JsonObject body, List<String> fields) {
    for (String f : fields) {
      if (body.getValue(f) instanceof BigDecimal) {
        body.put(f, ((BigDecimal) body.getValue(f)).toPlainString());
      }
    }
    return body;
  }
}
