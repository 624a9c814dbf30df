package io.hitl.gateway.stream;

import io.hitl.gateway.store.DbFailures;
import io.hitl.gateway.auth.Tokens;
import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.BusActor;
import io.hitl.gateway.bus.BusErrors;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.Times;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The stream endpoints of one HTTP verticle instance: the SSE event stream, the per-request stream,
 * the long-poll wait and stream tokens. Refusals go to {@code ctx.fail} (problem+json by the router)
 * while nothing has been written; the caller has authenticated the actor.
 */
public final class StreamApi {
  public static final String ACCESS_TOKEN = "access_token";
  /** Names the engine session an event stream keeps alive, as the header does. */
  static final String SESSION_PARAM = "session_id";
  static final String SESSION_HEADER = "Hitl-Session-Id";
  /** Suggested reconnection delay for EventSource clients. */
  static final long RETRY_MS = 2000;
  private static final Pattern QUERY_TOKEN_PATHS = Pattern.compile("/api/v1/(stream|approvals/[^/]+/stream)");

  private final Vertx vertx;
  private final GatewayConfig config;
  private final JWTAuth auth;
  private final StreamTokens tokens;
  private final JournalEvents journal;
  private final StreamHub hub;

  StreamApi(Vertx vertx, GatewayConfig config, JWTAuth auth, StreamTokens tokens, JournalEvents journal,
      StreamHub hub) {
    this.vertx = vertx;
    this.config = config;
    this.auth = auth;
    this.tokens = tokens;
    this.journal = journal;
    this.hub = hub;
  }

  public Future<Void> start() {
    return hub.start();
  }

  /** Stream routes accept a token in the query: a browser EventSource cannot send headers. */
  public boolean acceptsQueryToken(HttpServerRequest request) {
    return request.method() == HttpMethod.GET && QUERY_TOKEN_PATHS.matcher(request.path()).matches();
  }

  /** The actor of the `access_token` parameter: a stream token, or an API token. */
  public Future<Actor> authenticateQuery(HttpServerRequest request) {
    String token = request.getParam(ACCESS_TOKEN);
    if (token == null || token.isBlank()) {
      return Future.failedFuture(new GatewayException(ErrorCode.SEC_001,
        "A bearer token (Authorization header or access_token parameter) is required"));
    }
    return tokens.verify(token).recover(notStreamToken -> auth.authenticate(new TokenCredentials(token))
      .transform(ar -> {
        Actor actor = ar.succeeded() ? Tokens.actor(ar.result()) : null;
        return actor != null ? Future.succeededFuture(actor) : Future.failedFuture(
          new GatewayException(ErrorCode.SEC_001, "The token is invalid or expired"));
      }));
  }

  /** POST /api/v1/stream/token */
  public void token(RoutingContext ctx, Actor actor) {
    if (!actor.canRead()) {
      ctx.fail(noRole());
      return;
    }
    StreamTokens.Issued issued = tokens.mint(actor);
    ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
      .putHeader("Cache-Control", "no-store")
      .end(new JsonObject().put("token", issued.token()).put("token_type", "stream")
        .put("expires_in", tokens.ttlSeconds()).put("expires_at", Times.format(issued.expiresAt())).encode());
  }

