package io.hitl.gateway.outbox;

import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.observability.HitlMetrics;
import io.hitl.gateway.store.ChatStore;
import io.hitl.gateway.store.DeliveryStore;
import io.hitl.gateway.store.OutboxStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the transactional outbox: claims due jobs (no two nodes hold the same job or the same chat
 * message), sends them with bounded concurrency through {@link Deliveries}, and records every attempt.
 * Runs on one event loop; {@link #pump()} is safe to call as often as anything wakes it.
 */
final class OutboxDrainer {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxDrainer.class);

  private final Vertx vertx;
  private final GatewayConfig config;
  private final Pool pool;
  private final Clock clock;
  private final Deliveries deliveries;
  private final HitlMetrics metrics;
  private final RetryPolicy policy;
  private final DeliveryStore store = new DeliveryStore();
  private final ChatStore chat = new ChatStore();
  /** Channels whose service answered with Retry-After: not claimed from until then. */
  private final Quiet channels = new Quiet();
  private boolean stopped;
  private boolean claiming;
  private boolean again;
  private int inFlight;
  private Promise<Void> drained;

  OutboxDrainer(Vertx vertx, GatewayConfig config, Pool pool, Clock clock, Deliveries deliveries, HitlMetrics metrics) {
    this.vertx = vertx;
    this.config = config;
    this.pool = pool;
    this.clock = clock;
    this.deliveries = deliveries;
    this.metrics = metrics;
    this.policy = new RetryPolicy(config.notifyMaxAttempts, Duration.ofMillis(config.notifyBackoffBaseMs),
      Duration.ofMillis(config.notifyBackoffMaxMs));
  }

  /** Stops claiming; completes once sends in flight recorded their outcome (bounded by the HTTP timeout). */
  Future<Void> stop() {
    stopped = true;
    if (inFlight > 0 || claiming) {
      drained = Promise.promise();
      vertx.setTimer(config.notifyHttpTimeoutMs + 2000L, id -> drained.tryComplete());
      return drained.future();
    }
    return Future.succeededFuture();
  }

  /** Claims as many due jobs as there is room for, hands each group to a sender, and repeats while busy. */
  void pump() {
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
    List<String> quiet = channels.keys(now);
    store.claim(pool, now, room, now.plusSeconds(config.notifyLeaseSeconds), token, quiet).onComplete(ar -> {
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
      metrics.outboxClaimed(!ar.result().isEmpty());
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
            if (o.retryAfter() != null) {
              // the service asked for a pause: nothing more is claimed for this channel before it ends
              channels.until(j.channel(), now.plus(o.retryAfter()));
            }
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

  void purgeReplayGuard() {
    chat.purgeSeen(pool, now()).onFailure(t -> LOG.debug("replay guard purge failed: {}", t.toString()));
  }

  private Instant now() {
    return Times.micros(clock.instant());
  }
}
