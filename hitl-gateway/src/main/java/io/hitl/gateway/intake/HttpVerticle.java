package io.hitl.gateway.intake;

import io.hitl.gateway.auth.IdentityProvider;
import io.hitl.gateway.auth.Tokens;
import io.hitl.gateway.cluster.NodeStatus;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.console.Console;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.observability.HitlMetrics;
import io.hitl.gateway.stream.StreamApi;
import io.hitl.gateway.stream.Streams;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP intake: the server, the route table, authentication and the one failure path to problem+json. Each
 * resource's handlers live in its {@code *Routes} class; bodies and targets are read strictly by {@link Intake}.
 */
public class HttpVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  private static final String API = Intake.API;

  private final GatewayConfig config;
  private final JWTAuth auth;
  private final Pool pool;
  private final Streams streams;
  private final Clock clock;
  private final IdentityProvider identity;
  private SignInRoutes signIn;
  private StreamApi stream;
  private HttpServer server;
  private Router router;

  public HttpVerticle(GatewayConfig config, JWTAuth auth, Pool pool, Streams streams, Clock clock) {
    this(config, auth, pool, streams, clock, null);
  }

  /** With console sign-in through {@code identity} (null: tokens only, as in development). */
  public HttpVerticle(GatewayConfig config, JWTAuth auth, Pool pool, Streams streams, Clock clock,
      IdentityProvider identity) {
    this.identity = identity;
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
    Intake in = new Intake(vertx);
    router.route().handler(Correlation::handle);
    router.route().handler(new AccessLog(metrics)::handle);
    router.route().handler(Intake::target);
    router.get("/healthz").handler(this::healthz);
    router.get("/readyz").handler(this::readyz);
    ChatIntake chat = new ChatIntake(vertx);
    BodyHandler rawBody = BodyHandler.create(false).setBodyLimit(config.httpBodyLimitBytes).setMergeFormAttributes(false);
    router.post(API + "/chat/slack/interactions").handler(rawBody).handler(chat::slack);
    router.post(API + "/chat/slack/commands").handler(rawBody).handler(chat::slackCommand);
    router.post(API + "/chat/discord/interactions").handler(rawBody).handler(chat::discord);
    router.get("/approve/:token").handler(chat::deepLink);
    router.get("/").handler(Console::redirect);
    router.get("/console").handler(Console::redirect);
    router.get(Console.PATH + "*").handler(Console::headers).handler(Console.assets());
    io.hitl.gateway.console.ApiDocs.mount(router);
    signIn = new SignInRoutes(vertx, config, identity, clock);
    signIn.mount(router);
    router.get("/metrics").handler(new MetricsEndpoint(config, metrics)::handle);
    router.route(API + "/*").handler(Intake::declared);
    router.route(API + "/*").handler(BodyHandler.create(false).setBodyLimit(config.httpBodyLimitBytes)
      .setMergeFormAttributes(false));
    signIn.mountOnApi(router, API);
    router.route(API + "/*").handler(this::authenticate);
    router.route(API + "/*").handler(Intake::readBody);
    RateLimiter limit = new RateLimiter(config, pool, clock, metrics);
    ClientCerts engine = new ClientCerts(config.requireClientCert);

    new ApprovalRoutes(in, limit, engine).mount(router, API);
    new PolicyRoutes(in).mount(router, API);
    new AuditRoutes(in, pool).mount(router, API);
    new NotificationRoutes(in).mount(router, API);
    new GuardRoutes(in).mount(router, API);
    new SwitchRoutes(in).mount(router, API);
    new SessionRoutes(in).mount(router, API);
    new StreamRoutes(stream).mount(router, API);
    new HistoryRoutes(in, pool).mount(router, API);

    router.route().failureHandler(this::failure);
    router.errorHandler(404, ctx -> Problems.send(ctx, new GatewayException(ErrorCode.SEC_011,
      "No resource at " + ctx.request().method() + " " + ctx.request().path())));
    router.errorHandler(405, ctx -> Problems.send(ctx, new GatewayException(ErrorCode.SEC_010,
      "Method " + ctx.request().method() + " is not allowed on " + ctx.request().path()), 405));
    server = vertx.createHttpServer(serverOptions(config)).invalidRequestHandler(HttpVerticle::invalidRequest);
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
    Intake.json(ctx, 200, new JsonObject().put("status", "up"));
  }

  private void readyz(RoutingContext ctx) {
    NodeStatus node = NodeStatus.of(vertx);
    if (node.draining()) {
      Intake.json(ctx, 503, new JsonObject().put("status", "draining"));
      return;
    }
    String cluster = node.cluster();
    if (NodeStatus.DISCONNECTED.equals(cluster)) {
      Intake.json(ctx, 503, new JsonObject().put("status", "not_ready").put("cluster", cluster));
      return;
    }
    pool.query("SELECT 1").execute()
      .timeout(2, java.util.concurrent.TimeUnit.SECONDS)
      .onSuccess(rs -> Intake.json(ctx, 200, new JsonObject().put("status", "ready").put("database", "up")
        .put("migrations", "applied").put("cluster", cluster).put("cluster_nodes", node.clusterNodes())))
      .onFailure(t -> Intake.json(ctx, 503, new JsonObject().put("status", "not_ready").put("database", "down")));
  }

  private void authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    Actor session = header == null ? signIn.actor(ctx) : null;
    if (session != null) {
      ctx.put(Intake.ACTOR, session);
      ctx.next();
      return;
    }
    if (header == null && stream.acceptsQueryToken(ctx.request())) {
      stream.authenticateQuery(ctx.request()).onFailure(t -> Problems.send(ctx, t instanceof GatewayException
          ? (GatewayException) t : new GatewayException(ErrorCode.SEC_001, "The token is invalid or expired")))
        .onSuccess(actor -> {
          ctx.put(Intake.ACTOR, actor);
          ctx.next();
        });
      return;
    }
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
      Problems.send(ctx, new GatewayException(ErrorCode.SEC_001, header == null && SignInRoutes.hasCookie(ctx)
        ? "The console session has ended: sign in again" : "A bearer token is required"));
      return;
    }
    auth.authenticate(new TokenCredentials(header.substring(7).trim())).onSuccess(user -> {
      Actor actor = Tokens.actor(user);
      if (actor == null) {
        Problems.send(ctx, new GatewayException(ErrorCode.SEC_001, "The token has no subject"));
        return;
      }
      ctx.put(Intake.ACTOR, actor);
      ctx.next();
    }).onFailure(t -> Problems.send(ctx, new GatewayException(ErrorCode.SEC_001, "The token is invalid or expired")));
  }

  private void failure(RoutingContext ctx) {
    Throwable t = ctx.failure();
    if (t instanceof GatewayException) {
      Problems.send(ctx, (GatewayException) t);
    } else if (Intake.isInputFault(t)) {
      Problems.send(ctx, new GatewayException(ErrorCode.SEC_010, "The request could not be read"), 400);
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

  /**
   * A request the HTTP decoder could not read (a request line over the limit, headers over the limit, a
   * malformed line): answered as problem+json before any route runs, then the connection is closed.
   */
  static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = cause instanceof TooLongHttpLineException ? 414 : cause instanceof TooLongHttpHeaderException ? 431 : 400;
    String detail = status == 414 ? "The request line is too long" : status == 431 ? "The request headers are too large"
      : "The request could not be read as HTTP";
    Problems.write(request.response(), new GatewayException(ErrorCode.SEC_010, detail), status,
      UUID.randomUUID().toString()).onComplete(ar -> request.connection().close());
  }
}
