package io.hitl.client;

import io.hitl.client.HttpCalls.Call;
import io.hitl.client.HttpCalls.Reply;
import io.hitl.client.HttpCalls.Retry;
import io.hitl.client.contract.OrderDigest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The HTTP client for trading engines (docs/engine-client.md), on Vert.x core's HttpClient alone. Creates carry an
 * Idempotency-Key (a fresh UUID unless given) that every retry of that create reuses, so a retry after a lost
 * answer or 504 SEC-098 can never make a second request. 503 SEC-099 and 429 are retried after their Retry-After.
 * {@link #awaitDecision} long-polls {@code /api/v1/approvals/{id}/wait}, reconnecting until the request is final or
 * the caller's deadline passes. Futures fail with {@link HitlException}. Immutable and thread-safe.
 *
 * <p>Trades are bound to the exact order: {@link #createTrade} checks that the request the gateway made carries
 * the digest of the trade sent, and {@link #awaitDecision(UUID, JsonObject, Duration)} refuses an approval whose
 * digest is not that trade's (an approval with edits authorises another order), failing with
 * {@link #ORDER_DIGEST_MISMATCH}.
 */
public final class EngineClient {
  /** The code of a failure raised by this client when the gateway's order digest is not the order's sent. */
  public static final String ORDER_DIGEST_MISMATCH = "ORDER_DIGEST_MISMATCH";

  /** Where the gateway is and how to behave; {@link #of} gives the defaults. */
  public record Options(String baseUrl, String token, int maxAttempts, Duration minBackoff, Duration maxBackoff,
      Duration requestTimeout, Duration pollWindow, Clock clock) {
    public Options {
      Objects.requireNonNull(baseUrl, "baseUrl");
      Objects.requireNonNull(token, "token");
      baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1");
      }
    }

    /** 6 attempts, backoff 200 ms doubling to 10 s, 30 s per answer, 30 s long-polls (the gateway's default limit). */
    public static Options of(String baseUrl, String token) {
      return new Options(baseUrl, token, 6, Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofSeconds(30), Clock.systemUTC());
    }

    public Options withToken(String other) {
      return new Options(baseUrl, other, maxAttempts, minBackoff, maxBackoff, requestTimeout, pollWindow, clock);
    }

    public Options withMaxAttempts(int n) {
      return new Options(baseUrl, token, n, minBackoff, maxBackoff, requestTimeout, pollWindow, clock);
    }

    public Options withBackoff(Duration min, Duration max) {
      return new Options(baseUrl, token, maxAttempts, min, max, requestTimeout, pollWindow, clock);
    }

    public Options withRequestTimeout(Duration d) {
      return new Options(baseUrl, token, maxAttempts, minBackoff, maxBackoff, d, pollWindow, clock);
    }

    /** The longest single long-poll; at most the gateway's HITL_WAIT_MAX_SECONDS. */
    public Options withPollWindow(Duration d) {
      return new Options(baseUrl, token, maxAttempts, minBackoff, maxBackoff, requestTimeout, d, clock);
    }

    public Options withClock(Clock c) {
      return new Options(baseUrl, token, maxAttempts, minBackoff, maxBackoff, requestTimeout, pollWindow, c);
    }
  }

  private final Vertx vertx;
  private final HttpClient http;
  private final Options options;
  private final HttpCalls calls;

  private EngineClient(Vertx vertx, HttpClient http, Options options) {
    this.vertx = vertx;
    this.http = http;
    this.options = options;
    this.calls = new HttpCalls(vertx, http, options);
  }

  /** A client with its own HTTP connection pool; {@link #close} it when done. */
  public static EngineClient create(Vertx vertx, Options options) {
    return new EngineClient(vertx, vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)), options);
  }

  /** The same gateway and connections, acting with another token (say the desk's after the engine's). */
  public EngineClient withToken(String token) {
    return new EngineClient(vertx, http, options.withToken(token));
  }

  public Options options() {
    return options;
  }

  /** {@code POST /api/v1/approvals/trade} with a fresh Idempotency-Key. */
  public Future<Created> createTrade(JsonObject trade) {
    return createTrade(trade, UUID.randomUUID().toString());
  }

  /** {@code POST /api/v1/approvals/trade}; every retry sends {@code idempotencyKey} again. */
  public Future<Created> createTrade(JsonObject trade, String idempotencyKey) {
    return create("/api/v1/approvals/trade", trade, idempotencyKey).compose(c -> {
      try {
        verifyOrder(c.approval(), trade);
        return Future.succeededFuture(c);
      } catch (HitlException e) {
        return Future.failedFuture(e);
      }
    });
  }

  /**
   * {@code view} when it carries the digest of {@code trade}, the order this engine sent; otherwise a
   * {@link HitlException} with code {@link #ORDER_DIGEST_MISMATCH} (never execute that request's order).
   * Use it on every answer that authorises a trade: the wait answer, a signed callback, a bus reply.
   */
  public static ApprovalView verifyOrder(ApprovalView view, JsonObject trade) {
    String expected = OrderDigest.ofTrade(trade.getMap());
    String given = view.orderDigest();
    if (!OrderDigest.matches(trade.getMap(), given)) {
      Map<String, Object> ext = new java.util.LinkedHashMap<>();
      ext.put("expected_order_digest", expected);
      ext.put("order_digest", given);
      ext.put("request_id", view.json().getString("request_id"));
      throw new HitlException(ORDER_DIGEST_MISMATCH, 0, given == null
        ? "The gateway's answer carries no order digest; the order it authorises cannot be checked"
        : "The gateway's answer authorises another order than the one sent (an approval with edits, or a "
          + "different request)", ext, null);
    }
    return view;
  }

  /** {@code POST /api/v1/approvals} (generic types) with a fresh Idempotency-Key. */
  public Future<Created> create(JsonObject request) {
    return create(request, UUID.randomUUID().toString());
  }

  public Future<Created> create(JsonObject request, String idempotencyKey) {
    return create("/api/v1/approvals", request, idempotencyKey);
  }

  private Future<Created> create(String path, JsonObject body, String key) {
    Objects.requireNonNull(key, "idempotencyKey");
    return calls.send(call(HttpMethod.POST, path, body, Map.of("Idempotency-Key", key), Retry.SAFE))
      .map(r -> new Created(r.status() == 201, new ApprovalView(r.json())));
  }

  public Future<ApprovalView> get(UUID id) {
    return calls.send(call(HttpMethod.GET, "/api/v1/approvals/" + id, null, Map.of(), Retry.SAFE))
      .map(r -> new ApprovalView(r.json()));
  }

  /** {@code POST /api/v1/market/quotes} (submitter); a trade is approved only against a fresh quote (SEC-051). */
  public Future<JsonObject> postQuote(String ticker, BigDecimal bid, BigDecimal ask) {
    JsonObject body = new JsonObject().put("ticker", ticker).put("bid", bid.toPlainString())
      .put("ask", ask.toPlainString());
    // a quote sent twice is harmless: the gateway keeps the newest by its time
    return calls.send(call(HttpMethod.POST, "/api/v1/market/quotes", body, Map.of(), Retry.SAFE)).map(Reply::json);
  }

  /** Approves ({@code comment}) or rejects ({@code reason}, {@code comment}) as the token's approver. */
  public Future<ApprovalView> decide(UUID id, Decision decision, String reason, String comment) {
    return decide(id, decision, reason, comment, null);
  }

  /**
   * As {@link #decide(UUID, Decision, String, String)}, approving a limit-override request with {@code grant}
   * (null: this order once). A grant of the wrong shape, or any grant with a rejection, fails with SEC-010 (400)
   * and the field errors the gateway would answer, before anything is sent; a grant the request or its policy does
   * not allow is refused by the gateway with SEC-053.
   */
  public Future<ApprovalView> decide(UUID id, Decision decision, String reason, String comment, OverrideGrant grant) {
    HitlException refused = OverrideGrant.refusal(decision, grant, 400);
    if (refused != null) {
      return Future.failedFuture(refused);
    }
    JsonObject body = new JsonObject().put("comment", comment);
    if (decision == Decision.REJECT) {
      body.put("reason", reason);
    }
    if (grant != null) {
      body.put(OverrideGrant.FIELD, grant.json());
    }
    String path = "/api/v1/approvals/" + id + "/" + decision.json();
    return calls.send(call(HttpMethod.POST, path, body, Map.of(), Retry.NOTHING_DONE))
      .map(r -> new ApprovalView(r.json()));
  }

  /** Withdraws a pending request (its requester or an admin). */
  public Future<ApprovalView> cancel(UUID id, String reason) {
    return calls.send(call(HttpMethod.DELETE, "/api/v1/approvals/" + id, new JsonObject().put("reason", reason),
      Map.of(), Retry.NOTHING_DONE)).map(r -> new ApprovalView(r.json()));
  }

  /** {@link #awaitDecision(UUID, Instant)} with a deadline {@code within} from now. */
  public Future<ApprovalView> awaitDecision(UUID id, Duration within) {
    return awaitDecision(id, options.clock().instant().plus(within));
  }

  /**
   * The request once it is final, long-polling in windows of at most {@link Options#pollWindow} and reconnecting
   * after dropped connections, 503 and 504 until {@code deadline}. At the deadline, the request as last seen
   * (still pending); fails only on a refusal (SEC-001, SEC-002, SEC-011...) or when it could never be read.
   */
  public Future<ApprovalView> awaitDecision(UUID id, Instant deadline) {
    return waitFrom(id, deadline, null);
  }

  /**
   * As {@link #awaitDecision(UUID, Duration)} for a trade this engine sent: an approval is answered only when it
   * authorises exactly {@code trade} (its order digest), otherwise the future fails with
   * {@link #ORDER_DIGEST_MISMATCH}. Other outcomes (rejected, expired, still pending) are answered as they are.
   */
  public Future<ApprovalView> awaitDecision(UUID id, JsonObject trade, Duration within) {
    return awaitDecision(id, within).compose(v -> {
      if (v.status() != ApprovalStatus.APPROVED) {
        return Future.succeededFuture(v);
      }
      try {
        return Future.succeededFuture(verifyOrder(v, trade));
      } catch (HitlException e) {
        return Future.failedFuture(e);
      }
    });
  }

  private Future<ApprovalView> waitFrom(UUID id, Instant deadline, ApprovalView last) {
    Duration left = Duration.between(options.clock().instant(), deadline);
    Duration window = left.isNegative() ? Duration.ZERO : left.compareTo(options.pollWindow()) > 0
      ? options.pollWindow() : left;
    String path = "/api/v1/approvals/" + id + "/wait?timeout=" + window.toMillis() + "ms";
    // the gateway says nothing until the answer, so a connection may stay quiet for the whole window
    Call c = new Call(HttpMethod.GET, path, null, Map.of(), Retry.SAFE, window.plus(options.requestTimeout()),
      deadline, Integer.MAX_VALUE);
    return calls.send(c).transform(ar -> {
      if (ar.failed()) {
        HitlException e = (HitlException) ar.cause();
        return last != null && HttpCalls.retryable(e, Retry.SAFE) ? Future.succeededFuture(last)
          : Future.failedFuture(e);
      }
      ApprovalView seen = new ApprovalView(ar.result().json());
      if (seen.status().terminal() || !options.clock().instant().isBefore(deadline)) {
        return Future.succeededFuture(seen);
      }
      return waitFrom(id, deadline, seen);
    });
  }

  /**
   * {@code POST /api/v1/sessions}: opens a cancel-on-disconnect session (1 to 600 s between heartbeats). Name it in
   * each create ({@code trade.put("session_id", session.id().toString())}) and keep it alive with
   * {@link #heartbeat} or {@link #keepAlive}. Not retried after an answer was lost: a second open would only leave
   * an unused session to lapse.
   */
  public Future<EngineSession> openSession(Duration heartbeatTimeout) {
    JsonObject body = new JsonObject().put("heartbeat_timeout_seconds", heartbeatTimeout.toSeconds());
    return calls.send(call(HttpMethod.POST, "/api/v1/sessions", body, Map.of(), Retry.NOTHING_DONE))
      .map(r -> new EngineSession(r.json()));
  }

  /**
   * {@code POST /api/v1/sessions/{id}/heartbeat}. A session that has ended fails with SEC-073, whose extensions say
   * when and which requests its lapse cancelled: the engine learns on reconnect what happened while it was away.
   */
  public Future<EngineSession> heartbeat(UUID sessionId) {
    return calls.send(call(HttpMethod.POST, "/api/v1/sessions/" + sessionId + "/heartbeat", new JsonObject(),
      Map.of(), Retry.SAFE)).map(r -> new EngineSession(r.json()));
  }

  /** {@code GET /api/v1/sessions/{id}}: the session as it stands, open or ended. */
  public Future<EngineSession> session(UUID sessionId) {
    return calls.send(call(HttpMethod.GET, "/api/v1/sessions/" + sessionId, null, Map.of(), Retry.SAFE))
      .map(r -> new EngineSession(r.json()));
  }

  /**
   * {@code DELETE /api/v1/sessions/{id}}: ends the session on purpose. Its pending requests stay pending unless
   * {@code cancelPending}, which cancels them (ENGINE_SESSION_CLOSED). Closing an ended session answers it as it is.
   */
  public Future<EngineSession> closeSession(UUID sessionId, boolean cancelPending) {
    return calls.send(call(HttpMethod.DELETE, "/api/v1/sessions/" + sessionId + "?cancel_pending=" + cancelPending,
      null, Map.of(), Retry.SAFE)).map(r -> new EngineSession(r.json()));
  }

  /** Heartbeats sent by {@link #keepAlive}; {@link #stop} them to let the session lapse (or close it). */
  public interface KeepAlive {
    /** Sends no more heartbeats; completes once a heartbeat already sent has its answer. */
    Future<Void> stop();
  }

  /**
   * Heartbeats {@code sessionId} every {@code every} (a third of its timeout is a sound choice) on this client's
   * Vert.x timers until stopped. When the gateway answers that the session has ended (SEC-073), the heartbeats stop
   * and {@code ended} is told, with the refusal that says when and what it cancelled. Other failures (the gateway
   * unreachable for a moment) are retried by the next beat.
   */
  public KeepAlive keepAlive(UUID sessionId, Duration every, java.util.function.Consumer<HitlException> ended) {
    java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicReference<Future<?>> last = new java.util.concurrent.atomic.AtomicReference<>(
      Future.succeededFuture());
    long timer = vertx.setPeriodic(every.toMillis(), id -> {
      if (stopped.get()) {
        vertx.cancelTimer(id);
        return;
      }
      Future<EngineSession> beat = heartbeat(sessionId);
      last.set(beat);
      beat.onFailure(t -> {
        if (t instanceof HitlException e && e.is(io.hitl.client.contract.ErrorCodes.SEC_073)
            && stopped.compareAndSet(false, true)) {
          vertx.cancelTimer(id);
          ended.accept(e);
        }
      });
    });
    return () -> {
      stopped.set(true);
      vertx.cancelTimer(timer);
      return last.get().<Void>mapEmpty().otherwiseEmpty();
    };
  }

  public Future<Void> close() {
    return http.close();
  }

  private Call call(HttpMethod m, String path, JsonObject body, Map<String, String> headers, Retry retry) {
    Instant deadline = options.clock().instant().plus(options.maxBackoff().multipliedBy(options.maxAttempts()));
    return new Call(m, path, body, headers, retry, options.requestTimeout(), deadline, options.maxAttempts());
  }
}
