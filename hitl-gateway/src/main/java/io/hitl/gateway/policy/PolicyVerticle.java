package io.hitl.gateway.policy;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.BusReplies;
import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.store.Json;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Event-bus shell of policy administration (`hitl.policies.*`); reloads this node's cache when a version is saved anywhere. */
public class PolicyVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyVerticle.class);

  private final Function<VerticleBase, PolicyService> serviceFactory;
  private final PolicyCache cache;
  private final io.vertx.sqlclient.Pool pool;
  private PolicyService service;

  public PolicyVerticle(Function<VerticleBase, PolicyService> serviceFactory, PolicyCache cache,
      io.vertx.sqlclient.Pool pool) {
    this.serviceFactory = serviceFactory;
    this.cache = cache;
    this.pool = pool;
  }

  @Override
  public Future<?> start() {
    service = serviceFactory.apply(this);
    var bus = vertx.eventBus();
    return Future.join(
      bus.<JsonObject>consumer(Addresses.POLICIES_GET, this::get).completion(),
      bus.<JsonObject>consumer(Addresses.POLICIES_PUT, this::put).completion(),
      bus.<JsonObject>consumer(Addresses.POLICIES_VERSIONS, this::versions).completion(),
      bus.<JsonObject>consumer(Addresses.POLICIES_DRY_RUN, this::dryRun).completion(),
      bus.<JsonObject>consumer(Addresses.POLICIES_CHANGED, m -> reload()).completion());
  }

  /** A version was saved (here or on another node): load it now rather than on the next create. */
  private void reload() {
    cache.active(pool).onFailure(t -> LOG.warn("policy reload failed: {}", t.getMessage()));
  }

  private void get(Message<JsonObject> msg) {
    JsonObject b = body(msg);
    handle(msg, actor -> service.get(actor, version(b.getValue("version"))).map(PolicyService.View::json));
  }

  private void put(Message<JsonObject> msg) {
    JsonObject b = body(msg);
    handle(msg, actor -> service.put(Json.plainMap(b), actor, msg.headers().get(Headers.CORRELATION_ID))
      .map(PolicyService.View::json));
  }

  private void versions(Message<JsonObject> msg) {
    JsonObject b = body(msg);
    handle(msg, actor -> {
      Object l = b.getValue("limit", 50);
      int limit;
      try {
        limit = l instanceof Number ? ((Number) l).intValue() : Integer.parseInt(String.valueOf(l));
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > PolicyService.MAX_VERSIONS) {
        throw GatewayException.invalid(Map.of("limit", "must be between 1 and " + PolicyService.MAX_VERSIONS));
      }
      return service.versions(actor, limit).map(vs -> {
        JsonArray items = new JsonArray();
        vs.forEach(v -> items.add(v.json().put("built_in", false)));
        return new JsonObject().put("items", items);
      });
    });
  }

  private void dryRun(Message<JsonObject> msg) {
    JsonObject b = body(msg);
    handle(msg, actor -> service.dryRun(Json.plainMap(b), actor));
  }

  private static Integer version(Object v) {
    if (v == null) {
      return null;
    }
    try {
      int n = v instanceof Number ? ((Number) v).intValue() : Integer.parseInt(String.valueOf(v));
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw GatewayException.invalid(Map.of("version", "must be a whole number, 0 or more"));
  }

  private static JsonObject body(Message<JsonObject> msg) {
    Object b = msg.body();
    return b instanceof JsonObject ? (JsonObject) b : new JsonObject();
  }

  private void handle(Message<JsonObject> msg, Function<Actor, Future<JsonObject>> work) {
    BusReplies.answer(msg, work);
  }
}
