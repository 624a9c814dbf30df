package io.hitl.gateway.guardian;

import io.hitl.gateway.approval.ApprovalService;
import io.hitl.gateway.approval.GuardianCascade;
import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.BusActor;
import io.hitl.gateway.bus.BusErrors;
import io.hitl.gateway.bus.BusReplies;
import io.hitl.gateway.bus.GuardJson;
import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.RequestValidator;
import io.hitl.gateway.core.Role;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.guard.GuardianRules;
import io.hitl.gateway.core.guard.GuardianSource;
import io.hitl.gateway.core.guard.GuardianStatus;
import io.hitl.gateway.core.guard.GuardianWatch;
import io.hitl.gateway.journal.Journal;
import io.hitl.gateway.store.Json;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpResponseExpectation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Guardian watcher (one per node): kill-switch state from the status endpoint, the
 * `guardian.status` address and the admin API, plus symbol lockouts and approval settings.
 * Every change goes through PostgreSQL, so the node that applies it first wins and the rest agree.
 */
public class GuardianVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GuardianVerticle.class);
  private static final String GUARDIAN_ACTOR = "guardian";
  private static final long MAX_POLL_TIMEOUT_MS = 5000;

  private final GatewayConfig config;
  private final Pool pool;
  private final Clock clock;
  private final Function<Vertx, ApprovalService> approvals;
  private GuardianCascade cascade;
  private GuardsService guards;
  private GuardianWatch watch;
  private WebClient client;
  private long timer = -1;
  private long integrityTimer = -1;
  /** The tamper last alerted on this node, so one tamper raises one alert here. */
  private List<String> alerted = List.of();
  private boolean polling;

  /** {@code approvals} builds the approval service the lock cascade writes through. */
  public GuardianVerticle(GatewayConfig config, Pool pool, Clock clock, Function<Vertx, ApprovalService> approvals) {
    this.config = config;
    this.pool = pool;
    this.clock = clock;
    this.approvals = approvals;
  }

  @Override
  public Future<?> start() {
    cascade = new GuardianCascade(approvals.apply(vertx));
    guards = new GuardsService(pool, config, clock, Journal.on(vertx));
    watch = new GuardianWatch(Duration.ofSeconds(config.guardianGraceSeconds), clock.instant());
    var bus = vertx.eventBus();
    Future<?> consumers = Future.join(List.of(
      bus.<JsonObject>consumer(Addresses.GUARDIAN_STATUS, this::status).completion(),
      bus.<JsonObject>consumer(Addresses.GUARDIAN_GET, this::get).completion(),
      bus.<JsonObject>consumer(Addresses.GUARDIAN_LOCK, this::lock).completion(),
      bus.<JsonObject>consumer(Addresses.GUARDIAN_UNLOCK, this::unlock).completion(),
      bus.<JsonObject>consumer(Addresses.LOCKOUTS_LIST, this::listLockouts).completion(),
      bus.<JsonObject>consumer(Addresses.LOCKOUTS_CREATE, this::createLockout).completion(),
      bus.<JsonObject>consumer(Addresses.LOCKOUTS_REMOVE, this::removeLockout).completion(),
      bus.<JsonObject>consumer(Addresses.SETTINGS_GET, this::getSettings).completion(),
      bus.<JsonObject>consumer(Addresses.SETTINGS_PUT, this::putSettings).completion()));
    integrityTimer = vertx.setPeriodic(config.guardianPollSeconds * 1000L, id -> checkIntegrity());
    if (config.guardianUrl != null) {
      client = WebClient.create(vertx);
      timer = vertx.setPeriodic(1, config.guardianPollSeconds * 1000L, id -> poll());
    }
    return consumers;
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (integrityTimer >= 0) {
      vertx.cancelTimer(integrityTimer);
    }
    if (client != null) {
      client.close();
    }
    return Future.succeededFuture();
  }

  /**
   * Reads already fail closed on a Guardian row that disagrees with the journal; this raises the alert
   * (journaled, published as integrity.alert) once per tamper.
   */
  private void checkIntegrity() {
    guards.checkedGuardian().compose(c -> {
      List<String> found = c.differences().stream().map(d -> d.describe()).toList();
      if (!c.tampered() || found.equals(alerted)) {
        return Future.<Void>succeededFuture();
      }
      LOG.error("SEC-080 the Guardian row disagrees with the journal ({}); treated as LOCKED until an admin unlocks",
        found);
      return guards.integrityAlert(c).onSuccess(v -> alerted = found);
    }).onFailure(t -> LOG.warn("could not check the Guardian row against the journal: {}", t.getMessage()));
  }

  private void poll() {
    if (polling) {
      return;
    }
    polling = true;
    long timeout = Math.min(config.guardianPollSeconds * 1000L, MAX_POLL_TIMEOUT_MS);
    client.getAbs(config.guardianUrl).timeout(timeout).send()
      .expecting(HttpResponseExpectation.SC_SUCCESS)
      .map(r -> GuardianStatus.parse(Json.plainMap(json(r.bodyAsString()))))
      .transform(ar -> {
        GuardianWatch.Action a = ar.succeeded() ? watch.answered(ar.result(), clock.instant())
          : watch.failed(describe(ar.cause()), clock.instant());
        return apply(a);
      })
      .onComplete(ar -> polling = false);
  }

  private Future<Void> apply(GuardianWatch.Action a) {
    switch (a.kind()) {
      case LOCK:
        return change(true, GuardianSource.HTTP, a.reason(), GUARDIAN_ACTOR);
      case UNLOCK:
        return change(false, GuardianSource.HTTP, a.reason(), GUARDIAN_ACTOR);
      case FAIL_CLOSED:
        return change(true, GuardianSource.FAIL_CLOSED, a.reason(), ApprovalService.SYSTEM);
      default:
        return Future.succeededFuture();
    }
  }

  /** A cheap read first, so polls that change nothing never take the row lock. */
  private Future<Void> change(boolean lock, GuardianSource source, String reason, String actor) {
    return guards.guardian().compose(current -> {
      if (!GuardianRules.changes(current, lock, source)) {
        return Future.<Void>succeededFuture();
      }
      String corr = "guardian-" + UUID.randomUUID();
      return (lock ? cascade.lock(source, reason, actor, corr) : cascade.unlock(source, reason, actor, corr))
        .onSuccess(r -> log(r, source, reason)).<Void>mapEmpty();
    }).onFailure(t -> LOG.warn("could not apply Guardian state from {}: {}", source.json(), t.getMessage()))
      .otherwiseEmpty();
  }

  private static void log(GuardianCascade.Result r, GuardianSource source, String reason) {
    if (!r.changed()) {
      return;
    }
    if (r.state().locked()) {
      LOG.warn("Guardian LOCKED by {} ({}): {} pending request(s) rejected", source.json(), reason, r.rejected());
    } else {
      LOG.info("Guardian UNLOCKED by {} ({})", source.json(), reason);
    }
  }

  /** The answer as a JSON object; anything else is an unusable answer, like no answer at all. */
  private static JsonObject json(String body) {
    try {
      return new JsonObject(body == null ? "" : body);
    } catch (RuntimeException e) {
      throw new IllegalStateException("the Guardian answered something other than a JSON object");
    }
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  /** `guardian.status` from JVM services: an admin credential, the answer (if asked for) is the stored state. */
  private void status(Message<JsonObject> msg) {
    GuardianStatus s;
    Actor actor;
    try {
      actor = BusActor.from(msg.headers());
      actor.require(Role.ADMIN, "report the Guardian's state");
      s = GuardianStatus.parse(Json.plainMap(BusReplies.body(msg)));
    } catch (GatewayException e) {
      LOG.warn("ignored Guardian status on {}: {}", Addresses.GUARDIAN_STATUS, e.detail());
      if (msg.replyAddress() != null) {
        BusErrors.fail(msg, e);
      }
      return;
    }
    String reason = s.reason() != null ? s.reason() : "Guardian reports " + (s.locked() ? "LOCKED" : "UNLOCKED");
    change(s.locked(), GuardianSource.BUS, reason, actor.subject()).compose(v -> guards.guardian()).onComplete(ar -> {
      if (msg.replyAddress() == null) {
        return;
      }
      if (ar.succeeded()) {
        msg.reply(GuardJson.guardian(ar.result()));
      } else {
        BusErrors.fail(msg, BusReplies.asGateway(ar.cause()));
      }
    });
  }

  private void get(Message<JsonObject> msg) {
    handle(msg, actor -> {
      if (!actor.canRead()) {
        throw new GatewayException(ErrorCode.SEC_002, "A role is required to read the Guardian state");
      }
      return guards.guardian().map(g -> GuardJson.guardian(g).put("endpoint", endpoint()));
    });
  }

  private JsonObject endpoint() {
    if (config.guardianUrl == null) {
      return new JsonObject().put("configured", false);
    }
    return new JsonObject()
      .put("configured", true)
      .put("poll_seconds", config.guardianPollSeconds)
      .put("grace_seconds", config.guardianGraceSeconds)
      .put("last_contact_at", Times.format(watch.lastContact()))
      .put("failing_since", Times.format(watch.failingSince()))
      .put("last_error", watch.lastError());
  }

  private void lock(Message<JsonObject> msg) {
    adminChange(msg, true);
  }

  private void unlock(Message<JsonObject> msg) {
    adminChange(msg, false);
  }

  private void adminChange(Message<JsonObject> msg, boolean lock) {
    handle(msg, actor -> {
      GuardsService.requireAdmin(actor, lock ? "lock the Guardian" : "unlock the Guardian");
      String reason = RequestValidator.optionalText(BusReplies.body(msg).getValue("reason"), "reason",
        GuardianStatus.MAX_REASON);
      String why = reason != null ? reason : (lock ? "Locked" : "Unlocked") + " by " + actor.subject();
      String corr = msg.headers().get(Headers.CORRELATION_ID);
      return cascade.change(lock, GuardianSource.MANUAL, why, actor, corr)
        .onSuccess(r -> log(r, GuardianSource.MANUAL, why))
        .map(r -> GuardJson.guardian(r.state()).put("changed", r.changed()).put("rejected", r.rejected()));
    });
  }

  private void listLockouts(Message<JsonObject> msg) {
    handle(msg, actor -> guards.lockouts(actor).map(list -> {
      JsonArray items = new JsonArray();
      list.forEach(l -> items.add(GuardJson.lockout(l)));
      return new JsonObject().put("items", items);
    }));
  }

  /** Admins (through the API) and system processes (no actor) both create lockouts here. */
  private void createLockout(Message<JsonObject> msg) {
    Actor actor;
    try {
      actor = msg.headers().get(Headers.ACTOR) == null ? null : BusActor.from(msg.headers());
    } catch (GatewayException e) {
      BusErrors.fail(msg, e);
      return;
    }
    BusReplies.reply(msg, () -> guards.createLockout(Json.plainMap(BusReplies.body(msg)), actor,
      msg.headers().get(Headers.CORRELATION_ID)).map(GuardJson::lockout));
  }

  private void removeLockout(Message<JsonObject> msg) {
    handle(msg, actor -> {
      JsonObject b = BusReplies.body(msg);
      UUID id;
      try {
        id = UUID.fromString(String.valueOf(b.getValue("id")));
      } catch (IllegalArgumentException e) {
        throw GatewayException.invalid(Map.of("id", "must be a UUID"));
      }
      return guards.removeLockout(id, b.getValue("reason"), actor, msg.headers().get(Headers.CORRELATION_ID))
        .map(GuardJson::lockout);
    });
  }

  private void getSettings(Message<JsonObject> msg) {
    handle(msg, actor -> guards.settings(actor).map(s -> GuardJson.settings(s, config.hitlEnabled)));
  }

  private void putSettings(Message<JsonObject> msg) {
    handle(msg, actor -> guards.updateSettings(Json.plainMap(BusReplies.body(msg)), actor,
        msg.headers().get(Headers.CORRELATION_ID))
      .map(s -> GuardJson.settings(s, config.hitlEnabled)));
  }

  private void handle(Message<JsonObject> msg, Function<Actor, Future<JsonObject>> work) {
    BusReplies.answer(msg, work);
  }
}
