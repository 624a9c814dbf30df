package io.hitl.gateway.intake;

import static io.hitl.gateway.intake.Intake.body;
import static io.hitl.gateway.intake.Intake.json;
import static io.hitl.gateway.intake.Intake.requiredBody;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.core.ApprovalTypes;
import io.hitl.gateway.core.BodyShape;
import io.hitl.gateway.core.BodyShape.Kind;
import io.hitl.gateway.core.GatewayException;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Approval requests: creation (generic, trade, batch), decisions, cancellation, listing and the lifecycle extras. */
final class ApprovalRoutes {
  /** Bulk decisions and the clean-up sweep walk many requests; they outlast the usual 10 s. */
  private static final long LONG_RUNNING_MS = 120_000;
  private static final List<String> TRADE_DECIMALS = List.of("quantity", "price", "confidence", "risk_pct");
  /** Binds a create to an engine session, as the body's `session_id` does. */
  static final String SESSION_HEADER = "Hitl-Session-Id";
  private static final BodyShape CREATE = BodyShape.texts("type");
  private static final BodyShape TRADE = BodyShape.texts("type").with(Kind.LIST, "trades");
  private static final BodyShape DECIDE = BodyShape.texts("reason", "comment").with(Kind.OBJECT, "edits", "override")
    .closed();
  private static final BodyShape DECISION = DECIDE.with(Kind.TEXT, "request_id", "decision");
  private static final BodyShape BULK = BodyShape.texts("decision", "reason", "comment").with(Kind.LIST, "ids");
  private static final BodyShape REASON = BodyShape.texts("reason").closed();
  private static final BodyShape ACKNOWLEDGE = BodyShape.texts("persona", "comment").closed();

  private final Intake in;
  private final RateLimiter limit;
  private final ClientCerts engine;

  ApprovalRoutes(Intake in, RateLimiter limit, ClientCerts engine) {
    this.in = in;
    this.limit = limit;
    this.engine = engine;
  }

  void mount(Router router, String api) {
    router.post(api + "/approvals/trade").handler(engine::require).handler(limit::handle).handler(this::createTrade);
    router.post(api + "/approvals/decision").handler(limit::handle).handler(this::decision);
    router.post(api + "/approvals").handler(engine::require).handler(limit::handle).handler(this::create);
    router.post(api + "/approvals/cleanup").handler(this::cleanup);
    router.get(api + "/approvals").handler(this::list);
    router.get(api + "/approvals/:id").handler(this::get);
    router.post(api + "/approvals/:id/approve").handler(limit::handle).handler(this::approve);
    router.post(api + "/approvals/:id/reject").handler(limit::handle).handler(this::reject);
    router.delete(api + "/approvals/:id").handler(limit::handle).handler(this::cancel);
    router.post(api + "/approvals/trade/batch").handler(engine::require).handler(limit::handle)
      .handler(this::createBatch);
    router.post(api + "/approvals/bulk-decision").handler(limit::handle).handler(this::bulkDecision);
    router.post(api + "/approvals/:id/acknowledge").handler(this::acknowledge);
    router.post(api + "/approvals/:id/re-request").handler(limit::handle).handler(this::reRequest);
  }

  private void create(RoutingContext ctx) {
    JsonObject body = requiredBody(ctx, CREATE);
    if (ApprovalTypes.TRADE_EXECUTION.equals(body.getValue("type"))) {
      throw GatewayException.invalid(Map.of("type", "trade requests go to POST /api/v1/approvals/trade"));
    }
    if (body.getValue("type") == null) {
      throw GatewayException.invalid(Map.of("type", "is required"));
    }
    sendCreate(ctx, body);
  }

  private void createTrade(RoutingContext ctx) {
    JsonObject body = requiredBody(ctx, TRADE);
    if (body.getValue("trades") != null) {
      sendBatch(ctx, body);
      return;
    }
    if (body.getValue("type") == null) {
      body.put("type", ApprovalTypes.TRADE_EXECUTION);
    }
    for (String f : TRADE_DECIMALS) {
      if (body.getValue(f) instanceof java.math.BigDecimal) {
        body.put(f, ((java.math.BigDecimal) body.getValue(f)).toPlainString());
      }
    }
    sendCreate(ctx, body);
  }

  /** Several trades for one ticker as one request (`trades`: a list of trade bodies without the ticker). */
  private void createBatch(RoutingContext ctx) {
    JsonObject body = requiredBody(ctx, TRADE);
    if (body.getValue("trades") == null) {
      throw GatewayException.invalid(Map.of("trades", "is required: a list of trades"));
    }
    sendBatch(ctx, body);
  }

  private void sendBatch(RoutingContext ctx, JsonObject body) {
    JsonObject batch = Intake.withDecimalsAsText(body);
    if (batch.getValue("type") == null) {
      batch.put("type", ApprovalTypes.TRADE_EXECUTION);
    }
    sendCreate(ctx, batch);
  }

