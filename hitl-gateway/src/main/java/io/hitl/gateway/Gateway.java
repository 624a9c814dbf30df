package io.hitl.gateway;

import io.hitl.gateway.chat.ChatVerticle;
import io.hitl.gateway.outbox.OutboxVerticle;

import io.hitl.gateway.approval.ApprovalService;
import io.hitl.gateway.approval.ApprovalVerticle;
import io.hitl.gateway.approval.QuoteSource;
import io.hitl.gateway.audit.AuditVerticle;
import io.hitl.gateway.audit.CheckpointKeys;
import io.hitl.gateway.audit.CheckpointVerticle;
import io.hitl.gateway.audit.Retention;
import io.hitl.gateway.pretrade.PretradePurge;
import io.hitl.gateway.auth.IdentityProvider;
import io.hitl.gateway.auth.Tokens;
import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.cluster.BusAuth;
import io.hitl.gateway.cluster.ClusterSetup;
import io.hitl.gateway.cluster.NodeStatus;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.expiry.ExpiryVerticle;
import io.hitl.gateway.intake.HttpVerticle;
import io.hitl.gateway.intake.RateLimitPurge;
import io.hitl.gateway.guardian.GuardianVerticle;
import io.hitl.gateway.market.HttpQuoteSource;
import io.hitl.gateway.market.MarketVerticle;
import io.hitl.gateway.history.HistoryService;
import io.hitl.gateway.history.HistoryVerticle;
import io.hitl.gateway.history.SchemaService;
import io.hitl.gateway.journal.Journal;
import io.hitl.gateway.observability.HitlMetrics;
import io.hitl.gateway.observability.Logging;
import io.hitl.gateway.observability.Published;
import io.hitl.gateway.observability.Tracing;
import io.hitl.gateway.observability.VertxMetricsSetup;
import io.hitl.gateway.policy.PolicyCache;
import io.hitl.gateway.policy.PolicyService;
import io.hitl.gateway.policy.PolicyVerticle;
import io.hitl.gateway.store.Database;
import io.hitl.gateway.stream.StreamTokens;
import io.hitl.gateway.stream.Streams;
import io.hitl.gateway.sessions.SessionVerticle;
import io.hitl.gateway.switches.SwitchVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.client.WebClient;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway process: database (embedded or external), migrations, then the verticles. Start-up is
 * blocking and runs on the caller's thread, never on an event loop.
 */
