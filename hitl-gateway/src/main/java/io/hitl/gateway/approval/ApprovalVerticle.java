package io.hitl.gateway.approval;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.ApprovalJson;
import io.hitl.gateway.bus.BusReplies;
import io.hitl.gateway.bus.GuardJson;
import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.BulkDecision;
import io.hitl.gateway.core.Decision;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.InFlight;
import io.hitl.gateway.core.guard.MarketCheck;
import io.hitl.gateway.core.pretrade.LimitOverride;
import io.hitl.gateway.observability.HitlMetrics;
import io.hitl.gateway.observability.Refusals;
import io.hitl.gateway.observability.Tracing;
import io.hitl.gateway.store.ApprovalStore;
import io.hitl.gateway.store.DbFailures;
import io.hitl.gateway.store.Json;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.nio.charset.StandardCharsets;

/** Event-bus shell of the approval service: `hitl.approvals.*` in, `hitl.events` out. */
public class ApprovalVerticle extends VerticleBase {
  public static final int MAX_PAGE = 500;
  /** Most requests one {@code hitl.approvals.expire} message may name (timers due together). */
  public static final int EXPIRE_BATCH = 256;

  private final Function<VerticleBase, ApprovalService> serviceFactory;
  private final InFlight inFlight;
  private ApprovalService service;
  private HitlMetrics metrics;
  private Tracing tracing;

  /**
   * The factory gets this verticle so the service publishes through its Vert.x instance. {@code maxInFlight}:
   * requests from callers this instance works on at once (0: unbounded); timers and sweeps are not counted.
   */
  public ApprovalVerticle(Function<VerticleBase, ApprovalService> serviceFactory, int maxInFlight) {
    this.serviceFactory = serviceFactory;
    this.inFlight = new InFlight(maxInFlight);
  }

  @Override
  public Future<?> start() {
    service = serviceFactory.apply(this);
    metrics = HitlMetrics.of(vertx);
    metrics.inFlight("approval", inFlight);
    tracing = Tracing.of(vertx);
    var bus = vertx.eventBus();
    // a node's timers and sweeps are applied by its own approval service: an expiry never waits on the
    // event bus routing it to another member, which may be the one that just died
    Future<?> timers = Future.join(
      bus.<JsonObject>localConsumer(Addresses.APPROVALS_EXPIRE, this::expire).completion(),
      bus.<JsonObject>localConsumer(Addresses.APPROVALS_CLEANUP, this::cleanup).completion());
    Future<?> policy = Future.join(
      bus.<JsonObject>consumer(Addresses.APPROVALS_ACKNOWLEDGE, this::acknowledge).completion(),
      bus.<JsonObject>consumer(Addresses.APPROVALS_REREQUEST, this::reRequest).completion(),
      bus.<JsonObject>consumer(Addresses.APPROVALS_BULK_DECIDE, this::bulkDecide).completion());
    return Future.join(Future.join(timers, policy),
      bus.<JsonObject>consumer(Addresses.APPROVALS_CREATE, this::create).completion(),
      bus.<JsonObject>consumer(Addresses.APPROVALS_DECIDE, this::decide).completion(),
      bus.<JsonObject>consumer(Addresses.APPROVALS_CANCEL, this::cancel).completion(),
      bus.<JsonObject>consumer(Addresses.APPROVALS_GET, this::get).completion(),
      bus.<JsonObject>consumer(Addresses.APPROVALS_LIST, this::list).completion());
  }

  private void create(Message<JsonObject> msg) {
    traced(msg, Tracing.CREATE, actor -> service.create(Json.plainMap(body(msg)), actor, corr(msg),
        msg.headers().get(Headers.IDEMPOTENCY_KEY))
      .map(c -> new JsonObject().put("created", c.created()).put("approval", view(c.approval()))));
  }

  private void decide(Message<JsonObject> msg) {
    JsonObject b = body(msg);
    traced(msg, Tracing.DECIDE, actor -> service.decide(uuid(b.getValue("request_id")), Decision.parse(string(b, "decision")),
        string(b, "reason"), string(b, "comment"), edits(b), Json.plain(b.getValue(LimitOverride.BODY_KEY)), channel(msg), actor,
        corr(msg))
      .map(d -> new JsonObject().put("approval", answered(d.approval(), d.answer()))));
  }

