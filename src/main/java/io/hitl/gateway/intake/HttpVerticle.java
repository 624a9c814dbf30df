package io.hitl.gateway.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hitl.gateway.audit.ExportQuery;
import io.hitl.gateway.audit.JournalExport;
import io.hitl.gateway.auth.Tokens;
import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.BusActor;
import io.hitl.gateway.bus.BusErrors;
import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.cluster.NodeStatus;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.console.Console;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.stream.StreamApi;
import io.hitl.gateway.stream.Streams;
import io.hitl.gateway.observability.HitlMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** HTTP intake: routing, authentication, body parsing and problem+json; every decision is the approval verticle's. */
public class HttpVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  static final String ACTOR = "actor";
  private static final String API = "/api/v1";
  private static final List<String> TRADE_DECIMALS = List.of("quantity", "price", "confidence", "risk_pct");
  /** Floats parsed as BigDecimal so prices keep every digit up to the approval verticle. */
  private static final ObjectMapper MAPPER = new ObjectMapper()
    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private final GatewayConfig config;
  private final JWTAuth auth;
  private final Pool pool;
  private final Streams streams;
  private final Clock clock;
  private StreamApi stream;
  private HttpServer server;
  private Router router;

  public HttpVerticle(GatewayConfig config, JWTAuth auth, Pool pool, Streams streams, Clock clock) {
    this.config = config;
    this.auth = auth;
    this.pool = pool;
    this.streams = streams;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    stream = streams.api(vertx);
    Router router = Router.router(vertx);
    this.router = router;
    HitlMetrics metrics = HitlMetrics.of(vertx);
    router.route().handler(Correlation::handle);
    router.route().handler(new AccessLog(metrics)::handle);
    router.get("/healthz").handler(this::healthz);
    router.get("/readyz").handler(this::readyz);
    ChatIntake chat = new ChatIntake(vertx);
    BodyHandler rawBody = BodyHandler.create(false).setBodyLimit(config.httpBodyLimitBytes).setMergeFormAttributes(false);
    router.post(API + "/chat/slack/interactions").handler(rawBody).handler(chat::slack);
    router.post(API + "/chat/discord/interactions").handler(rawBody).handler(chat::discord);
    router.get("/approve/:token").handler(chat::deepLink);
    router.get("/").handler(Console::redirect);
    router.get("/console").handler(Console::redirect);
    router.get(Console.PATH + "*").handler(Console::headers).handler(Console.assets());
    io.hitl.gateway.console.ApiDocs.mount(router);
    router.get("/metrics").handler(new MetricsEndpoint(config, metrics)::handle);
    router.route(API + "/*").handler(BodyHandler.create(false).setBodyLimit(config.httpBodyLimitBytes));
    router.route(API + "/*").handler(this::authenticate);
    RateLimiter limit = new RateLimiter(config, pool, clock, metrics);
    ClientCerts engine = new ClientCerts(config.requireClientCert);

    router.post(API + "/approvals/trade").handler(engine::require).handler(limit::handle).handler(this::createTrade);
    router.post(API + "/approvals/decision").handler(limit::handle).handler(this::decision);
    router.post(API + "/approvals").handler(engine::require).handler(limit::handle).handler(this::create);
    router.post(API + "/approvals/cleanup").handler(this::cleanup);
    router.get(API + "/approvals").handler(this::list);
    router.get(API + "/approvals/:id").handler(this::get);
    router.post(API + "/approvals/:id/approve").handler(limit::handle).handler(this::approve);
    router.post(API + "/approvals/:id/reject").handler(limit::handle).handler(this::reject);
    router.delete(API + "/approvals/:id").handler(limit::handle).handler(this::cancel);
    router.post(API + "/approvals/trade/batch").handler(engine::require).handler(limit::handle)
      .handler(this::createBatch);
    router.post(API + "/approvals/bulk-decision").handler(limit::handle).handler(this::bulkDecision);
    router.post(API + "/approvals/:id/acknowledge").handler(this::acknowledge);
    router.post(API + "/approvals/:id/re-request").handler(limit::handle).handler(this::reRequest);
    router.get(API + "/policies").handler(this::policy);
    router.put(API + "/policies").handler(this::putPolicy);
    router.get(API + "/policies/versions").handler(this::policyVersions);
    router.post(API + "/policies/dry-run").handler(this::dryRunPolicy);
    router.get(API + "/audit").handler(this::audit);
    router.get(API + "/audit/verify").handler(this::verify);
    router.get(API + "/audit/export").handler(this::export);
    router.get(API + "/notifications").handler(this::notifications);
    router.post(API + "/notifications/:id/retry").handler(this::retryNotification);
    new GuardRoutes(this).mount(router, API);
    router.post(API + "/stream/token").handler(this::streamToken);
    router.get(API + "/stream").handler(this::stream);
    router.get(API + "/approvals/:id/stream").handler(this::requestStream);
    router.get(API + "/approvals/:id/wait").handler(this::waitFor);

    router.route().failureHandler(this::failure);
    router.errorHandler(404, ctx -> Problems.send(ctx, new GatewayException(ErrorCode.SEC_011,
      "No resource at " + ctx.request().method() + " " + ctx.request().path())));
    router.errorHandler(405, ctx -> Problems.send(ctx, new GatewayException(ErrorCode.SEC_010,
      "Method " + ctx.request().method() + " is not allowed on " + ctx.request().path()), 405));
    server = vertx.createHttpServer(serverOptions(config));
    return stream.start().compose(v -> server.requestHandler(router).listen());
  }

  /**
   * Plain HTTP, or TLS from the PEM files. With HITL_REQUIRE_CLIENT_CERT the server asks every client for a
   * certificate signed by the trusted CA but does not insist (ClientAuth is per server, and the console's
   * browsers have none); the engine intake routes then refuse a call without one ({@link ClientCerts}).
   */
  static HttpServerOptions serverOptions(GatewayConfig config) {
    HttpServerOptions o = new HttpServerOptions().setHost(config.httpHost).setPort(config.httpPort);
    if (config.tlsEnabled()) {
      o.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(config.tlsCertFile.toString())
        .setKeyPath(config.tlsKeyFile.toString()));
      if (config.requireClientCert) {
        o.setTrustOptions(new PemTrustOptions().addCertPath(config.tlsClientCaFile.toString()))
          .setClientAuth(ClientAuth.REQUEST);
      }
    }
    return o;
  }

  /** The routes this instance serves, so docs/openapi.yaml can be checked against them. */
  List<Route> routes() {
    return router == null ? List.of() : router.getRoutes();
  }

  /** Stops accepting connections and lets in-flight requests finish, within the shutdown grace period. */
  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture()
      : server.shutdown(config.shutdownGraceSeconds, java.util.concurrent.TimeUnit.SECONDS);
  }

  private void healthz(RoutingContext ctx) {
    json(ctx, 200, new JsonObject().put("status", "up"));
  }

  private void readyz(RoutingContext ctx) {
    NodeStatus node = NodeStatus.of(vertx);
    if (node.draining()) {
      json(ctx, 503, new JsonObject().put("status", "draining"));
      return;
    }
    String cluster = node.cluster();
    if (NodeStatus.DISCONNECTED.equals(cluster)) {
      json(ctx, 503, new JsonObject().put("status", "not_ready").put("cluster", cluster));
      return;
    }
    pool.query("SELECT 1").execute()
      .timeout(2, java.util.concurrent.TimeUnit.SECONDS)
      .onSuccess(rs -> json(ctx, 200, new JsonObject().put("status", "ready").put("database", "up")
        .put("migrations", "applied").put("cluster", cluster).put("cluster_nodes", node.clusterNodes())))
      .onFailure(t -> json(ctx, 503, new JsonObject().put("status", "not_ready").put("database", "down")));
  }

  private void authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null && stream.acceptsQueryToken(ctx.request())) {
      stream.authenticateQuery(ctx.request()).onFailure(t -> Problems.send(ctx, t instanceof GatewayException
          ? (GatewayException) t : new GatewayException(ErrorCode.SEC_001, "The token is invalid or expired")))
        .onSuccess(actor -> {
          ctx.put(ACTOR, actor);
          ctx.next();
        });
      return;
    }
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
      Problems.send(ctx, new GatewayException(ErrorCode.SEC_001, "A bearer token is required"));
      return;
    }
    auth.authenticate(new TokenCredentials(header.substring(7).trim())).onSuccess(user -> {
      Actor actor = Tokens.actor(user);
      if (actor == null) {
        Problems.send(ctx, new GatewayException(ErrorCode.SEC_001, "The token has no subject"));
        return;
      }
      ctx.put(ACTOR, actor);
      ctx.next();
    }).onFailure(t -> Problems.send(ctx, new GatewayException(ErrorCode.SEC_001, "The token is invalid or expired")));
  }

  private void create(RoutingContext ctx) {
    JsonObject body = body(ctx);
    if (body == null) {
      return;
    }
    if (io.hitl.gateway.core.ApprovalTypes.TRADE_EXECUTION.equals(body.getValue("type"))) {
      Problems.send(ctx, GatewayException.invalid(Map.of("type", "trade requests go to POST /api/v1/approvals/trade")));
      return;
    }
    if (body.getValue("type") == null) {
      Problems.send(ctx, GatewayException.invalid(Map.of("type", "is required")));
      return;
    }
    sendCreate(ctx, body);
  }

  private void createTrade(RoutingContext ctx) {
    JsonObject body = body(ctx);
    if (body == null) {
      return;
    }
    if (body.getValue("trades") != null) {
      sendBatch(ctx, body);
      return;
    }
    if (body.getValue("type") == null) {
      body.put("type", io.hitl.gateway.core.ApprovalTypes.TRADE_EXECUTION);
    }
    for (String f : TRADE_DECIMALS) {
      if (body.getValue(f) instanceof BigDecimal) {
        body.put(f, ((BigDecimal) body.getValue(f)).toPlainString());
      }
    }
    sendCreate(ctx, body);
  }

  private void sendCreate(RoutingContext ctx, JsonObject body) {
    DeliveryOptions o = options(ctx);
    String key = ctx.request().getHeader("Idempotency-Key");
    if (key != null) {
      o.addHeader(Headers.IDEMPOTENCY_KEY, key);
    }
    request(ctx, Addresses.APPROVALS_CREATE, body, o).onSuccess(reply -> {
      boolean created = reply.getBoolean("created");
      JsonObject approval = reply.getJsonObject("approval");
      approval.put("message", created ? "Approval request created" : "Existing request returned (idempotent retry)");
      ctx.response().putHeader("Location", API + "/approvals/" + approval.getString("request_id"));
      json(ctx, created ? 201 : 200, approval);
    });
  }

  private void list(RoutingContext ctx) {
    JsonObject q = new JsonObject();
    for (String p : List.of("status", "type", "limit", "cursor")) {
      String v = ctx.request().getParam(p);
      if (v != null && !v.isEmpty()) {
        q.put(p, p.equals("type") ? v.toUpperCase(java.util.Locale.ROOT) : v);
      }
    }
    request(ctx, Addresses.APPROVALS_LIST, q, options(ctx)).onSuccess(reply -> json(ctx, 200, reply));
  }

  private void get(RoutingContext ctx) {
    request(ctx, Addresses.APPROVALS_GET, new JsonObject().put("request_id", ctx.pathParam("id")), options(ctx))
      .onSuccess(reply -> json(ctx, 200, reply.getJsonObject("approval")));
  }

  private void approve(RoutingContext ctx) {
    decide(ctx, ctx.pathParam("id"), "approve");
  }

  private void reject(RoutingContext ctx) {
    decide(ctx, ctx.pathParam("id"), "reject");
  }

  private void decision(RoutingContext ctx) {
    JsonObject body = body(ctx);
    if (body == null) {
      return;
    }
    Object id = body.getValue("request_id");
    Object decision = body.getValue("decision");
    if (!(decision instanceof String)) {
      Problems.send(ctx, GatewayException.invalid(Map.of("decision", "must be approve or reject")));
      return;
    }
    decide(ctx, id == null ? null : String.valueOf(id), (String) decision, body);
  }

  private void decide(RoutingContext ctx, String id, String decision) {
    JsonObject body = body(ctx);
    if (body != null) {
      decide(ctx, id, decision, body);
    }
  }

  private void decide(RoutingContext ctx, String id, String decision, JsonObject body) {
    JsonObject msg = new JsonObject().put("request_id", id).put("decision", decision)
      .put("reason", body.getValue("reason")).put("comment", body.getValue("comment"));
    if (body.getValue("edits") != null) {
      msg.put("edits", decimalsAsText(body.getValue("edits")));
    }
    request(ctx, Addresses.APPROVALS_DECIDE, msg, options(ctx))
      .onSuccess(reply -> json(ctx, 200, reply.getJsonObject("approval")));
  }

  private void cancel(RoutingContext ctx) {
    JsonObject body = body(ctx);
    if (body == null) {
      return;
    }
    Object reason = body.getValue("reason", ctx.request().getParam("reason"));
    JsonObject msg = new JsonObject().put("request_id", ctx.pathParam("id")).put("reason", reason);
    request(ctx, Addresses.APPROVALS_CANCEL, msg, options(ctx))
      .onSuccess(reply -> json(ctx, 200, reply.getJsonObject("approval")));
  }

  /** Several trades for one ticker as one request (`trades`: a list of trade bodies without the ticker). */
  private void createBatch(RoutingContext ctx) {
    JsonObject body = body(ctx);
    if (body == null) {
      return;
    }
    if (body.getValue("trades") == null) {
      Problems.send(ctx, GatewayException.invalid(Map.of("trades", "is required: a list of trades")));
      return;
    }
    sendBatch(ctx, body);
  }

  private void sendBatch(RoutingContext ctx, JsonObject body) {
    JsonObject batch = new JsonObject(asMap(decimalsAsText(body)));
    if (batch.getValue("type") == null) {
      batch.put("type", io.hitl.gateway.core.ApprovalTypes.TRADE_EXECUTION);
    }
    sendCreate(ctx, batch);
  }

  private void bulkDecision(RoutingContext ctx) {
    JsonObject body = body(ctx);
    if (body != null) {
      request(ctx, Addresses.APPROVALS_BULK_DECIDE, body, options(ctx).setSendTimeout(120_000))
        .onSuccess(reply -> json(ctx, 200, reply));
    }
  }

  private void acknowledge(RoutingContext ctx) {
    JsonObject body = body(ctx);
    if (body == null) {
      return;
    }
    JsonObject msg = new JsonObject().put("request_id", ctx.pathParam("id")).put("persona", body.getValue("persona"))
      .put("comment", body.getValue("comment"));
    request(ctx, Addresses.APPROVALS_ACKNOWLEDGE, msg, options(ctx))
      .onSuccess(reply -> json(ctx, 200, reply.getJsonObject("approval")));
  }

  private void reRequest(RoutingContext ctx) {
    JsonObject body = body(ctx);
    if (body == null) {
      return;
    }
    JsonObject msg = new JsonObject().put("request_id", ctx.pathParam("id")).put("reason", body.getValue("reason"));
    request(ctx, Addresses.APPROVALS_REREQUEST, msg, options(ctx)).onSuccess(reply -> {
      JsonObject approval = reply.getJsonObject("approval");
      approval.put("message", "Re-requested as a new request of lineage " + approval.getString("lineage_id"));
      ctx.response().putHeader("Location", API + "/approvals/" + approval.getString("request_id"));
      json(ctx, 201, approval);
    });
  }

  private void policy(RoutingContext ctx) {
    JsonObject q = new JsonObject();
    String version = ctx.request().getParam("version");
    if (version != null) {
      q.put("version", version);
    }
    request(ctx, Addresses.POLICIES_GET, q, options(ctx)).onSuccess(reply -> json(ctx, 200, reply));
  }

  private void putPolicy(RoutingContext ctx) {
    JsonObject body = body(ctx);
    if (body != null) {
      request(ctx, Addresses.POLICIES_PUT, new JsonObject(asMap(decimalsAsText(body))), options(ctx))
        .onSuccess(reply -> {
          ctx.response().putHeader("Location", API + "/policies?version=" + reply.getInteger("version"));
          json(ctx, 201, reply);
        });
    }
  }

  private void policyVersions(RoutingContext ctx) {
    JsonObject q = new JsonObject();
    String limit = ctx.request().getParam("limit");
    if (limit != null) {
      q.put("limit", limit);
    }
    request(ctx, Addresses.POLICIES_VERSIONS, q, options(ctx)).onSuccess(reply -> json(ctx, 200, reply));
  }

  private void dryRunPolicy(RoutingContext ctx) {
    JsonObject body = body(ctx);
    if (body != null) {
      request(ctx, Addresses.POLICIES_DRY_RUN, new JsonObject(asMap(decimalsAsText(body))), options(ctx))
        .onSuccess(reply -> json(ctx, 200, reply));
    }
  }

  /** Decimals parsed from the body as BigDecimal travel as plain strings, so no digit is lost on the bus. */
  private static Object decimalsAsText(Object v) {
    if (v instanceof JsonObject) {
      return decimalsAsText(((JsonObject) v).getMap());
    }
    if (v instanceof io.vertx.core.json.JsonArray) {
      return decimalsAsText(((io.vertx.core.json.JsonArray) v).getList());
    }
    if (v instanceof Map) {
      Map<String, Object> out = new LinkedHashMap<>();
      ((Map<?, ?>) v).forEach((k, x) -> out.put(String.valueOf(k), decimalsAsText(x)));
      return out;
    }
    if (v instanceof List) {
      List<Object> out = new java.util.ArrayList<>();
      ((List<?>) v).forEach(x -> out.add(decimalsAsText(x)));
      return out;
    }
    return v instanceof BigDecimal ? ((BigDecimal) v).toPlainString() : v;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object v) {
    return (Map<String, Object>) v;
  }

  private void cleanup(RoutingContext ctx) {
    DeliveryOptions o = options(ctx).setSendTimeout(120_000);
    request(ctx, Addresses.APPROVALS_CLEANUP, new JsonObject(), o).onSuccess(reply -> json(ctx, 200, reply));
  }

  private void audit(RoutingContext ctx) {
    JsonObject q = new JsonObject();
    String id = ctx.request().getParam("approval_id");
    String limit = ctx.request().getParam("limit");
    if (id != null) {
      q.put("approval_id", id);
    }
    if (limit != null) {
      q.put("limit", limit);
    }
    request(ctx, Addresses.AUDIT_QUERY, q, options(ctx)).onSuccess(reply -> json(ctx, 200, reply));
  }

  private void verify(RoutingContext ctx) {
    DeliveryOptions o = options(ctx).setSendTimeout(120_000);
    String archive = ctx.request().getParam("archive");
    if (archive != null && !archive.equals("true") && !archive.equals("false")) {
      Problems.send(ctx, GatewayException.invalid(Map.of("archive", "must be true or false")));
      return;
    }
    request(ctx, Addresses.AUDIT_VERIFY, new JsonObject().put("archive", "true".equals(archive)), o)
      .onSuccess(reply -> json(ctx, 200, reply));
  }

  /**
   * Streams the journal as NDJSON or CSV. The parameters are checked and the export journaled (which also
   * checks the reader's role) before the first byte; rows then flow from a cursor with back-pressure.
   */
  private void export(RoutingContext ctx) {
    JsonObject params = new JsonObject();
    Map<String, String> raw = new LinkedHashMap<>();
    for (String p : List.of("from", "to", "action", "format")) {
      String v = ctx.request().getParam(p);
      if (v != null) {
        params.put(p, v);
        raw.put(p, v);
      }
    }
    ExportQuery q;
    try {
      q = ExportQuery.parse(raw);
    } catch (GatewayException e) {
      Problems.send(ctx, e);
      return;
    }
    request(ctx, Addresses.AUDIT_EXPORT, params, options(ctx)).onSuccess(recorded -> {
      HttpServerResponse response = ctx.response();
      JournalExport export = new JournalExport(pool, q, response);
      response.closeHandler(v -> export.abort(new IllegalStateException("the client closed the connection")));
      export.run(() -> response.setStatusCode(200).setChunked(true)
          .putHeader("Content-Type", q.format().contentType())
          .putHeader("Content-Disposition", "attachment; filename=\"journal." + q.format().extension() + "\"")
          .putHeader("Cache-Control", "no-store"))
        .onSuccess(n -> response.end())
        .onFailure(t -> {
          if (response.headWritten()) {
            LOG.warn("audit export stopped after the response began (correlation_id={}): {}", Correlation.of(ctx),
              t.getMessage());
            response.reset();
          } else {
            Problems.send(ctx, io.hitl.gateway.store.DbFailures.of(t));
          }
        });
    });
  }

  private void notifications(RoutingContext ctx) {
    JsonObject q = new JsonObject();
    for (String p : List.of("status", "channel", "approval_id", "limit", "cursor")) {
      String v = ctx.request().getParam(p);
      if (v != null && !v.isEmpty()) {
        q.put(p, v);
      }
    }
    request(ctx, Addresses.NOTIFY_LIST, q, options(ctx)).onSuccess(reply -> json(ctx, 200, reply));
  }

  private void retryNotification(RoutingContext ctx) {
    request(ctx, Addresses.NOTIFY_RETRY, new JsonObject().put("id", ctx.pathParam("id")), options(ctx))
      .onSuccess(reply -> json(ctx, 200, reply));
  }

  private void streamToken(RoutingContext ctx) {
    stream.token(ctx, ctx.get(ACTOR));
  }

  private void stream(RoutingContext ctx) {
    stream.events(ctx, ctx.get(ACTOR));
  }

  private void requestStream(RoutingContext ctx) {
    stream.requestStream(ctx, ctx.get(ACTOR), Correlation.of(ctx));
  }

  private void waitFor(RoutingContext ctx) {
    stream.waitFor(ctx, ctx.get(ACTOR), Correlation.of(ctx));
  }

  /** Request-reply on the bus; refusals are answered here, so callers handle success only. */
  Future<JsonObject> request(RoutingContext ctx, String address, JsonObject body, DeliveryOptions o) {
    return vertx.eventBus().<JsonObject>request(address, body, o).map(m -> m.body())
      .onFailure(t -> Problems.send(ctx, BusErrors.decode(t)));
  }

  DeliveryOptions options(RoutingContext ctx) {
    Actor actor = ctx.get(ACTOR);
    // every node runs the approval and audit verticles: a request stays on the node that took it
    DeliveryOptions o = BusActor.options(actor, Correlation.of(ctx)).setLocalOnly(true);
    String channel = ctx.request().getHeader("X-Hitl-Channel");
    o.addHeader(Headers.CHANNEL, "console".equals(channel) ? "console" : "api");
    return o;
  }

  /** The JSON object body ({} when empty), or null after answering SEC-010. */
  JsonObject body(RoutingContext ctx) {
    var buffer = ctx.body().buffer();
    if (buffer == null || buffer.length() == 0) {
      return new JsonObject();
    }
    try {
      Object parsed = MAPPER.readValue(buffer.getBytes(), Object.class);
      if (!(parsed instanceof Map)) {
        Problems.send(ctx, GatewayException.invalid(Map.of("body", "must be a JSON object")));
        return null;
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) parsed;
      return new JsonObject(new LinkedHashMap<>(map));
    } catch (JsonProcessingException e) {
      Problems.send(ctx, GatewayException.invalid(Map.of("body", "is not valid JSON")));
      return null;
    } catch (java.io.IOException e) {
      Problems.send(ctx, GatewayException.invalid(Map.of("body", "could not be read")));
      return null;
    }
  }

  private void failure(RoutingContext ctx) {
    Throwable t = ctx.failure();
    if (t instanceof GatewayException) {
      Problems.send(ctx, (GatewayException) t);
    } else if (ctx.statusCode() == 413) {
      Problems.send(ctx, new GatewayException(ErrorCode.SEC_010,
        "The request body exceeds " + config.httpBodyLimitBytes + " bytes"), 413);
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      Problems.send(ctx, new GatewayException(ErrorCode.SEC_010, "The request could not be processed"),
        ctx.statusCode());
    } else {
      LOG.error("unhandled failure on {} {} (correlation_id={})", ctx.request().method(), ctx.request().path(),
        Correlation.of(ctx), t);
      Problems.send(ctx, new GatewayException(ErrorCode.INTERNAL, "Internal error"));
    }
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
