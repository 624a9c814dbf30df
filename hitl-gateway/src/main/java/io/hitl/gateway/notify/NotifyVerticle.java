package io.hitl.gateway.notify;

import io.hitl.gateway.store.DbFailures;
import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.BusActor;
import io.hitl.gateway.bus.BusErrors;
import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.observability.HitlMetrics;
import io.hitl.gateway.observability.Tracing;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.Role;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.journal.Journal;
import io.hitl.gateway.store.ChatStore;
import io.hitl.gateway.store.DeliveryStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.hitl.gateway.store.OutboxStore;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.StartTLSOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier: drains the transactional outbox (SPEC I3). Woken by `hitl.events`, by `hitl.notify.wake`,
 * by a short periodic tick and by its own retry timers, it claims due jobs (no two nodes hold the same job
 * or the same chat message), sends them with bounded concurrency, and records every attempt. Also answers
 * `hitl.notify.list` and `hitl.notify.retry`. One instance per node is enough: it never blocks.
 */
public class NotifyVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(NotifyVerticle.class);
  private static final long PURGE_EVERY_MS = 60_000;
  public static final int MAX_PAGE = 500;
  private static final Set<String> STATUSES = Set.of("pending", "sending", "sent", "failed");

  private final GatewayConfig config;
  private final Pool pool;
  private final Clock clock;
  private final DeliveryStore store = new DeliveryStore();
  private final ChatStore chat = new ChatStore();
  private RetryPolicy policy;
  private HitlMetrics metrics;
  private WebClient client;
  private MailClient mail;
  private Deliveries deliveries;
  private boolean stopped;
  private boolean claiming;
  private boolean again;
  private int inFlight;
  private long tick = -1;
  private long purge = -1;
  private Promise<Void> drained;

  public NotifyVerticle(GatewayConfig config, Pool pool, Clock clock) {
    this.config = config;
    this.pool = pool;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    metrics = HitlMetrics.of(vertx);
    policy = new RetryPolicy(config.notifyMaxAttempts, Duration.ofMillis(config.notifyBackoffBaseMs),
      Duration.ofMillis(config.notifyBackoffMaxMs));
    client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(config.notifyHttpTimeoutMs)
      .setFollowRedirects(false), new PoolOptions().setHttp1MaxSize(Math.max(4, config.notifyConcurrency)));
    mail = config.smtpHost == null ? null : MailClient.create(vertx, mailConfig(config));
    deliveries = new Deliveries(pool, config, clock, new Http(client, config.notifyHttpTimeoutMs),
      Tracing.of(vertx), mail);
    var bus = vertx.eventBus();
    return Future.join(
      bus.<Object>consumer(Addresses.EVENTS, m -> pump()).completion(),
      bus.<Object>consumer(Addresses.NOTIFY_WAKE, m -> pump()).completion(),
      bus.<JsonObject>consumer(Addresses.NOTIFY_LIST, this::list).completion(),
      bus.<JsonObject>consumer(Addresses.NOTIFY_RETRY, this::retry).completion()
    ).onSuccess(x -> {
      tick = vertx.setPeriodic(config.notifyPollMs, id -> pump());
      purge = vertx.setPeriodic(PURGE_EVERY_MS, id -> purgeReplayGuard());
      pump();
    });
  }

  /** Stops claiming and lets sends in flight finish (bounded by the HTTP timeout) so their outcome is recorded. */
  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(tick);
    vertx.cancelTimer(purge);
    if (inFlight > 0 || claiming) {
      drained = Promise.promise();
      vertx.setTimer(config.notifyHttpTimeoutMs + 2000L, id -> drained.tryComplete());
      return drained.future().onComplete(x -> close());
    }
    close();
    return Future.succeededFuture();
  }

  private void close() {
    client.close();
    if (mail != null) {
      mail.close();
    }
  }

  /** SMTP with the notifier's timeout; one connection per send (sends are rare, and a stale pooled one is a retry). */
  static MailConfig mailConfig(GatewayConfig config) {
    MailConfig mc = new MailConfig().setHostname(config.smtpHost).setPort(config.smtpPort)
      .setStarttls(StartTLSOptions.valueOf(config.smtpStartTls.toUpperCase(java.util.Locale.ROOT)))
      .setKeepAlive(false);
    mc.setConnectTimeout(config.notifyHttpTimeoutMs);
    if (config.smtpUsername != null) {
      mc.setLogin(LoginOption.REQUIRED).setUsername(config.smtpUsername).setPassword(config.smtpPassword);
    } else {
      mc.setLogin(LoginOption.DISABLED);
    }
    return mc;
  }

  /** Claims as many due jobs as there is room for, hands each group to a sender, and repeats while busy. */
  private void pump() {
    if (stopped) {
      return;
    }
    int room = config.notifyConcurrency - inFlight;
    if (claiming || room <= 0) {
      again = true;
      return;
    }
    claiming = true;
    again = false;
    Instant now = now();
    UUID token = UUID.randomUUID();
    store.claim(pool, now, room, now.plusSeconds(config.notifyLeaseSeconds), token).onComplete(ar -> {
      claiming = false;
      if (stopped && inFlight == 0 && drained != null && (ar.failed() || ar.result().isEmpty())) {
        drained.tryComplete();
      }
      if (ar.failed()) {
        if (!stopped) {
          LOG.warn("could not claim outbox jobs (will try again): {}", ar.cause().toString());
        }
        return;
      }
      List<List<DeliveryStore.Job>> groups = groups(ar.result());
      for (List<DeliveryStore.Job> g : groups) {
        inFlight++;
        deliveries.deliver(g)
          .compose(outcomes -> record(g, outcomes, token))
          .onComplete(done -> {
            inFlight--;
            if (stopped && inFlight == 0 && drained != null) {
              drained.tryComplete();
            }
            if (done.failed()) {
              LOG.warn("could not record delivery outcomes (the lease will return the jobs): {}", done.cause().toString());
            }
            pump();
          });
      }
      if (again || ar.result().size() >= room) {
        pump();
      }
    });
  }

  /** Jobs of one chat message go together; every other job alone. */
  private static List<List<DeliveryStore.Job>> groups(List<DeliveryStore.Job> jobs) {
    Map<String, List<DeliveryStore.Job>> byKey = new LinkedHashMap<>();
    for (DeliveryStore.Job j : jobs) {
      boolean message = j.approvalId() != null && (JobPlan.SLACK.equals(j.channel()) || JobPlan.DISCORD.equals(j.channel()));
      String key = message ? j.approvalId() + "/" + j.channel() : "job/" + j.id();
      byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(j);
    }
    List<List<DeliveryStore.Job>> out = new ArrayList<>(byKey.values());
    out.forEach(g -> g.sort((a, b) -> Long.compare(a.id(), b.id())));
    return out;
  }

  private Future<Void> record(List<DeliveryStore.Job> group, Map<Long, Outcome> outcomes, UUID token) {
    Future<Void> f = Future.succeededFuture();
    long soonest = Long.MAX_VALUE;
    for (DeliveryStore.Job j : group) {
      Outcome o = outcomes.getOrDefault(j.id(), Outcome.retry("no outcome"));
      Instant now = now();
      switch (o.kind()) {
        case DELIVERED:
          metrics.notificationDelivered(j.channel());
          f = f.compose(x -> store.delivered(pool, j.id(), token, now).mapEmpty());
          break;
        case RETRY:
          if (policy.exhausted(j.attempts())) {
            String error = o.error() + " (gave up after " + j.attempts() + " attempts)";
            LOG.error("notification {} ({} {} of request {}) failed for good: {}", j.id(), j.channel(), j.kind(),
              j.approvalId(), error);
            metrics.notificationFailed(j.channel());
            f = f.compose(x -> failed(j, token, error, now));
          } else {
            metrics.notificationRetried(j.channel());
            Duration wait = policy.delay(j.attempts(), o.retryAfter(), ThreadLocalRandom.current().nextDouble());
            soonest = Math.min(soonest, wait.toMillis());
            LOG.warn("notification {} ({} {}) attempt {} failed, retrying in {} ms: {}", j.id(), j.channel(), j.kind(),
              j.attempts(), wait.toMillis(), o.error());
            f = f.compose(x -> store.retryLater(pool, j.id(), token, now.plus(wait), o.error(), now).mapEmpty());
          }
          break;
        default:
          metrics.notificationFailed(j.channel());
          LOG.error("notification {} ({} {} of request {}) failed for good: {}", j.id(), j.channel(), j.kind(),
            j.approvalId(), o.error());
          f = f.compose(x -> failed(j, token, o.error(), now));
      }
    }
    if (soonest != Long.MAX_VALUE) {
      long delay = Math.max(1, soonest + 5);
      f = f.onSuccess(x -> vertx.setTimer(delay, id -> pump()));
    }
    return f;
  }

  /**
   * A job failed for good. When it was a request's chat message and the email fallback is on, the
   * recipients get one email about it (at most one per request, whatever else fails later).
   */
  private Future<Void> failed(DeliveryStore.Job j, UUID token, String error, Instant now) {
    boolean chat = JobPlan.SLACK.equals(j.channel()) || JobPlan.DISCORD.equals(j.channel());
    if (!config.emailFallback || !chat || j.approvalId() == null) {
      return store.failed(pool, j.id(), token, error, now).mapEmpty();
    }
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("request_id", j.approvalId().toString());
    payload.put("failed_channel", j.channel());
    payload.put("failed_job", j.id());
    payload.put("error", error);
    return store.failedWithFollowUp(pool, j.id(), token, error, now,
      new OutboxStore.Job(j.approvalId(), JobPlan.EMAIL, EmailMessages.CHAT_FAILED, payload)).map(added -> {
        if (added) {
          LOG.warn("chat delivery of request {} failed for good; the email fallback is queued", j.approvalId());
        }
        return null;
      });
  }

  private void purgeReplayGuard() {
    chat.purgeSeen(pool, now()).onFailure(t -> LOG.debug("replay guard purge failed: {}", t.toString()));
  }

  private void list(Message<JsonObject> msg) {
    try {
      Actor actor = BusActor.from(msg.headers());
      if (!actor.has(Role.VIEWER)) {
        throw new GatewayException(ErrorCode.SEC_002, "Role 'viewer' or 'admin' is required to list notifications");
      }
      JsonObject b = msg.body() == null ? new JsonObject() : msg.body();
      String status = option(b, "status", STATUSES, "status", "pending, sending, sent, failed");
      String channel = option(b, "channel", Set.of(JobPlan.SLACK, JobPlan.DISCORD, JobPlan.WEBHOOK,
        Callbacks.CHANNEL, JobPlan.EMAIL), "channel", "slack, discord, webhook, callback, email");
      UUID approvalId = b.getValue("approval_id") == null ? null : uuid(b.getValue("approval_id"), "approval_id");
      int limit = number(b.getValue("limit", 50), "limit", 1, MAX_PAGE);
      Long before = b.getValue("cursor") == null ? null : (long) number(b.getValue("cursor"), "cursor", 1, Integer.MAX_VALUE);
      store.list(pool, status, channel, approvalId, before, limit).onSuccess(jobs -> {
        JsonArray items = new JsonArray();
        jobs.forEach(j -> items.add(view(j)));
        msg.reply(new JsonObject().put("items", items)
          .put("next_cursor", jobs.size() == limit ? String.valueOf(jobs.get(jobs.size() - 1).id()) : null));
      }).onFailure(t -> BusErrors.fail(msg, DbFailures.of(t)));
    } catch (GatewayException e) {
      BusErrors.fail(msg, e);
    }
  }

  /** An admin puts a dead job back in the queue with a fresh set of attempts; audited. */
  private void retry(Message<JsonObject> msg) {
    Actor actor;
    long id;
    try {
      actor = BusActor.from(msg.headers());
      actor.require(Role.ADMIN, "retry notifications");
      id = number(msg.body() == null ? null : msg.body().getValue("id"), "id", 1, Integer.MAX_VALUE);
    } catch (GatewayException e) {
      BusErrors.fail(msg, e);
      return;
    }
    String corr = msg.headers().get(Headers.CORRELATION_ID);
    Instant now = now();
    Journal.on(vertx).inTransaction(pool, tx -> store.requeueFailed(tx.conn(), id, now).compose(job -> {
      if (job == null) {
        return store.find(tx.conn(), id).compose(existing -> Future.failedFuture(existing == null
          ? new GatewayException(ErrorCode.SEC_011, "No notification " + id)
          : new GatewayException(ErrorCode.SEC_030, "Only failed notifications can be retried; notification " + id
            + " is " + existing.status())));
      }
      Map<String, Object> payload = new LinkedHashMap<>();
      payload.put("notification_id", id);
      payload.put("channel", job.channel());
      payload.put("kind", job.kind());
      payload.put("last_error", job.lastError());
      JournalEntry e = JournalEntry.of(job.approvalId(), "notification:" + id, actor.subject(), "notification_retried",
        "failed", "pending", payload, corr, null, now);
      return tx.append(e).map(x -> job);
    })).onSuccess(job -> {
      vertx.eventBus().publish(Addresses.NOTIFY_WAKE, new JsonObject().put("id", id));
      msg.reply(view(job));
    }).onFailure(t -> BusErrors.fail(msg, DbFailures.of(t)));
  }

  /** A job as the API shows it; a webhook or callback job's URL is reduced to its host (paths and queries can hold secrets). */
  static JsonObject view(DeliveryStore.Job j) {
    Map<String, Object> payload = j.payload() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(j.payload());
    Object url = payload.remove("url");
    JsonObject v = new JsonObject()
      .put("id", j.id())
      .put("approval_id", j.approvalId() == null ? null : j.approvalId().toString())
      .put("channel", j.channel())
      .put("kind", j.kind())
      .put("status", j.status())
      .put("attempts", j.attempts())
      .put("next_attempt_at", "pending".equals(j.status()) ? Times.format(j.nextAttemptAt()) : null)
      .put("last_error", j.lastError())
      .put("created_at", Times.format(j.createdAt()))
      .put("updated_at", Times.format(j.updatedAt()))
      .put("sent_at", Times.format(j.sentAt()));
    if (url instanceof String) {
      v.put("target", Deliveries.host((String) url));
      payload.remove("body");
    }
    v.put("payload", new JsonObject(payload));
    return v;
  }

  private Instant now() {
    return Times.micros(clock.instant());
  }

  private static String option(JsonObject b, String key, Set<String> allowed, String field, String list) {
    Object v = b.getValue(key);
    if (v == null) {
      return null;
    }
    String s = String.valueOf(v).toLowerCase(java.util.Locale.ROOT);
    if (!allowed.contains(s)) {
      throw GatewayException.invalid(Map.of(field, "must be one of " + list));
    }
    return s;
  }

  private static int number(Object v, String field, int min, int max) {
    long n;
    try {
      n = v instanceof Number ? ((Number) v).longValue() : Long.parseLong(String.valueOf(v));
    } catch (NumberFormatException e) {
      n = Long.MIN_VALUE;
    }
    if (n < min || n > max) {
      throw GatewayException.invalid(Map.of(field, "must be a whole number between " + min + " and " + max));
    }
    return (int) n;
  }

  private static UUID uuid(Object v, String field) {
    try {
      UUID id = UUID.fromString(String.valueOf(v));
      if (id.toString().equalsIgnoreCase(String.valueOf(v))) {
        return id;
      }
    } catch (IllegalArgumentException ignored) {
      // reported below
    }
    throw GatewayException.invalid(Map.of(field, "must be a UUID"));
  }
}