  private void acknowledge(Message<JsonObject> msg) {
    JsonObject b = body(msg);
    handle(msg, actor -> service.acknowledge(uuid(b.getValue("request_id")), string(b, "persona"),
        string(b, "comment"), channel(msg), actor, corr(msg))
      .map(d -> new JsonObject().put("approval", answered(d.approval(), d.answer()))));
  }

  private void reRequest(Message<JsonObject> msg) {
    JsonObject b = body(msg);
    handle(msg, actor -> service.reRequest(uuid(b.getValue("request_id")), string(b, "reason"), actor, corr(msg))
      .map(c -> new JsonObject().put("created", c.created()).put("approval", view(c.approval()))));
  }

  /** Each id through the normal decision path, concurrently and independently; one result per id, in order. */
  private void bulkDecide(Message<JsonObject> msg) {
    JsonObject b = body(msg);
    handle(msg, actor -> {
      BulkDecision bulk = BulkDecision.parse(Json.plainMap(b));
      List<Future<JsonObject>> each = new ArrayList<>();
      for (String id : bulk.ids()) {
        UUID uuid = BulkDecision.uuid(id);
        Future<JsonObject> one = uuid == null
          ? Future.failedFuture(GatewayException.invalid(Map.of("request_id", "must be a UUID")))
          : service.decide(uuid, bulk.decision(), bulk.reason(), bulk.comment(), null, channel(msg), actor, corr(msg))
            .map(d -> answered(d.approval(), d.answer()));
        each.add(one.transform(ar -> Future.succeededFuture(bulkResult(id, ar))));
      }
      return Future.join(each).map(all -> {
        JsonArray results = new JsonArray();
        int ok = 0;
        for (Future<JsonObject> f : each) {
          results.add(f.result());
          ok += f.result().getBoolean("ok") ? 1 : 0;
        }
        return new JsonObject().put("decision", bulk.decision().json()).put("count", each.size())
          .put("succeeded", ok).put("failed", each.size() - ok).put("results", results);
      });
    });
  }

  private static JsonObject bulkResult(String id, io.vertx.core.AsyncResult<JsonObject> ar) {
    JsonObject r = new JsonObject().put("request_id", id).put("ok", ar.succeeded());
    if (ar.succeeded()) {
      return r.put("http_status", 200).put("status", ar.result().getString("status")).put("approval", ar.result());
    }
    GatewayException g = ar.cause() instanceof GatewayException ? (GatewayException) ar.cause()
      : new GatewayException(ErrorCode.INTERNAL, "Internal error");
    JsonObject error = new JsonObject().put("code", g.code().code()).put("title", g.code().title())
      .put("detail", g.detail());
    g.extensions().forEach((k, v) -> error.put(k, Json.plain(v)));
    return r.put("http_status", g.code().httpStatus()).put("error", error);
  }

  /** The request view with its quorum progress and, when its policy names personas, the acknowledgement checklist. */
  private JsonObject answered(io.hitl.gateway.core.Approval a, Map<String, Object> answer) {
    JsonObject v = view(a);
    if (answer != null) {
      answer.forEach((k, x) -> v.put(k, Json.plain(x)));
    }
    return v;
  }

  /** The edits of an approval as plain values; their shape is the approval service's to judge (and audit). */
  private static Object edits(JsonObject b) {
    Object v = b.getValue("edits");
    if (v != null && !(v instanceof JsonObject) && !(v instanceof Map)) {
      throw GatewayException.invalid(Map.of("edits", "must be a JSON object"));
    }
    return Json.plain(v);
  }

  private void cancel(Message<JsonObject> msg) {
    JsonObject b = body(msg);
    handle(msg, actor -> service.cancel(uuid(b.getValue("request_id")), string(b, "reason"), channel(msg), actor,
        corr(msg))
      .map(a -> new JsonObject().put("approval", view(a))));
  }

