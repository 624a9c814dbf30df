package io.hitl.gateway.stream;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.BusActor;
import io.hitl.gateway.bus.BusErrors;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An event stream that keeps its engine's session alive: a heartbeat of the session when the stream opens, then
 * one every third of the session's timeout while it stays open (no more often, whatever the number of events),
 * as the owner's own heartbeat. When the stream drops the heartbeats stop and the session lapses on schedule. A
 * session that ends while its stream is open (lapsed, or closed by its engine) ends the stream with a
 * {@code session} event carrying the refusal.
 */
final class SessionKeepAlive {
  private static final Logger LOG = LoggerFactory.getLogger(SessionKeepAlive.class);
  /** The shortest refresh period: a 1 s timeout is refreshed every 333 ms. */
  static final long MIN_PERIOD_MS = 100;

  private final Vertx vertx;
  private final UUID id;
  private final Actor actor;
  private final String corr;
  private final long periodMs;
  private long timer = -1;
  private boolean stopped;

  private SessionKeepAlive(Vertx vertx, UUID id, Actor actor, String corr, long periodMs) {
    this.vertx = vertx;
    this.id = id;
    this.actor = actor;
    this.corr = corr;
    this.periodMs = periodMs;
  }

  /** The first heartbeat: fails as a heartbeat would (not the caller's session, lapsed, closed, no role). */
  static Future<SessionKeepAlive> begin(Vertx vertx, UUID id, Actor actor, String corr) {
    return heartbeat(vertx, id, actor, corr).map(s -> new SessionKeepAlive(vertx, id, actor, corr,
      Math.max(MIN_PERIOD_MS, s.getInteger("heartbeat_timeout_seconds") * 1000L / 3)));
  }

  /** Keeps the session alive while {@code c} is open. */
  void attach(SseClient c) {
    if (stopped) {
      return;
    }
    timer = vertx.setPeriodic(periodMs, t -> {
      if (c.closed()) {
        stop();
        return;
      }
      heartbeat(vertx, id, actor, corr).onFailure(e -> {
        GatewayException g = BusErrors.decode(e);
        if (c.closed()) {
          return;
        }
        if (g.code() == ErrorCode.SEC_073 || g.code() == ErrorCode.SEC_011) {
          stop();
          JsonObject problem = new JsonObject(g.extensions()).put("code", g.code().code()).put("detail", g.detail());
          c.write(SseFrames.event(0, "session", problem.encode()));
          c.end();
        } else {
          // the next tick tries again; the session lapses only if none gets through within its timeout
          LOG.warn("could not refresh engine session {} from its event stream: {}", id, g.detail());
        }
      });
    });
  }

  void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private static Future<JsonObject> heartbeat(Vertx vertx, UUID id, Actor actor, String corr) {
    return vertx.eventBus().<JsonObject>request(Addresses.SESSIONS_HEARTBEAT, new JsonObject().put("id", id.toString()),
      BusActor.options(actor, corr)).transform(ar -> ar.succeeded() ? Future.succeededFuture(ar.result().body())
        : Future.failedFuture(BusErrors.decode(ar.cause())));
  }
}
