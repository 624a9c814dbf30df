package io.hitl.gateway.outbox;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.BusActor;
import io.hitl.gateway.bus.BusErrors;
import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.Role;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.journal.Journal;
import io.hitl.gateway.store.DbFailures;
import io.hitl.gateway.store.DeliveryStore;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** `hitl.notify.list` and `hitl.notify.retry`: the outbox as operators see it, and an admin's retry of a dead job. */
final class NotificationService {
  static final int MAX_PAGE = 500;
  private static final Set<String> STATUSES = Set.of("pending", "sending", "sent", "failed");

  private final Pool pool;
  private final Clock clock;
  private final EventBus bus;
  private final Journal journal;
  private final DeliveryStore store = new DeliveryStore();

  NotificationService(Pool pool, Clock clock, EventBus bus, Journal journal) {
    this.pool = pool;
    this.clock = clock;
    this.bus = bus;
    this.journal = journal;
  }

  void list(Message<JsonObject> msg) {
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
  void retry(Message<JsonObject> msg) {
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
    journal.inTransaction(pool, tx -> store.requeueFailed(tx.conn(), id, now).compose(job -> {
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
      return tx.append(actor.stamp(e)).map(x -> job);
    })).onSuccess(job -> {
      bus.publish(Addresses.NOTIFY_WAKE, new JsonObject().put("id", id));
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