  private void expire(Message<JsonObject> msg) {
    JsonObject b = body(msg);
    if (b.containsKey("request_ids")) {
      expireDue(msg, b);
      return;
    }
    traced(msg, Tracing.EXPIRE, actor -> service.onTimer(uuid(b.getValue("request_id")), actor, corr(msg))
      .map(t -> new JsonObject().put("approval", view(t.approval())).put("outcome", t.outcome())
        .put("next_timer_at", io.hitl.gateway.core.Times.format(t.nextTimerAt()))));
  }

  /**
   * Timers due together ({@code request_ids}, at most {@link #EXPIRE_BATCH}): applied as one batch where the
   * rows allow; the reply lists each request's outcome in the order asked, {@code {request_id, status, outcome,
   * next_timer_at}} or, for one that was refused, {@code {request_id, code, detail}}.
   */
  private void expireDue(Message<JsonObject> msg, JsonObject b) {
    traced(msg, Tracing.EXPIRE_BATCH, actor -> {
      Object v = b.getValue("request_ids");
      if (!(v instanceof JsonArray) || ((JsonArray) v).isEmpty() || ((JsonArray) v).size() > EXPIRE_BATCH) {
        throw GatewayException.invalid(Map.of("request_ids", "must be 1 to " + EXPIRE_BATCH + " request ids"));
      }
      List<UUID> ids = new ArrayList<>();
      ((JsonArray) v).forEach(id -> ids.add(uuid(id)));
      return service.onTimers(ids, actor, corr(msg)).map(done -> {
        JsonArray results = new JsonArray();
        done.forEach((id, f) -> {
          JsonObject r = new JsonObject().put("request_id", id.toString());
          if (f.succeeded()) {
            r.put("status", f.result().approval().status().json())
              .put("outcome", f.result().outcome())
              .put("next_timer_at", io.hitl.gateway.core.Times.format(f.result().nextTimerAt()));
          } else {
            GatewayException g = DbFailures.of(f.cause());
            r.put("code", g.code().code()).put("detail", g.detail());
          }
          results.add(r);
        });
        perRequestSpans(results);
        return new JsonObject().put("results", results);
      });
    });
  }

  private void cleanup(Message<JsonObject> msg) {
    JsonObject b = body(msg);
    handle(msg, actor -> {
      Object grace = b.getValue("grace_ms", 0);
      if (!(grace instanceof Integer || grace instanceof Long) || ((Number) grace).longValue() < 0) {
        throw GatewayException.invalid(Map.of("grace_ms", "must be a whole number of milliseconds, 0 or more"));
      }
      boolean audit = !Actor.SYSTEM.subject().equals(actor.subject());
      return service.cleanup(actor, corr(msg), java.time.Duration.ofMillis(((Number) grace).longValue()), audit)
        .map(r -> new JsonObject().put("count", r.count()).put("expired", r.expired()).put("approved", r.approved())
          .put("escalated", r.escalated()).put("integrity_failures", r.integrityFailures())
          .put("notices", r.notices()).put("at", io.hitl.gateway.core.Times.format(service.now())));
    });
  }

  private void get(Message<JsonObject> msg) {
    JsonObject b = body(msg);
    handle(msg, actor -> {
      UUID id = uuid(b.getValue("request_id"));
      return service.get(id, actor, corr(msg)).compose(read -> {
        JsonArray vs = new JsonArray();
        read.votes().forEach(v -> vs.add(new JsonObject().put("approver", v.approver()).put("decision",
            v.decision().toLowerCase()).put("channel", v.channel()).put("comment", v.comment())
          .put("at", io.hitl.gateway.core.Times.format(v.at()))));
        JsonObject view = answered(read.approval(), read.answer()).put("votes", vs);
        return !read.approval().isTrade() ? Future.succeededFuture(view)
          : service.trade(id).compose(t -> service.snapshot(id).map(s -> view.put("trade", GuardJson.trade(t))
            .put("post_trade_snapshot", GuardJson.snapshot(s))))
            .compose(v -> withMarket(List.of(read.approval()), List.of(v)).map(x -> v));
      }).map(view -> new JsonObject().put("approval", view));
    });
  }