  /** GET /api/v1/stream; with an engine session named, the stream keeps it alive while it is open. */
  public void events(RoutingContext ctx, Actor actor, String corr) {
    HttpServerRequest req = ctx.request();
    StreamFilter filter;
    Long last;
    UUID session;
    try {
      filter = StreamFilter.parse(req::getParam);
      last = LastEventId.parse(req.getHeader(LastEventId.HEADER), req.getParam(LastEventId.PARAM));
      session = session(req);
      if (!actor.canRead()) {
        throw noRole();
      }
    } catch (GatewayException e) {
      ctx.fail(e);
      return;
    }
    Future<SessionKeepAlive> keep = session == null ? Future.succeededFuture()
      : SessionKeepAlive.begin(vertx, session, actor, corr);
    keep.onFailure(ctx::fail).onSuccess(k -> {
      Consumer<SseClient> onClose = k == null ? hub::remove : c -> {
        k.stop();
        hub.remove(c);
      };
      if (last == null) {
        attach(k, open(req, new SseClient(req, filter, null, null, false, onClose)));
        return;
      }
      journal.head().onFailure(t -> ctx.fail(DbFailures.of(t))).onSuccess(head -> {
        // an id from another database (or a typo) would hide every event below it: start at the head instead
        long from = Math.min(last, head);
        SseClient c = attach(k, open(req, new SseClient(req, filter, null, from, true, onClose)));
        if (from < last) {
          c.write(SseFrames.comment("Last-Event-ID " + last + " is ahead of the journal; resuming after " + head));
        }
        replay(c, from, null);
      });
    });
  }

  private static SseClient attach(SessionKeepAlive k, SseClient c) {
    if (k != null) {
      k.attach(c);
    }
    return c;
  }

