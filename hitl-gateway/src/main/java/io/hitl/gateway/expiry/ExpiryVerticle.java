package io.hitl.gateway.expiry;

import io.hitl.gateway.approval.ApprovalVerticle;
import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.BusActor;
import io.hitl.gateway.bus.BusErrors;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expiry timers (SPEC §2, I4): one timer per pending request this node hears about on `hitl.events`, armed
 * for the next thing due (deadline, escalation notice or reminder) and cancelled when the request is
 * decided. A firing timer asks the approval service (`hitl.approvals.expire`) to apply what is due; its
 * conditional writes make a second node's timer for the same request harmless. Start-up runs
 * {@link Recovery}; a periodic sweep is the safety net for timers this node never armed.
 */
public class ExpiryVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ExpiryVerticle.class);
  /** Most requests one message to the approval service names; the approval service accepts no more. */
  static final int BATCH = ApprovalVerticle.EXPIRE_BATCH;
  /** Messages out to the approval service at once; what falls due meanwhile waits in order and goes out together. */
  static final int BATCHES_IN_FLIGHT = 2;
  private static final long RETRY_MILLIS = 500;
  /** The safety net leaves requests due less than this long ago to their timers. */
  private static final long SAFETY_NET_GRACE_MILLIS = 1000;

  private final GatewayConfig config;
  private final Pool pool;
  private final Clock clock;
  private Scheduler timers;
  private DeliveryOptions system;
  private final LinkedHashMap<UUID, Promise<Void>> queued = new LinkedHashMap<>();
  private final Map<UUID, Promise<Void>> inFlight = new HashMap<>();
  private int batches;
  private boolean pumpPending;
  private long ticks;
  private long messages;
  private long retries;
  private boolean sweeping;
  private Recovery.Summary recovery;

  public ExpiryVerticle(GatewayConfig config, Pool pool, Clock clock) {
    this.config = config;
    this.pool = pool;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    timers = new VertxScheduler(vertx, clock, this::dispatch);
    system = BusActor.options(Actor.SYSTEM, null);
    var bus = vertx.eventBus();
    return Future.join(
        bus.<JsonObject>consumer(Addresses.EVENTS, m -> onEvent(m.body())).completion(),
        bus.<JsonObject>localConsumer(Addresses.EXPIRY_SWEEP, this::sweep).completion())
      // recovery runs before the API, the streams and the notifier of this node start: only other cluster
      // members can hear a `recovered` event then, so a standalone node builds and publishes none
      .compose(v -> new Recovery(vertx, pool, clock, timers, this::dispatch,
        vertx.isClustered() ? event -> vertx.eventBus().publish(Addresses.EVENTS, event) : null,
        config.timeoutDefaults()).run())
      .onSuccess(s -> {
        recovery = s;
        vertx.setPeriodic(config.expirySweepSeconds * 1000L, id -> safetyNet());
      });
  }

  /** Arms on events that carry next_timer_at for a pending request; cancels on every decided one. */
  private void onEvent(JsonObject e) {
    JsonObject a = e == null ? null : e.getJsonObject("approval");
    if (a == null) {
      return;
    }
    try {
      UUID id = UUID.fromString(a.getString("request_id"));
      if (!"pending".equals(a.getString("status"))) {
        timers.cancel(id);
        return;
      }
      String next = e.getString("next_timer_at");
      if (next != null) {
        timers.schedule(id, Instant.parse(next));
      }
    } catch (IllegalArgumentException | DateTimeParseException | ClassCastException ignored) {
      LOG.warn("ignoring a malformed event on {}", Addresses.EVENTS);
    }
  }

  /**
   * Hands a request to the approval service; the future completes when its tick is done (never fails).
   * Requests handed over in the same turn of the event loop (timers falling due together) go out together.
   */
  Future<Void> dispatch(UUID id) {
    Promise<Void> p = inFlight.get(id);
    if (p == null) {
      p = queued.get(id);
    }
    if (p == null) {
      p = Promise.promise();
      queued.put(id, p);
      if (!pumpPending) {
        pumpPending = true;
        context.runOnContext(v -> {
          pumpPending = false;
          pump();
        });
      }
    }
    return p.future();
  }

  /** Sends what waits, in order, as batches of at most {@link #BATCH} while fewer than {@link #BATCHES_IN_FLIGHT} are out. */
  private void pump() {
    while (batches < BATCHES_IN_FLIGHT && !queued.isEmpty()) {
      Map<UUID, Promise<Void>> batch = new LinkedHashMap<>();
      Iterator<Map.Entry<UUID, Promise<Void>>> it = queued.entrySet().iterator();
      while (it.hasNext() && batch.size() < BATCH) {
        Map.Entry<UUID, Promise<Void>> next = it.next();
        it.remove();
        batch.put(next.getKey(), next.getValue());
      }
      inFlight.putAll(batch);
      batches++;
      tick(new ArrayList<>(batch.keySet())).onComplete(ar -> {
        batches--;
        batch.forEach((id, p) -> {
          inFlight.remove(id);
          p.complete();
        });
        pump();
      });
    }
  }

  /** One message for the requests due together; each is re-armed, forgotten or retried as its own outcome says. */
  private Future<Void> tick(List<UUID> ids) {
    ticks += ids.size();
    messages++;
    JsonArray body = new JsonArray();
    ids.forEach(id -> body.add(id.toString()));
    return vertx.eventBus().<JsonObject>request(Addresses.APPROVALS_EXPIRE, new JsonObject().put("request_ids", body),
        system)
      .map(reply -> {
        JsonArray results = reply.body().getJsonArray("results");
        Map<UUID, JsonObject> byId = new HashMap<>();
        for (int i = 0; i < results.size(); i++) {
          JsonObject r = results.getJsonObject(i);
          byId.put(UUID.fromString(r.getString("request_id")), r);
        }
        for (UUID id : ids) {
          JsonObject r = byId.get(id);
          if (r == null) {
            retry(id, ErrorCode.SEC_099, "no outcome in the reply");
          } else if (r.getString("code") != null) {
            refused(id, ErrorCode.fromCode(r.getString("code")), r.getString("detail"));
          } else {
            applied(id, r.getString("status"), r.getString("next_timer_at"));
          }
        }
        return (Void) null;
      })
      .recover(t -> {
        GatewayException g = BusErrors.decode(t);
        ids.forEach(id -> refused(id, g.code(), g.detail()));
        return Future.succeededFuture();
      });
  }

  private void applied(UUID id, String status, String next) {
    if (next != null && "pending".equals(status)) {
      timers.schedule(id, Instant.parse(next));
    } else {
      timers.cancel(id);
    }
  }

  private void refused(UUID id, ErrorCode code, String detail) {
    if (code == ErrorCode.SEC_080 || code == ErrorCode.SEC_011) {
      timers.cancel(id);
    } else {
      retry(id, code, detail);
    }
  }

  private void retry(UUID id, ErrorCode code, String detail) {
    retries++;
    LOG.warn("timer of request {} could not be applied ({}: {}); retrying in {} ms", id, code.code(), detail,
      RETRY_MILLIS);
    Instant retry = clock.instant().plusMillis(RETRY_MILLIS);
    Instant armed = timers.dueAt(id);
    if (armed == null || armed.isAfter(retry)) {
      timers.schedule(id, retry);
    }
  }

  /** Fires what the clock says is due now and replies once those ticks, and any already under way, are done. */
  private void sweep(Message<JsonObject> msg) {
    List<UUID> due = timers.takeDue();
    List<Future<Void>> waits = new ArrayList<>();
    due.forEach(id -> waits.add(dispatch(id)));
    inFlight.values().forEach(p -> waits.add(p.future()));
    queued.values().forEach(p -> waits.add(p.future()));
    Future.join(waits).onComplete(ar -> msg.reply(status().put("fired", due.size())));
  }

  private JsonObject status() {
    return new JsonObject().put("armed", timers.size()).put("ticks", ticks).put("messages", messages)
      .put("retries", retries)
      .put("in_flight", inFlight.size()).put("queued", queued.size())
      .put("recovery", recovery == null ? null : recovery.json());
  }

  /** Timers late after a clock jump, then every overdue request no timer here knew about (lost event, dead node). */
  private void safetyNet() {
    timers.takeDue().forEach(this::dispatch);
    if (sweeping) {
      return;
    }
    sweeping = true;
    DeliveryOptions o = BusActor.options(Actor.SYSTEM, null).setSendTimeout(60_000);
    vertx.eventBus().<JsonObject>request(Addresses.APPROVALS_CLEANUP,
        new JsonObject().put("grace_ms", SAFETY_NET_GRACE_MILLIS), o)
      .onSuccess(m -> {
        JsonObject r = m.body();
        if (r.getInteger("count", 0) > 0 || r.getInteger("notices", 0) > 0) {
          LOG.warn("safety-net sweep handled {} overdue request(s) and {} escalation notice(s) no timer had fired",
            r.getInteger("count"), r.getInteger("notices"));
        }
      })
      .onFailure(t -> LOG.warn("safety-net sweep failed: {}", BusErrors.decode(t).detail()))
      .onComplete(ar -> sweeping = false);
  }
}