  private void sendCreate(RoutingContext ctx, JsonObject body) {
    String session = ctx.request().getHeader(SESSION_HEADER);
    if (session != null) {
      if (body.getValue("session_id") != null && !session.equals(body.getValue("session_id"))) {
        throw GatewayException.invalid(Map.of("session_id", "must match the " + SESSION_HEADER + " header"));
      }
      body.put("session_id", session);
    }
    DeliveryOptions o = in.options(ctx);
    String key = ctx.request().getHeader("Idempotency-Key");
    if (key != null) {
      o.addHeader(Headers.IDEMPOTENCY_KEY, key);
    }
    in.request(ctx, Addresses.APPROVALS_CREATE, body, o).onSuccess(reply -> {
      boolean created = reply.getBoolean("created");
      JsonObject approval = reply.getJsonObject("approval");
      approval.put("message", created ? "Approval request created" : "Existing request returned (idempotent retry)");
      ctx.response().putHeader("Location", Intake.API + "/approvals/" + approval.getString("request_id"));
      json(ctx, created ? 201 : 200, approval);
    });
  }

  private void list(RoutingContext ctx) {
    JsonObject q = new JsonObject();
    for (String p : List.of("status", "type", "limit", "cursor")) {
      String v = Intake.param(ctx, p);
      if (v != null && !v.isEmpty()) {
        q.put(p, p.equals("type") ? v.toUpperCase(Locale.ROOT) : v);
      }
    }
    in.forward(ctx, Addresses.APPROVALS_LIST, q, in.options(ctx), 200);
  }

  private void get(RoutingContext ctx) {
    in.request(ctx, Addresses.APPROVALS_GET, new JsonObject().put("request_id", ctx.pathParam("id")), in.options(ctx))
      .onSuccess(reply -> json(ctx, 200, reply.getJsonObject("approval")));
  }

  private void approve(RoutingContext ctx) {
    decide(ctx, ctx.pathParam("id"), "approve", body(ctx, DECIDE));
  }

  private void reject(RoutingContext ctx) {
    decide(ctx, ctx.pathParam("id"), "reject", body(ctx, DECIDE));
  }

  private void decision(RoutingContext ctx) {
    JsonObject body = requiredBody(ctx, DECISION);
    if (body.getValue("decision") == null) {
      throw GatewayException.invalid(Map.of("decision", "must be approve or reject"));
    }
    decide(ctx, body.getString("request_id"), body.getString("decision"), body);
  }

  private void decide(RoutingContext ctx, String id, String decision, JsonObject body) {
    JsonObject msg = new JsonObject().put("request_id", id).put("decision", decision)
      .put("reason", body.getValue("reason")).put("comment", body.getValue("comment"));
    if (body.getValue("edits") != null) {
      msg.put("edits", Intake.decimalsAsText(body.getValue("edits")));
    }
    if (body.getValue("override") != null) {
      msg.put("override", Intake.decimalsAsText(body.getValue("override")));
    }
    in.request(ctx, Addresses.APPROVALS_DECIDE, msg, in.options(ctx))
      .onSuccess(reply -> json(ctx, 200, reply.getJsonObject("approval")));
  }

  private void cancel(RoutingContext ctx) {
    JsonObject body = body(ctx, REASON);
    Object reason = body.getValue("reason", Intake.param(ctx, "reason"));
    JsonObject msg = new JsonObject().put("request_id", ctx.pathParam("id")).put("reason", reason);
    in.request(ctx, Addresses.APPROVALS_CANCEL, msg, in.options(ctx))
      .onSuccess(reply -> json(ctx, 200, reply.getJsonObject("approval")));
  }

  private void bulkDecision(RoutingContext ctx) {
    JsonObject body = requiredBody(ctx, BULK);
    in.forward(ctx, Addresses.APPROVALS_BULK_DECIDE, body, in.options(ctx).setSendTimeout(LONG_RUNNING_MS), 200);
  }

  private void acknowledge(RoutingContext ctx) {
    JsonObject body = body(ctx, ACKNOWLEDGE);
    JsonObject msg = new JsonObject().put("request_id", ctx.pathParam("id")).put("persona", body.getValue("persona"))
      .put("comment", body.getValue("comment"));
    in.request(ctx, Addresses.APPROVALS_ACKNOWLEDGE, msg, in.options(ctx))
      .onSuccess(reply -> json(ctx, 200, reply.getJsonObject("approval")));
  }

  private void reRequest(RoutingContext ctx) {
    JsonObject body = body(ctx, REASON);
    JsonObject msg = new JsonObject().put("request_id", ctx.pathParam("id")).put("reason", body.getValue("reason"));
    in.request(ctx, Addresses.APPROVALS_REREQUEST, msg, in.options(ctx)).onSuccess(reply -> {
      JsonObject approval = reply.getJsonObject("approval");
      approval.put("message", "Re-requested as a new request of lineage " + approval.getString("lineage_id"));
      ctx.response().putHeader("Location", Intake.API + "/approvals/" + approval.getString("request_id"));
      json(ctx, 201, approval);
    });
  }

  private void cleanup(RoutingContext ctx) {
    in.forward(ctx, Addresses.APPROVALS_CLEANUP, new JsonObject(), in.options(ctx).setSendTimeout(LONG_RUNNING_MS),
      200);
  }
}