  /** The engine session a stream keeps alive: `session_id` or the Hitl-Session-Id header (the same if both). */
  static UUID session(HttpServerRequest req) {
    String param = req.getParam(SESSION_PARAM);
    String header = req.getHeader(SESSION_HEADER);
    if (param != null && header != null && !param.equals(header)) {
      throw GatewayException.invalid(Map.of(SESSION_PARAM, "must match the " + SESSION_HEADER + " header"));
    }
    String v = param != null ? param : header;
    if (v == null) {
      return null;
    }
    try {
      UUID id = UUID.fromString(v);
      if (id.toString().equalsIgnoreCase(v)) {
        return id;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw GatewayException.invalid(Map.of(SESSION_PARAM, "must be the id of a session the caller opened"));
  }

  /** GET /api/v1/approvals/{id}/stream */
  public void requestStream(RoutingContext ctx, Actor actor, String corr) {
    HttpServerRequest req = ctx.request();
    UUID id;
    Long last;
    try {
      id = uuid(ctx.pathParam("id"));
      last = LastEventId.parse(req.getHeader(LastEventId.HEADER), req.getParam(LastEventId.PARAM));
    } catch (GatewayException e) {
      ctx.fail(e);
      return;
    }
    get(id, actor, corr).onFailure(ctx::fail).onSuccess(approval -> {
      boolean terminal = !"pending".equals(approval.getString("status"));
      Future<Boolean> more = terminal && last != null
        ? journal.ofRequest(id, last, 1).map(p -> !p.events().isEmpty())
        : Future.succeededFuture(true);
      more.onFailure(t -> ctx.fail(DbFailures.of(t))).onSuccess(m -> {
        if (!m) {
          // 204 tells an EventSource to stop reconnecting: the request is final and the client has it all
          ctx.response().setStatusCode(204).end();
          return;
        }
        long from = last == null ? 0 : last;
        SseClient c = open(req, new SseClient(req, StreamFilter.ALL, id.toString(), from, true, hub::remove));
        c.write(SseFrames.event(0, "state", new JsonObject().put("event", "state").put("approval", approval)
          .encode()));
        replay(c, from, id);
      });
    });
  }

  /** GET /api/v1/approvals/{id}/wait?timeout=30s */
  public void waitFor(RoutingContext ctx, Actor actor, String corr) {
    UUID id;
    Duration timeout;
    try {
      id = uuid(ctx.pathParam("id"));
      timeout = WaitTimeout.parse(ctx.request().getParam("timeout"), Duration.ofSeconds(config.waitMaxSeconds));
    } catch (GatewayException e) {
      ctx.fail(e);
      return;
    }
    new Wait(ctx, id, actor, corr, timeout).begin();
  }

  private SseClient open(HttpServerRequest req, SseClient c) {
    HttpServerResponse r = req.response();
    r.setStatusCode(200).setChunked(true)
      .putHeader("Content-Type", SseFrames.CONTENT_TYPE)
      .putHeader("Cache-Control", "no-cache")
      .putHeader("X-Accel-Buffering", "no")
      .setWriteQueueMaxSize(config.sseClientBufferBytes);
    hub.add(c);
    c.write(SseFrames.retry(RETRY_MS) + SseFrames.comment("connected"));
    return c;
  }

  /** Pages through the journal after {@code after}, waiting for the client to drain between pages. */
  private void replay(SseClient c, long after, UUID requestId) {
    Future<JournalEvents.Page> page = requestId == null ? journal.after(after, JournalEvents.PAGE)
      : journal.ofRequest(requestId, after, JournalEvents.PAGE);
    page.onComplete(ar -> {
      if (c.closed()) {
        return;
      }
      if (ar.failed()) {
        c.disconnect("the journal could not be read for its replay");
        return;
      }
      c.replayed(ar.result().events());
      c.drained().onComplete(v -> {
        if (c.closed()) {
          return;
        }
        if (ar.result().full()) {
          replay(c, ar.result().lastSeq(), requestId);
        } else {
          c.replayDone();
        }
      });
    });
  }

  private Future<JsonObject> get(UUID id, Actor actor, String corr) {
    return vertx.eventBus().<JsonObject>request(Addresses.APPROVALS_GET,
        new JsonObject().put("request_id", id.toString()), BusActor.options(actor, corr))
      .transform(ar -> ar.succeeded() ? Future.succeededFuture(ar.result().body().getJsonObject("approval"))
        : Future.failedFuture(BusErrors.decode(ar.cause())));
  }

  /** One long-poll: answers on the first final-state event for the request, or when the timeout ends. */
  private final class Wait {
    private final RoutingContext ctx;
    private final UUID id;
    private final Actor actor;
    private final String corr;
    private final Duration timeout;
    private final Consumer<StreamEvent> listener = this::onEvent;
    private long timer = -1;
    private boolean done;

    Wait(RoutingContext ctx, UUID id, Actor actor, String corr, Duration timeout) {
      this.ctx = ctx;
      this.id = id;
      this.actor = actor;
      this.corr = corr;
      this.timeout = timeout;
    }

    void begin() {
      // listen before reading so a decision between the read and the listener is not missed
      hub.addWaiter(id.toString(), listener);
      ctx.response().closeHandler(v -> stop());
      get(id, actor, corr).onFailure(t -> {
        stop();
        ctx.fail(t);
      }).onSuccess(approval -> {
        if (done) {
          return;
        }
        if (!"pending".equals(approval.getString("status")) || timeout.isZero()) {
          stop();
          answer(approval);
        } else {
          timer = vertx.setTimer(timeout.toMillis(), t -> finish());
        }
      });
    }

    private void onEvent(StreamEvent e) {
      if (e.terminal()) {
        finish();
      }
    }

    private void finish() {
      if (done) {
        return;
      }
      stop();
      get(id, actor, corr).onFailure(ctx::fail).onSuccess(this::answer);
    }

    private void stop() {
      done = true;
      hub.removeWaiter(id.toString(), listener);
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
    }

    private void answer(JsonObject approval) {
      if (ctx.response().ended() || ctx.response().closed()) {
        return;
      }
      approval.put("timed_out", "pending".equals(approval.getString("status")));
      ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(approval.encode());
    }
  }

  private static UUID uuid(String v) {
    try {
      UUID id = UUID.fromString(v);
      if (id.toString().equalsIgnoreCase(v)) {
        return id;
      }
    } catch (IllegalArgumentException | NullPointerException ignored) {
      // reported below
    }
    throw GatewayException.invalid(Map.of("request_id", "must be a UUID"));
  }

  private static GatewayException noRole() {
    return new GatewayException(ErrorCode.SEC_002, "A role is required to read requests");
  }

}