  private void list(Message<JsonObject> msg) {
    JsonObject b = body(msg);
    handle(msg, actor -> {
      ApprovalStore.ListQuery q = listQuery(b);
      return service.list(q, actor, corr(msg)).compose(page -> {
        List<JsonObject> views = page.items().stream().map(this::view).toList();
        return withMarket(page.items(), views).map(v -> {
          JsonObject out = new JsonObject().put("items", new JsonArray(new ArrayList<>(views)))
            .put("next_cursor", encodeCursor(page.next()));
          if (!page.integrityFailures().isEmpty()) {
            out.put("integrity_failures", new JsonArray(page.integrityFailures().stream().map(UUID::toString).toList()));
          }
          return out;
        });
      });
    });
  }

  /** Adds {@code market} (the quote, its age, the deviation against the slippage limit) to each pending trade's view. */
  private Future<Void> withMarket(List<io.hitl.gateway.core.Approval> rows, List<JsonObject> views) {
    return service.market(rows).map(m -> {
      for (int i = 0; i < rows.size(); i++) {
        MarketCheck check = m.get(rows.get(i).id());
        if (check != null) {
          views.get(i).put("market", new JsonObject(check.json()));
        }
      }
      return null;
    });
  }

  private JsonObject view(io.hitl.gateway.core.Approval a) {
    return ApprovalJson.approval(a, service.now());
  }

  private static JsonObject body(Message<JsonObject> msg) {
    Object b = msg.body();
    if (!(b instanceof JsonObject)) {
      throw GatewayException.invalid(Map.of("body", "must be a JSON object"));
    }
    return (JsonObject) b;
  }

  private static String corr(Message<?> msg) {
    return msg.headers().get(Headers.CORRELATION_ID);
  }

  private static String channel(Message<?> msg) {
    String c = msg.headers().get(Headers.CHANNEL);
    return c == null ? "bus" : c;
  }

  private static String string(JsonObject b, String field) {
    Object v = b.getValue(field);
    if (v != null && !(v instanceof String)) {
      throw GatewayException.invalid(Map.of(field, "must be a string"));
    }
    return (String) v;
  }

  static UUID uuid(Object v) {
    if (v instanceof String) {
      try {
        UUID id = UUID.fromString((String) v);
        if (id.toString().equalsIgnoreCase((String) v)) {
          return id;
        }
      } catch (IllegalArgumentException ignored) {
        // reported below
      }
    }
    throw GatewayException.invalid(Map.of("request_id", "must be a UUID"));
  }

  static ApprovalStore.ListQuery listQuery(JsonObject b) {
    ApprovalStatus status = null;
    Object s = b.getValue("status");
    if (s != null) {
      try {
        status = ApprovalStatus.parse(String.valueOf(s));
      } catch (IllegalArgumentException e) {
        throw GatewayException.invalid(Map.of("status", "must be one of pending, approved, rejected, expired, cancelled"));
      }
    }
    Object type = b.getValue("type");
    if (type != null && !(type instanceof String && ((String) type).matches("[A-Z][A-Z0-9_]{0,63}"))) {
      throw GatewayException.invalid(Map.of("type", "must be an approval type such as TRADE_EXECUTION"));
    }
    Object l = b.getValue("limit", 50);
    int limit;
    try {
      limit = l instanceof Number ? ((Number) l).intValue() : Integer.parseInt(String.valueOf(l));
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > MAX_PAGE) {
      throw GatewayException.invalid(Map.of("limit", "must be between 1 and " + MAX_PAGE));
    }
    return new ApprovalStore.ListQuery(status, (String) type, limit, decodeCursor(b.getValue("cursor")));
  }

