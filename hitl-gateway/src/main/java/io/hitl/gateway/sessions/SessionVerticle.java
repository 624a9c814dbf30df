package io.hitl.gateway.sessions;

import io.hitl.gateway.approval.ApprovalService;
import io.hitl.gateway.approval.SessionCascade;
import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.BusReplies;
import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.Role;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.session.EngineSession;
import io.hitl.gateway.journal.Journal;
import io.hitl.gateway.store.Json;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Engine sessions (one per node): open, heartbeat, read and close on the bus, and a sweep every
 * HITL_ENGINE_SESSION_SWEEP_MS (a second by default) that lapses the sessions whose heartbeat is overdue by the
 * injected clock. Every node sweeps; the session's row lock makes each lapse happen once.
 */
public class SessionVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SessionVerticle.class);
  private final Pool pool;
  private final Clock clock;
  private final Function<Vertx, ApprovalService> approvals;
  /** How often this node looks for overdue sessions; a lapse is noticed within this of its deadline. */
  private final long sweepPeriodMs;
  private SessionService sessions;
  private long timer = -1;
  private boolean sweeping;

  public SessionVerticle(Pool pool, Clock clock, Function<Vertx, ApprovalService> approvals, long sweepPeriodMs) {
    this.pool = pool;
    this.clock = clock;
    this.approvals = approvals;
    this.sweepPeriodMs = sweepPeriodMs;
  }

  @Override
  public Future<?> start() {
    sessions = new SessionService(pool, clock, Journal.on(vertx), new SessionCascade(approvals.apply(vertx)));
    var bus = vertx.eventBus();
    Future<?> consumers = Future.join(List.of(
      bus.<JsonObject>consumer(Addresses.SESSIONS_OPEN, this::open).completion(),
      bus.<JsonObject>consumer(Addresses.SESSIONS_HEARTBEAT, this::heartbeat).completion(),
      bus.<JsonObject>consumer(Addresses.SESSIONS_GET, this::get).completion(),
      bus.<JsonObject>consumer(Addresses.SESSIONS_CLOSE, this::close).completion(),
      bus.<JsonObject>localConsumer(Addresses.SESSIONS_SWEEP, this::sweepNow).completion()));
    timer = vertx.setPeriodic(sweepPeriodMs, id -> sweep());
    return consumers;
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return Future.succeededFuture();
  }

  private Future<Integer> sweep() {
    if (sweeping) {
      return Future.succeededFuture(0);
    }
    sweeping = true;
    return sessions.sweep()
      .onSuccess(n -> {
        if (n > 0) {
          LOG.warn("{} engine session(s) lapsed: their pending requests were cancelled (ENGINE_DISCONNECTED)", n);
        }
      })
      .onFailure(t -> LOG.warn("could not sweep engine sessions: {}", t.getMessage()))
      .onComplete(ar -> sweeping = false);
  }

  /** An admin (or this node) asks for a sweep now: {lapsed}. */
  private void sweepNow(Message<JsonObject> msg) {
    BusReplies.answer(msg, actor -> {
      actor.require(Role.ADMIN, "sweep engine sessions");
      return sweep().map(n -> new JsonObject().put("lapsed", n));
    });
  }

  private void open(Message<JsonObject> msg) {
    BusReplies.answer(msg, actor -> sessions.open(Json.plainMap(BusReplies.body(msg)), actor,
      msg.headers().get(Headers.CORRELATION_ID)).map(s -> view(s, List.of())));
  }

  private void heartbeat(Message<JsonObject> msg) {
    BusReplies.answer(msg, actor -> sessions.heartbeat(id(BusReplies.body(msg)), actor).map(s -> view(s, List.of())));
  }

  private void get(Message<JsonObject> msg) {
    BusReplies.answer(msg, actor -> sessions.read(id(BusReplies.body(msg)), actor)
      .map(v -> view(v.session(), v.cancelled())));
  }

  private void close(Message<JsonObject> msg) {
    BusReplies.answer(msg, actor -> {
      JsonObject b = BusReplies.body(msg);
      UUID id = id(b, Set.of("id", "cancel_pending"));
      Object cancel = b.getValue("cancel_pending");
      if (cancel != null && !(cancel instanceof Boolean)) {
        throw GatewayException.invalid(Map.of("cancel_pending", "must be true or false"));
      }
      String channel = msg.headers().get(Headers.CHANNEL);
      return sessions.close(id, Boolean.TRUE.equals(cancel), actor, channel == null ? "bus" : channel,
        msg.headers().get(Headers.CORRELATION_ID)).map(v -> view(v.session(), v.cancelled()));
    });
  }

  /** {id} and nothing else: a body from a JVM service is read whole. */
  private static UUID id(JsonObject b) {
    return id(b, Set.of("id"));
  }

  private static UUID id(JsonObject b, Set<String> fields) {
    Map<String, String> errors = new TreeMap<>();
    b.fieldNames().stream().filter(f -> !fields.contains(f)).forEach(f -> errors.put(f, "unknown field"));
    UUID id = null;
    try {
      id = b.getValue("id") instanceof String s && s.length() == 36 ? UUID.fromString(s) : null;
    } catch (IllegalArgumentException e) {
      // answered below as the field's error
    }
    if (id == null) {
      errors.put("id", "must be a session id");
    }
    if (!errors.isEmpty()) {
      throw GatewayException.invalid(errors);
    }
    return id;
  }

  static JsonObject view(EngineSession s, List<UUID> cancelled) {
    JsonArray ids = new JsonArray();
    cancelled.forEach(id -> ids.add(id.toString()));
    return new JsonObject()
      .put("id", s.id().toString())
      .put("owner", s.owner())
      .put("state", s.state())
      .put("heartbeat_timeout_seconds", s.timeoutSeconds())
      .put("opened_at", Times.format(s.openedAt()))
      .put("last_heartbeat_at", Times.format(s.lastSeenAt()))
      .put("lapses_at", s.open() ? Times.format(s.deadline()) : null)
      .put("lapsed_at", Times.format(s.lapsedAt()))
      .put("closed_at", Times.format(s.closedAt()))
      .put("cancelled_count", s.cancelled())
      .put("cancelled", ids);
  }
}
