package io.hitl.client;

import io.hitl.client.contract.BusAddresses;
import io.hitl.client.contract.BusRefusals;
import io.hitl.client.contract.BusHeaders;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Typed client of the gateway's event-bus contract for services in other JVMs that joined the cluster
 * (docs/event-bus-client.md). Needs vertx-core, and vertx-hazelcast to join the cluster. Every call returns a
 * Future that fails with a {@link HitlException} whose {@link HitlException#code()} is the SEC code of the
 * refusal (SEC-099 when no gateway node took it, SEC-098 when none answered in time: the outcome is unknown).
 * Instances are immutable and thread-safe.
 */
public final class ApprovalClient {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final BusCredentials credentials;
  private final Duration timeout;
  private final String correlationId;

  /** A page of {@code list}; pass {@code nextCursor} back for the next one (null on the last page). */
  public record Page(List<ApprovalView> items, String nextCursor) {
  }

  /** Filters of {@code list}; null means any. {@code limit} is 1 to 500 (default 50). */
  public record ListQuery(ApprovalStatus status, String type, Integer limit, String cursor) {
    public static ListQuery all() {
      return new ListQuery(null, null, null, null);
    }

    public static ListQuery withStatus(ApprovalStatus status) {
      return new ListQuery(status, null, null, null);
    }

    public ListQuery next(String nextCursor) {
      return new ListQuery(status, type, limit, nextCursor);
    }
  }

  private ApprovalClient(Vertx vertx, BusCredentials credentials, Duration timeout, String correlationId) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.timeout = timeout;
    this.correlationId = correlationId;
  }

  /** A client on a clustered Vert.x (see {@link ClusterJoin#join}) acting with these credentials. */
  public static ApprovalClient create(Vertx vertx, BusCredentials credentials) {
    return new ApprovalClient(vertx, credentials, DEFAULT_TIMEOUT, null);
  }

  /** The same client acting as someone else (say the approver after the submitter). */
  public ApprovalClient withCredentials(BusCredentials other) {
    return new ApprovalClient(vertx, other, timeout, correlationId);
  }

  public ApprovalClient withTimeout(Duration other) {
    return new ApprovalClient(vertx, credentials, other, correlationId);
  }

  /** Calls made by the returned client carry this correlation id into the journal (else a fresh one each). */
  public ApprovalClient withCorrelationId(String id) {
    return new ApprovalClient(vertx, credentials, timeout, id);
  }

  /** Creates a request: a create body of docs/api.md, {@code type} required (TRADE_EXECUTION with trade fields). */
  public Future<Created> create(JsonObject request) {
    return create(request, null);
  }

  /** As {@link #create(JsonObject)}; a retry with the same key returns the first request instead of a copy. */
  public Future<Created> create(JsonObject request, String idempotencyKey) {
    DeliveryOptions o = options();
    if (idempotencyKey != null) {
      o.addHeader(BusHeaders.IDEMPOTENCY_KEY, idempotencyKey);
    }
    return request(BusAddresses.APPROVALS_CREATE, request, o)
      .map(r -> new Created(r.getBoolean("created", false), new ApprovalView(r.getJsonObject("approval"))));
  }

  public Future<ApprovalView> decide(UUID requestId, Decision decision, String reason, String comment) {
    return decide(requestId, decision, reason, comment, null);
  }

  /**
   * As {@link #decide(UUID, Decision, String, String)}, approving a limit-override request with {@code grant}
   * (null: this order once). A grant of the wrong shape, or any grant with a rejection, fails with SEC-010 and
   * the field errors the gateway would answer, before anything is sent; a grant the request or its policy does
   * not allow is refused by the gateway with SEC-053.
   */
  public Future<ApprovalView> decide(UUID requestId, Decision decision, String reason, String comment,
      OverrideGrant grant) {
    JsonObject body = new JsonObject().put("request_id", String.valueOf(requestId))
      .put("decision", decision == null ? null : decision.json()).put("reason", reason).put("comment", comment);
    HitlException refused = OverrideGrant.refusal(decision, grant, 0);
    if (refused != null) {
      return Future.failedFuture(refused);
    }
    if (grant != null) {
      body.put(OverrideGrant.FIELD, grant.json());
    }
    return request(BusAddresses.APPROVALS_DECIDE, body, options()).map(ApprovalClient::approval);
  }

  public Future<ApprovalView> cancel(UUID requestId, String reason) {
    JsonObject body = new JsonObject().put("request_id", String.valueOf(requestId)).put("reason", reason);
    return request(BusAddresses.APPROVALS_CANCEL, body, options()).map(ApprovalClient::approval);
  }

  public Future<ApprovalView> get(UUID requestId) {
    return request(BusAddresses.APPROVALS_GET, new JsonObject().put("request_id", String.valueOf(requestId)), options())
      .map(ApprovalClient::approval);
  }

  public Future<Page> list(ListQuery q) {
    JsonObject body = new JsonObject();
    if (q.status() != null) {
      body.put("status", q.status().json());
    }
    if (q.type() != null) {
      body.put("type", q.type());
    }
    if (q.limit() != null) {
      body.put("limit", q.limit());
    }
    if (q.cursor() != null) {
      body.put("cursor", q.cursor());
    }
    return request(BusAddresses.APPROVALS_LIST, body, options()).map(r -> {
      List<ApprovalView> items = new ArrayList<>();
      JsonArray a = r.getJsonArray("items", new JsonArray());
      for (int i = 0; i < a.size(); i++) {
        items.add(new ApprovalView(a.getJsonObject(i)));
      }
      return new Page(List.copyOf(items), r.getString("next_cursor"));
    });
  }

  /**
   * Sends a quote to {@code market.quotes} (role submitter) and returns the stored quote view; prices cross the
   * bus as strings so no digit is lost. An approval of a trade needs a fresh quote for its ticker (SEC-051).
   */
  public Future<JsonObject> postQuote(String ticker, BigDecimal bid, BigDecimal ask) {
    JsonObject body = new JsonObject().put("ticker", ticker).put("bid", bid.toPlainString())
      .put("ask", ask.toPlainString());
    return request(BusAddresses.MARKET_QUOTES, body, options());
  }

  /**
   * Subscribes to {@code hitl.events}; the future completes once the subscription is known to the whole
   * cluster. Unregister the returned consumer to stop.
   */
  public Future<MessageConsumer<JsonObject>> onEvent(Handler<ApprovalEvent> handler) {
    MessageConsumer<JsonObject> c = vertx.eventBus().consumer(BusAddresses.EVENTS,
      msg -> handler.handle(ApprovalEvent.from(msg.body())));
    return c.completion().map(v -> c);
  }

  private DeliveryOptions options() {
    return new DeliveryOptions().setSendTimeout(timeout.toMillis())
      .addHeader(BusHeaders.CORRELATION_ID, correlationId != null ? correlationId : UUID.randomUUID().toString());
  }

  private Future<JsonObject> request(String address, JsonObject body, DeliveryOptions o) {
    try {
      credentials.apply(address, body, o);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return vertx.eventBus().<JsonObject>request(address, body, o).transform(ar -> ar.succeeded()
      ? Future.succeededFuture(ar.result().body())
      : Future.failedFuture(BusRefusals.decode(ar.cause())));
  }

  /** SEC-010 as the gateway words it: the one field and its error, or the list of fields. */
  private static ApprovalView approval(JsonObject reply) {
    return new ApprovalView(reply.getJsonObject("approval"));
  }
}
