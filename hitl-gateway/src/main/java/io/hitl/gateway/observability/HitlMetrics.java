package io.hitl.gateway.observability;

import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.store.MetricsStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The domain metrics of one gateway node (docs/metrics.md). Every meter is registered up front with all
 * its label values, so a fresh node already shows each series at zero. Counters of state changes are fed
 * by {@link #event(JsonObject)} on the node that committed the change, so a clustered event bus that
 * delivers each event to every node does not multiply them. The pending and outbox gauges are
 * cluster-wide figures read from PostgreSQL, refreshed when scraped and at most every
 * HITL_METRICS_DB_REFRESH_SECONDS.
 *
 * <p>Verticles find the node's instance with {@link #of(Vertx)}, so notifier and stream verticles call
 * {@link #notificationDelivered(String)} or {@link #sseConnected()} without new constructor parameters.
 */
public final class HitlMetrics implements Shareable {
  private static final Logger LOG = LoggerFactory.getLogger(HitlMetrics.class);
  private static final String MAP = "hitl.observability";
  private static final String KEY = "metrics";
  static final Duration[] RESPONSE_BUCKETS = seconds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
    5, 10);
  static final Duration[] LATENESS_BUCKETS = seconds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10);
  static final Duration[] DECISION_BUCKETS = seconds(0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200,
    21_600, 86_400, 604_800);

  private final MeterRegistry registry;
  private final Clock clock;
  private final Pool pool;
  private final long refreshMillis;
  private final MetricsStore store = new MetricsStore();
  private final WorkflowMetrics workflow;

  private final Map<String, Counter> requests = new HashMap<>();
  private final Map<String, Counter> approvals = new HashMap<>();
  private final Map<String, Counter> rejections = new HashMap<>();
  private final Counter rejectionsTimeout;
  private final Counter expired;
  private final Counter cancelled;
  private final Counter escalations;
  private final Counter reminders;
  private final Counter integrityAlerts;
  private final Map<String, Counter> rateLimited = new HashMap<>();
  private final Map<String, Counter> blockedByGuardian = new HashMap<>();
  /** Series created on first use: every operation and SEC code at zero would be hundreds of lines. */
  private final Map<String, Counter> refusals = new ConcurrentHashMap<>();
  private final Map<String, Timer> responseLatency = new ConcurrentHashMap<>();
  private final Map<String, Timer> decisionLatency = new ConcurrentHashMap<>();
  private final Map<String, Counter> delivered = new HashMap<>();
  private final Map<String, Counter> retried = new HashMap<>();
  private final Map<String, Counter> failed = new HashMap<>();
  private final AtomicLong sseConnections = new AtomicLong();
  private final Map<String, java.util.concurrent.atomic.AtomicInteger> instances = new ConcurrentHashMap<>();
  private final Timer expiryLateness;
  private final AtomicLong guardianLocked = new AtomicLong();
  private final AtomicLong databaseUp = new AtomicLong();
  private final Map<String, AtomicLong> pending = new HashMap<>();
  private final AtomicReference<Instant> oldestPending = new AtomicReference<>();
  private final Map<String, AtomicLong> outboxDepth = new HashMap<>();
  private final Counter claimsWithJobs;
  private final Counter claimsEmpty;
  private final Object refreshLock = new Object();
  private long refreshedAt = Long.MIN_VALUE;
  private Future<Void> refreshing;

  /**
   * Registers the domain meters on {@code registry}. {@code pool} is where the cluster-wide gauges are read
   * from (null: they stay at zero); {@code dbRefreshSeconds} is how old those figures may be when scraped.
   */
  public HitlMetrics(MeterRegistry registry, Clock clock, Pool pool, int dbRefreshSeconds) {
    this.registry = registry;
    this.clock = clock;
    this.pool = pool;
    this.refreshMillis = TimeUnit.SECONDS.toMillis(dbRefreshSeconds);
    this.workflow = new WorkflowMetrics(registry, clock);
    for (String type : Labels.TYPES) {
      requests.put(type, Counter.builder("hitl.requests").description("Approval requests created")
        .tag("type", type).register(registry));
      AtomicLong n = new AtomicLong();
      pending.put(type, n);
      Gauge.builder("hitl.pending.requests", n, AtomicLong::get)
        .description("Requests pending now, whole cluster (read from PostgreSQL)").tag("type", type).register(registry);
    }
    for (String reason : Labels.APPROVAL_REASONS) {
      approvals.put(reason, Counter.builder("hitl.approvals").description("Requests approved")
        .tag("reason", reason).register(registry));
    }
    for (String reason : Labels.REJECTION_REASONS) {
      rejections.put(reason, Counter.builder("hitl.rejections")
        .description("Requests rejected or expired, and approvals refused by the price guards").tag("reason", reason)
        .register(registry));
    }
    rejectionsTimeout = Counter.builder("hitl.rejections.timeout").description("Requests expired at their deadline")
      .register(registry);
    expired = Counter.builder("hitl.expired").description("Requests that reached status expired").register(registry);
    cancelled = Counter.builder("hitl.cancelled").description("Requests cancelled").register(registry);
    escalations = Counter.builder("hitl.escalations").description("Escalation notices and escalations to a new level")
      .register(registry);
    reminders = Counter.builder("hitl.reminders").description("Reminders sent for pending requests").register(registry);
    integrityAlerts = Counter.builder("hitl.integrity.alerts")
      .description("Rows that failed their integrity check (SEC-080)").register(registry);
    for (String stage : Labels.GUARDIAN_STAGES) {
      blockedByGuardian.put(stage, Counter.builder("blocked_by_guardian")
        .description("Requests rejected by a Guardian lock, and creates and decisions refused while locked")
        .tag("stage", stage).register(registry));
    }
    for (String channel : Labels.NOTIFY_CHANNELS) {
      delivered.put(channel, Counter.builder("hitl.notifications.delivered")
        .description("Notifications delivered").tag("channel", channel).register(registry));
      retried.put(channel, Counter.builder("hitl.notifications.retried")
        .description("Notification attempts that failed and will be retried").tag("channel", channel)
        .register(registry));
      failed.put(channel, Counter.builder("hitl.notifications.failed")
        .description("Notifications given up after their last attempt").tag("channel", channel).register(registry));
      AtomicLong depth = new AtomicLong();
      outboxDepth.put(channel, depth);
      Gauge.builder("hitl.outbox.depth", depth, AtomicLong::get)
        .description("Notification jobs waiting to be sent, whole cluster (read from PostgreSQL)")
        .tag("channel", channel).register(registry);
    }
    claimsWithJobs = Counter.builder("hitl.outbox.claims").description("Claims of due outbox jobs by this node's notifier")
      .tag("result", "jobs").register(registry);
    claimsEmpty = Counter.builder("hitl.outbox.claims").description("Claims of due outbox jobs by this node's notifier")
      .tag("result", "empty").register(registry);
    Labels.TIMED_OPERATIONS.forEach(op -> responseTimer(op, "ok"));
    Gauge.builder("hitl.oldest.pending.age", this, HitlMetrics::oldestPendingAgeSeconds).baseUnit("seconds")
      .description("Age of the oldest pending request, whole cluster (read from PostgreSQL); 0 when none")
      .register(registry);
    for (String scope : List.of("caller", "ip")) {
      rateLimited.put(scope, Counter.builder("hitl.rate.limited")
        .description("Intake and decision calls refused with SEC-060, by the bucket that was empty").tag("scope", scope)
        .register(registry));
    }
    Gauge.builder("hitl.sse.connections", sseConnections, AtomicLong::get)
      .description("SSE streams open on this node").register(registry);
    expiryLateness = Timer.builder("hitl.expiry.lateness")
      .description("How long after its deadline a request's timeout action committed (decided_at - expires_at)")
      .serviceLevelObjectives(LATENESS_BUCKETS).register(registry);
    Gauge.builder("hitl.guardian.locked", guardianLocked, AtomicLong::get)
      .description("1 while the Guardian kill switch is locked, whole cluster (read from PostgreSQL)").register(registry);
    Gauge.builder("hitl.database.up", databaseUp, AtomicLong::get)
      .description("1 when this node's last read of the cluster figures from PostgreSQL succeeded, 0 when it failed")
      .register(registry);
  }

  /** Makes {@code metrics} the instance {@link #of(Vertx)} returns for this Vert.x. */
  public static HitlMetrics install(Vertx vertx, HitlMetrics metrics) {
    vertx.sharedData().getLocalMap(MAP).put(KEY, metrics);
    return metrics;
  }

  /**
   * The node's metrics; a Vert.x the gateway did not set up (a verticle under test on its own) gets one on
   * a private registry, created once.
   */
  public static HitlMetrics of(Vertx vertx) {
    Object m = vertx.sharedData().getLocalMap(MAP).computeIfAbsent(KEY,
      k -> new HitlMetrics(new SimpleMeterRegistry(), Clock.systemUTC(), null, 0));
    return (HitlMetrics) m;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Counts one event this node published on hitl.events after its commit. */
  public void event(JsonObject event) {
    if (event == null) {
      return;
    }
    JsonObject a = event.getValue("approval") instanceof JsonObject ? event.getJsonObject("approval") : null;
    String name = event.getValue("event") instanceof String ? event.getString("event") : "";
    String type = Labels.type(a == null ? null : string(a, "type"));
    workflow.event(name, a, type);
    switch (name) {
      case "created":
        requests.get(type).increment();
        break;
      case "decided":
      case "expired":
      case "cancelled":
        if (a != null) {
          terminal(a, type);
        }
        break;
      case "escalated":
        escalations.increment();
        break;
      case "reminder":
        reminders.increment();
        break;
      case "integrity.alert":
        integrityAlerts.increment();
        break;
      default:
        break;
    }
  }

  private void terminal(JsonObject a, String type) {
    String outcome = Labels.outcome(string(a, "status"));
    if (outcome == null) {
      return;
    }
    String reason = string(a, "decision_reason");
    String channel = string(a, "decision_channel");
    switch (outcome) {
      case "approved":
        approvals.get(Labels.approvalReason(reason, channel)).increment();
        break;
      case "rejected":
      case "expired":
        String why = Labels.rejectionReason(reason, channel);
        rejections.get(why).increment();
        if (Labels.TIMEOUT.equals(why)) {
          rejectionsTimeout.increment();
        }
        if (Labels.GUARDIAN.equals(why)) {
          blockedByGuardian.get("cascade").increment();
        }
        if (outcome.equals("expired")) {
          expired.increment();
        }
        break;
      default:
        cancelled.increment();
    }
    Instant created = instant(string(a, "created_at"));
    Instant decided = instant(string(a, "decided_at"));
    Instant deadline = instant(string(a, "expires_at"));
    if (Labels.byTimer(outcome, reason) && decided != null && deadline != null) {
      expiryLateness.record(Duration.between(deadline, decided).isNegative() ? Duration.ZERO
        : Duration.between(deadline, decided));
    }
    if (created != null && decided != null && !decided.isBefore(created)) {
      decisionLatency.computeIfAbsent(type + "|" + outcome, k -> Timer.builder("decision.latency")
        .description("Time from creation to the terminal outcome (decided_at - created_at)")
        .tags("type", type, "outcome", outcome).serviceLevelObjectives(DECISION_BUCKETS).register(registry))
        .record(Duration.between(created, decided));
    }
  }

  /** Counts a refusal of the approval service; the price guards' refusals of approvals also count as rejections. */
  public void refused(String operation, ErrorCode code) {
    String op = Labels.OPERATIONS.contains(operation) ? operation : Labels.OTHER;
    refusals.computeIfAbsent(op + "|" + code.code(), k -> Counter.builder("hitl.refusals")
      .description("Operations refused by the approval service, by SEC code").tags("operation", op, "code", code.code())
      .register(registry)).increment();
    if (op.equals("decide")) {
      String reason = Labels.refusedDecisionReason(code);
      if (reason != null) {
        rejections.get(reason).increment();
      }
    }
    if (code == ErrorCode.SEC_020 && (op.equals("create") || op.equals("decide"))) {
      blockedByGuardian.get(op.equals("create") ? "create" : "decision").increment();
    }
  }

  /**
   * The in-flight bound of one verticle instance as gauges: how many requests it holds now, the most it ever
   * held, and a counter of the requests it refused because it was full. Instances are numbered per node.
   */
  public void inFlight(String verticle, io.hitl.gateway.core.InFlight gate) {
    String instance = String.valueOf(instances.computeIfAbsent(verticle, v -> new java.util.concurrent.atomic.AtomicInteger())
      .incrementAndGet());
    Gauge.builder("hitl.inflight", gate, io.hitl.gateway.core.InFlight::current)
      .description("Requests a verticle instance is working on now").tags("verticle", verticle, "instance", instance)
      .register(registry);
    Gauge.builder("hitl.inflight.peak", gate, io.hitl.gateway.core.InFlight::peak)
      .description("The most requests a verticle instance has held at once since it started")
      .tags("verticle", verticle, "instance", instance).register(registry);
    Gauge.builder("hitl.inflight.bound", gate, io.hitl.gateway.core.InFlight::bound)
      .description("The most requests a verticle instance may hold at once (0: unbounded)")
      .tags("verticle", verticle, "instance", instance).register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("hitl.overload.refusals", gate,
        io.hitl.gateway.core.InFlight::refused)
      .description("Requests answered 503 SEC-099 at once because the verticle instance was full")
      .tags("verticle", verticle, "instance", instance).register(registry);
  }

  /** An approval with edits that the edit rules refused ({@code reason}: their `edit_refusal`). */
  public void editsRefused(String reason) {
    workflow.editsRefused(reason);
  }

  /** Counts a call refused by a rate limit; {@code scope} is caller or ip. */
  public void rateLimited(String scope) {
    Counter c = rateLimited.get(scope);
    if (c != null) {
      c.increment();
    }
  }

  /** Records how long an HTTP create, decision or cancel took; {@code result} is ok or the SEC code. */
  public void responded(String operation, String result, long nanos) {
    if (!Labels.TIMED_OPERATIONS.contains(operation)) {
      return;
    }
    responseTimer(operation, result).record(nanos, TimeUnit.NANOSECONDS);
  }

  private Timer responseTimer(String operation, String result) {
    return responseLatency.computeIfAbsent(operation + "|" + result, k -> Timer.builder("hitl.response.latency")
      .description("HTTP handling time of creates, decisions and cancels, by result (ok or SEC code)")
      .tags("operation", operation, "result", result).serviceLevelObjectives(RESPONSE_BUCKETS).register(registry));
  }

  /** Counts one claim of this node's notifier: whether it found due jobs. */
  public void outboxClaimed(boolean found) {
    (found ? claimsWithJobs : claimsEmpty).increment();
  }

  public void notificationDelivered(String channel) {
    delivered.get(Labels.channel(channel)).increment();
  }

  public void notificationRetried(String channel) {
    retried.get(Labels.channel(channel)).increment();
  }

  public void notificationFailed(String channel) {
    failed.get(Labels.channel(channel)).increment();
  }

  public void sseConnected() {
    sseConnections.incrementAndGet();
  }

  public void sseDisconnected() {
    sseConnections.decrementAndGet();
  }

  /**
   * Reads the cluster-wide figures again unless they are younger than the refresh interval; concurrent
   * callers share one read. Never fails: on a database error the previous figures stay and a warning is logged.
   */
  public Future<Void> refreshFromDatabase() {
    if (pool == null) {
      return Future.succeededFuture();
    }
    Promise<Void> mine;
    synchronized (refreshLock) {
      long now = System.nanoTime();
      if (refreshing != null) {
        return refreshing;
      }
      if (refreshedAt != Long.MIN_VALUE && TimeUnit.NANOSECONDS.toMillis(now - refreshedAt) < refreshMillis) {
        return Future.succeededFuture();
      }
      mine = Promise.promise();
      refreshing = mine.future();
    }
    Future.all(store.pending(pool), store.outbox(pool), store.guardianLocked(pool), store.personasPending(pool))
      .onComplete(ar -> {
      if (ar.succeeded()) {
        apply(ar.result().resultAt(0), ar.result().resultAt(1));
        workflow.apply(ar.result().resultAt(0), ar.result().<Long>resultAt(3));
        guardianLocked.set(Boolean.TRUE.equals(ar.result().resultAt(2)) ? 1 : 0);
        databaseUp.set(1);
      } else {
        databaseUp.set(0);
        LOG.warn("metrics: could not read pending requests, outbox depth and Guardian state: {}",
          ar.cause().getMessage());
      }
      synchronized (refreshLock) {
        refreshedAt = System.nanoTime();
        refreshing = null;
      }
      mine.complete();
    });
    return mine.future();
  }

  void apply(List<MetricsStore.PendingByType> rows, List<MetricsStore.OutboxByChannel> jobs) {
    Map<String, Long> byType = new HashMap<>();
    Instant oldest = null;
    for (MetricsStore.PendingByType r : rows) {
      byType.merge(Labels.type(r.type()), r.count(), Long::sum);
      if (r.oldestCreatedAt() != null && (oldest == null || r.oldestCreatedAt().isBefore(oldest))) {
        oldest = r.oldestCreatedAt();
      }
    }
    pending.forEach((type, n) -> n.set(byType.getOrDefault(type, 0L)));
    oldestPending.set(oldest);
    Map<String, Long> byChannel = new HashMap<>();
    for (MetricsStore.OutboxByChannel j : jobs) {
      byChannel.merge(Labels.channel(j.channel()), j.count(), Long::sum);
    }
    outboxDepth.forEach((channel, n) -> n.set(byChannel.getOrDefault(channel, 0L)));
  }

  private double oldestPendingAgeSeconds() {
    Instant oldest = oldestPending.get();
    if (oldest == null) {
      return 0;
    }
    return Math.max(0, Duration.between(oldest, clock.instant()).toNanos() / 1e9);
  }

  private static String string(JsonObject o, String key) {
    Object v = o.getValue(key);
    return v instanceof String ? (String) v : null;
  }

  private static Instant instant(String s) {
    if (s == null) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static Duration[] seconds(double... values) {
    Duration[] d = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      d[i] = Duration.ofNanos((long) (values[i] * 1e9));
    }
    return d;
  }
}