public final class Gateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  private static final long DEPLOY_TIMEOUT_SECONDS = 60;

  private final GatewayConfig config;
  private final Database database;
  private final Vertx vertx;
  private final Pool pool;
  private final JWTAuth auth;
  private final String httpDeployment;
  private final Tracing tracing;

  private Gateway(GatewayConfig config, Database database, Vertx vertx, Pool pool, JWTAuth auth,
      String httpDeployment, Tracing tracing) {
    this.config = config;
    this.database = database;
    this.vertx = vertx;
    this.pool = pool;
    this.auth = auth;
    this.httpDeployment = httpDeployment;
    this.tracing = tracing;
  }

  public static Gateway start(GatewayConfig config, Clock clock) {
    return start(config, clock, null);
  }

  /** With {@code tracing} instead of the one OTLP_ENDPOINT describes (null: from the settings). */
  public static Gateway start(GatewayConfig config, Clock clock, Tracing tracing) {
    Tracing traces = tracing != null ? tracing : Tracing.from(config);
    long t0 = System.nanoTime();
    LOG.info("starting with {}", config);
    String secret = Tokens.secret(config);
    CheckpointKeys.Signer signer = CheckpointKeys.signer(config);
    Logging.registerSecrets(config, secret);
    Database database = Database.start(config);
    Vertx vertx = null;
    try {
      database.migrate();
      VertxMetricsSetup metricsSetup = new VertxMetricsSetup(config);
      vertx = config.cluster ? joinCluster(config, metricsSetup, traces) : standalone(metricsSetup, traces);
      Tracing.install(vertx, traces);
      Pool pool = database.pool(vertx, config.dbPoolSize, config.dbCachePrepared, config.dbPoolMaxWait,
        Database.POOL_NAME);
      IdentityProvider identity = config.oidc.enabled() ? new IdentityProvider(vertx, config.oidc, clock) : null;
      if (identity != null) {
        await(identity.start());
      }
      JWTAuth auth = Tokens.provider(vertx, config, secret, Clock.systemUTC(), identity);
      if (config.cluster) {
        BusAuth.install(vertx, config, auth, clock);
      }
      Vertx v = vertx;
      HitlMetrics metrics = HitlMetrics.install(v, new HitlMetrics(metricsSetup.registry(), clock, pool,
        config.metricsDbRefreshSeconds));
      QuoteSource quotes = config.quoteUrl == null ? null : new HttpQuoteSource(pool, WebClient.create(v),
        config.quoteUrl, clock, Duration.ofSeconds(config.quoteMaxAgeSeconds));
      PolicyCache policies = new PolicyCache(config);
      await(v.deployVerticle(() -> new ApprovalVerticle(self -> new ApprovalService(pool, config, clock,
          approvalJournal(v, metrics), quotes, policies), config.approvalMaxInFlight),
        new DeploymentOptions().setInstances(config.approvalInstances)));
      await(v.deployVerticle(new PolicyVerticle(self -> new PolicyService(pool, config, clock, policies,
        changed -> v.eventBus().publish(Addresses.POLICIES_CHANGED, changed), Journal.on(v)), policies, pool)));
      // the Guardian, the scoped switches and engine sessions change approvals through the same service
      java.util.function.Function<Vertx, ApprovalService> approvals = x -> new ApprovalService(pool, config, clock,
        approvalJournal(x, metrics), quotes, policies);
      await(v.deployVerticle(new GuardianVerticle(config, pool, clock, approvals)));
      await(v.deployVerticle(new SwitchVerticle(pool, clock, approvals)));
      await(v.deployVerticle(new SessionVerticle(pool, clock, approvals, config.engineSessionSweepMs)));
      await(v.deployVerticle(new MarketVerticle(pool, clock, config)));
      await(v.deployVerticle(new HistoryVerticle(new HistoryService(pool, clock, Journal.on(v)),
        new SchemaService(pool, policies, config.timeoutMinSeconds, config.timeoutMaxSeconds))));
      await(v.deployVerticle(new AuditVerticle(pool, config.archiveDir, clock, config.checkpointDir,
        CheckpointKeys.trusted(config.checkpointPublicKeys, signer.publicKey()))));
      await(v.deployVerticle(new CheckpointVerticle(pool, config, clock, signer)));
      // journal entries older than HITL_RETENTION_DAYS into archive files, every HITL_RETENTION_CHECK_SECONDS
      long retentionMs = config.retentionCheckSeconds * 1000L;
      await(v.deployVerticle(new PeriodicJob(retentionMs, retentionMs, vx -> config.retentionDays == 0 ? null
        : new Retention(vx, pool, config, clock)::runOnce)));
      // counted orders older than every window, a minute after start and every ten minutes
      await(v.deployVerticle(new PeriodicJob(60_000, 600_000,
        vx -> new PretradePurge(pool, Journal.on(vx), clock, config.pretradeKeepHours)::runOnce)));
      await(v.deployVerticle(new ExpiryVerticle(config, pool, clock)));
      await(v.deployVerticle(() -> new ChatVerticle(config, pool, clock),
        new DeploymentOptions().setInstances(config.httpInstances)));
      // the notifier's own connections: claims, renders and outcomes never wait behind (or hold up) intake
      Pool notifyPool = database.pool(v, config.notifyDbPoolSize, config.dbCachePrepared, config.dbPoolMaxWait,
        Database.POOL_NAME + "-notify");
      await(v.deployVerticle(new OutboxVerticle(config, notifyPool, clock)));
      await(v.deployVerticle(new RateLimitPurge(config, pool, clock)));
      Streams streams = new Streams(pool, config, clock, auth,
        new StreamTokens(v, Tokens.hmacSecrets(config, secret), clock, config.streamTokenTtlSeconds));
      String http = await(v.deployVerticle(() -> new HttpVerticle(config, auth, pool, streams, clock, identity),
        new DeploymentOptions().setInstances(config.httpInstances)));
      LOG.info("ready: HTTP on {}:{}, {} database, {}, started in {} ms", config.httpHost, config.httpPort,
        database.embedded() ? "embedded" : "external", config.cluster ? "clustered with "
          + NodeStatus.of(v).clusterNodes() + " node(s)" : "standalone",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      String base = (config.tlsEnabled() ? "https://" : "http://")
        + ("0.0.0.0".equals(config.httpHost) || "::".equals(config.httpHost) ? "localhost" : config.httpHost)
        + ":" + config.httpPort;
      LOG.info("console: {}/console/, API docs: {}/api/docs/", base, base);
      if (config.jwtSecret == null && config.jwtPublicKey == null) {
        LOG.info("development tokens: java -jar hitl-gateway/target/hitl-gateway.jar token --subject alice --roles approver,viewer");
      }
      return new Gateway(config, database, v, pool, auth, http, traces);
    } catch (RuntimeException e) {
      if (vertx != null) {
        try {
          await(vertx.close());
        } catch (RuntimeException ignored) {
          // already failing; the original error is the one to report
        }
      }
      database.close();
      traces.close();
      throw e;
    }
  }

  private static Vertx standalone(VertxMetricsSetup metrics, Tracing tracing) {
    Vertx vertx = tracing.builder(new VertxOptions(), metrics::builder).build();
    NodeStatus.register(vertx, null, null);
    return vertx;
  }

  /** Joins the Hazelcast cluster of cluster.xml and the HITL_CLUSTER_* settings; blocking. */
  private static Vertx joinCluster(GatewayConfig config, VertxMetricsSetup metrics, Tracing tracing) {
    com.hazelcast.config.Config hz = ClusterSetup.hazelcastConfig(config, false);
    hz.setProperty("hazelcast.logging.type", "slf4j");
    HazelcastClusterManager manager = new HazelcastClusterManager(hz);
    Vertx vertx = await(tracing.builder(ClusterSetup.vertxOptions(config), metrics::builder).withClusterManager(manager)
      .buildClustered());
    NodeStatus.register(vertx, manager::isActive, () -> ClusterSetup.dataMembers(manager));
    return vertx;
  }

  public GatewayConfig config() {
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Pool pool() {
    return pool;
  }

  public JWTAuth auth() {
    return auth;
  }

  public Database database() {
    return database;
  }

  /**
   * Graceful stop (SIGTERM): report not ready, wait HITL_SHUTDOWN_DELAY_SECONDS for load balancers to
   * notice, stop accepting HTTP and let in-flight requests finish (at most HITL_SHUTDOWN_GRACE_SECONDS),
   * undeploy the rest, leave the cluster, then stop the embedded database if there is one.
   */
  @Override
  public void close() {
    NodeStatus.of(vertx).drain();
    try {
      if (config.shutdownDelaySeconds > 0) {
        LOG.info("draining: not ready, stopping HTTP in {} s", config.shutdownDelaySeconds);
        // close() runs on the thread Main starts for SIGTERM or SIGINT, or on its shutdown hook; never on an event loop
        Thread.sleep(TimeUnit.SECONDS.toMillis(config.shutdownDelaySeconds));
      }
      await(vertx.undeploy(httpDeployment), config.shutdownGraceSeconds + DEPLOY_TIMEOUT_SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("HTTP did not stop cleanly: {}", e.getMessage());
    }
    try {
      // verticles stop while the pool is still open, so in-flight deliveries can record their outcome
      await(Future.join(vertx.deploymentIDs().stream().map(vertx::undeploy).collect(Collectors.toList()))
        .otherwiseEmpty());
      await(vertx.close());
      LOG.info("stopped{}", config.cluster ? " and left the cluster" : "");
    } finally {
      tracing.close();
      database.close();
    }
  }

  /** Blocks the calling thread (never an event loop: only start-up and shutdown use this). */
  static <T> T await(Future<T> f) {
    return await(f, DEPLOY_TIMEOUT_SECONDS);
  }

  private static <T> T await(Future<T> f, long seconds) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException ? (RuntimeException) cause : new IllegalStateException(cause);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("timed out after " + seconds + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The journal writer of the approval write path: its events observed (metrics, logs) as they are published. */
  private static Journal approvalJournal(Vertx v, HitlMetrics metrics) {
    return new Journal(Published.observed(metrics, event -> v.eventBus().publish(Addresses.EVENTS, event)),
      silent -> v.eventBus().publish(Addresses.JOURNAL_APPENDED, silent), Journal.wakeNotifiers(v));
  }
}