  static String encodeCursor(ApprovalStore.Cursor c) {
    if (c == null) {
      return null;
    }
    String raw = c.at().toString() + "|" + c.id();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  static ApprovalStore.Cursor decodeCursor(Object v) {
    if (v == null) {
      return null;
    }
    try {
      String raw = new String(Base64.getUrlDecoder().decode(String.valueOf(v)), StandardCharsets.UTF_8);
      int bar = raw.indexOf('|');
      return new ApprovalStore.Cursor(Instant.parse(raw.substring(0, bar)), UUID.fromString(raw.substring(bar + 1)));
    } catch (RuntimeException e) {
      throw GatewayException.invalid(Map.of("cursor", "is not a cursor returned by this API"));
    }
  }

  private void handle(Message<JsonObject> msg, Function<Actor, Future<JsonObject>> work) {
    if (unbounded(msg.address())) {
      BusReplies.answer(msg, work, t -> Refusals.observe(metrics, msg, t));
      return;
    }
    boolean[] full = {false};
    BusReplies.answer(msg, actor -> {
      if (!(Addresses.APPROVALS_DECIDE.equals(msg.address()) ? inFlight.tryEnterDecision() : inFlight.tryEnter())) {
        // answered before any work or database call: the caller hears "retry after a second" at once
        full[0] = true;
        return Future.failedFuture(DbFailures.overloaded());
      }
      Future<JsonObject> f;
      try {
        f = work.apply(actor);
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      return f.andThen(ar -> inFlight.leave());
    }, t -> full[0] ? counted(msg, t) : Refusals.observe(metrics, msg, t));
  }

  /** A load refusal is counted (hitl_refusals_total, hitl_overload_refusals_total) but not logged line by line. */
  private GatewayException counted(Message<JsonObject> msg, Throwable t) {
    GatewayException e = (GatewayException) t;
    metrics.refused(io.hitl.gateway.observability.Labels.operationOfAddress(msg.address()), e.code());
    return e;
  }

  /** A node's own timers and sweeps are never refused for load: an expiry refused would be an expiry late. */
  private static boolean unbounded(String address) {
    return Addresses.APPROVALS_EXPIRE.equals(address) || Addresses.APPROVALS_CLEANUP.equals(address);
  }

  /** {@link #handle} inside a domain span, child of the event-bus span of {@code msg} when tracing is on. */
  private void traced(Message<JsonObject> msg, String name, Function<Actor, Future<JsonObject>> work) {
    String corr = corr(msg);
    handle(msg, actor -> tracing.span(name, SpanKind.INTERNAL,
      corr == null ? Attributes.empty() : Attributes.of(Tracing.CORRELATION_ID, corr), () -> work.apply(actor),
      ApprovalVerticle::describe));
  }

  /**
   * One span per request of a timer batch, as a timer applied alone has: {@value Tracing#EXPIRE} (or
   * {@value Tracing#ESCALATE} when it escalated) with the request, its status and outcome, or the refusal's code.
   */
  private void perRequestSpans(JsonArray results) {
    if (!tracing.enabled()) {
      return;
    }
    for (int i = 0; i < results.size(); i++) {
      JsonObject r = results.getJsonObject(i);
      String outcome = r.getString("outcome");
      String code = r.getString("code");
      var attributes = Attributes.builder().put(Tracing.REQUEST_ID, r.getString("request_id"));
      if (r.getString("status") != null) {
        attributes.put(Tracing.STATUS, r.getString("status"));
      }
      attributes.put(Tracing.OUTCOME, code != null ? "refused" : outcome == null ? "ok" : outcome);
      if (code != null) {
        attributes.put(Tracing.ERROR_CODE, code);
      }
      String name = "escalated".equals(outcome) || "notice".equals(outcome) ? Tracing.ESCALATE : Tracing.EXPIRE;
      tracing.span(name, SpanKind.INTERNAL, attributes.build(), () -> Future.succeededFuture(r), (span, x) -> { });
    }
  }

  /** What a span says about its result: the request, never its content; a timer that escalated is named so. */
  private static void describe(Span span, JsonObject reply) {
    JsonObject a = reply.getJsonObject("approval");
    if (a != null) {
      span.setAttribute(Tracing.REQUEST_ID, String.valueOf(a.getValue("request_id")));
      span.setAttribute(Tracing.TYPE, String.valueOf(a.getValue("type")));
      span.setAttribute(Tracing.STATUS, String.valueOf(a.getValue("status")));
    }
    String outcome = reply.getString("outcome");
    if (outcome != null) {
      span.setAttribute(Tracing.OUTCOME, outcome);
      if ("escalated".equals(outcome) || "notice".equals(outcome)) {
        span.updateName(Tracing.ESCALATE);
      }
    } else if (reply.containsKey("created")) {
      span.setAttribute(Tracing.OUTCOME, Boolean.TRUE.equals(reply.getBoolean("created")) ? "created" : "replayed");
    } else {
      span.setAttribute(Tracing.OUTCOME, "ok");
    }
  }
}
