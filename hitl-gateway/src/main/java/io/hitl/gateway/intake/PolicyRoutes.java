package io.hitl.gateway.intake;

import static io.hitl.gateway.intake.Intake.json;
import static io.hitl.gateway.intake.Intake.requiredBody;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.core.BodyShape;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The approval policy: the active version, its history, a new version and a dry run of a candidate. */
final class PolicyRoutes {
  private final Intake in;

  PolicyRoutes(Intake in) {
    this.in = in;
  }

  void mount(Router router, String api) {
    router.get(api + "/policies").handler(this::policy);
    router.put(api + "/policies").handler(this::putPolicy);
    router.get(api + "/policies/versions").handler(this::policyVersions);
    router.post(api + "/policies/dry-run").handler(this::dryRunPolicy);
  }

  private void policy(RoutingContext ctx) {
    JsonObject q = new JsonObject();
    String version = Intake.param(ctx, "version");
    if (version != null) {
      q.put("version", version);
    }
    in.forward(ctx, Addresses.POLICIES_GET, q, in.options(ctx), 200);
  }

  private void putPolicy(RoutingContext ctx) {
    JsonObject body = Intake.withDecimalsAsText(requiredBody(ctx, BodyShape.ANY));
    in.request(ctx, Addresses.POLICIES_PUT, body, in.options(ctx)).onSuccess(reply -> {
      ctx.response().putHeader("Location", Intake.API + "/policies?version=" + reply.getInteger("version"));
      json(ctx, 201, reply);
    });
  }

  private void policyVersions(RoutingContext ctx) {
    JsonObject q = new JsonObject();
    String limit = Intake.param(ctx, "limit");
    if (limit != null) {
      q.put("limit", limit);
    }
    in.forward(ctx, Addresses.POLICIES_VERSIONS, q, in.options(ctx), 200);
  }

  private void dryRunPolicy(RoutingContext ctx) {
    JsonObject body = Intake.withDecimalsAsText(requiredBody(ctx, BodyShape.ANY));
    in.forward(ctx, Addresses.POLICIES_DRY_RUN, body, in.options(ctx), 200);
  }
}
