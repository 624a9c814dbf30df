package io.hitl.gateway.store;

import io.hitl.gateway.config.ConfigKeys;
import io.hitl.gateway.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL the gateway runs on: the server named by HITL_DB_URL, or an embedded one whose data
 * lives in HITL_DATA_DIR/postgres and survives restarts. Start-up and migrations are blocking and
 * run before Vert.x deploys anything.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  public static final String EMBEDDED_DATABASE = "hitl";
  /** The pool's name in the vertx_pool_* metrics. */
  public static final String POOL_NAME = "hitl-db";
  /**
   * Longest wait for a pooled connection, and for a new one to connect: past it the call is SEC-099, answered
   * before the 10 s its caller on the event bus waits (the pool's own default would be 30 s).
   */
  static final int WAIT_SECONDS = 5;

  private final EmbeddedPostgres embedded;
  private final PgConnectOptions connectOptions;

  private Database(EmbeddedPostgres embedded, PgConnectOptions connectOptions) {
    this.embedded = embedded;
    this.connectOptions = connectOptions;
  }

  public static Database start(GatewayConfig config) {
    if (config.dbUrl != null) {
      PgConnectOptions options;
      try {
        options = PgConnectOptions.fromUri(config.dbUrl);
      } catch (IllegalArgumentException e) {
        throw new io.hitl.gateway.config.ConfigException(ConfigKeys.HITL_DB_URL, "is not a valid PostgreSQL URL");
      }
      return new Database(null, options);
    }
    Path dir = config.dataDir.resolve("postgres").toAbsolutePath();
    try {
      Files.createDirectories(dir.getParent());
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(dir)
        .setCleanDataDirectory(false)
        .setPGStartupWait(Duration.ofSeconds(60))
        .setServerConfig("max_connections", "300")
        // the library starts PostgreSQL with its test settings (no fsync); an acknowledged decision must survive a power cut
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("full_page_writes", "on");
      if (config.embeddedDbPort > 0) {
        builder.setPort(config.embeddedDbPort);
      }
      EmbeddedPostgres pg = builder.start();
      LOG.info("embedded PostgreSQL started on port {} with data in {}", pg.getPort(), dir);
      PgConnectOptions options = new PgConnectOptions().setHost("localhost").setPort(pg.getPort())
        .setUser("postgres").setDatabase("postgres");
      Database db = new Database(pg, options);
      db.ensureDatabase(EMBEDDED_DATABASE);
      options.setDatabase(EMBEDDED_DATABASE);
      return db;
    } catch (IOException e) {
      throw new IllegalStateException("embedded PostgreSQL could not start in " + dir + ": " + e.getMessage(), e);
    }
  }

  public PgConnectOptions connectOptions() {
    return new PgConnectOptions(connectOptions);
  }

  public boolean embedded() {
    return embedded != null;
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + connectOptions.getHost() + ":" + connectOptions.getPort() + "/"
      + connectOptions.getDatabase();
  }

  /** Runs the migrations under db/migration; blocking, called once before verticles deploy. */
  public void migrate() {
    Flyway.configure()
      .dataSource(jdbcUrl(), connectOptions.getUser(), connectOptions.getPassword())
      .locations("classpath:db/migration")
      .load()
      .migrate();
  }

  public Pool pool(Vertx vertx, int size) {
    return pool(vertx, size, false, 256, POOL_NAME);
  }

  /**
   * A statement that starts with this is kept prepared whatever its length. The client keeps statements shorter than
   * 2,048 characters. The pre-trade check's statement is longer for any policy with caps per strategy and per account
   * (2,071 characters, and about 5,500 for ten caps), and PostgreSQL then parsed and planned it on every create, as
   * a custom plan for its values (about 270 µs each), where a kept statement is planned once per connection. Other
   * long statements keep their behaviour: a history page (up to about 2,200 characters) is planned for its filter's
   * values each time, as its first-page figures were measured.
   */
  public static final String KEEP_PREPARED = "/* kept */ ";
  private static final int CLIENT_SQL_LIMIT = io.vertx.sqlclient.SqlConnectOptions.DEFAULT_PREPARED_STATEMENT_CACHE_SQL_LIMIT;

  /** {@code base} as the pool connects with it: prepared statements kept per connection (or not), as above. */
  static PgConnectOptions pooled(PgConnectOptions base, boolean cachePrepared) {
    base.setCachePreparedStatements(cachePrepared)
      .setPreparedStatementCacheSqlFilter(sql -> sql.length() < CLIENT_SQL_LIMIT || sql.startsWith(KEEP_PREPARED));
    return base;
  }

  /**
   * {@code cachePrepared}: each connection parses a statement once and keeps it, instead of once per call.
   * {@code maxWait}: calls that may queue for a connection; one more fails at once (SEC-099) instead of waiting.
   * The wait itself has no pool timer: that timer, firing as a returned connection is handed to its waiter,
   * completes the waiter twice ("Promise already completed"); {@link BoundedPool} bounds the wait instead.
   */
  public Pool pool(Vertx vertx, int size, boolean cachePrepared, int maxWait, String name) {
    Pool pool = PgBuilder.pool()
      .with(new PoolOptions().setMaxSize(size).setName(name).setMaxWaitQueueSize(maxWait).setConnectionTimeout(0))
      .with(new io.vertx.core.net.NetClientOptions().setConnectTimeout(WAIT_SECONDS * 1000))
      .connectingTo(pooled(connectOptions(), cachePrepared))
      .withConnectHandler(conn -> {
        // the connection joins the pool only once it is closed here, whatever happened before
        try {
          FlushCoalescing.install(conn);
        } finally {
          conn.close();
        }
      })
      .using(vertx)
      .build();
    return new BoundedPool(pool, vertx, WAIT_SECONDS * 1000L);
  }

  private void ensureDatabase(String name) {
    Properties props = new Properties();
    props.setProperty("user", connectOptions.getUser());
    // JDBC only here and in migrate(): both run on the main thread before Vert.x starts
    try (Connection c = DriverManager.getConnection(jdbcUrl(), props); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
        if (!rs.next()) {
          s.execute("CREATE DATABASE " + name);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (embedded != null) {
      try {
        embedded.close();
      } catch (IOException e) {
        LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
      }
    }
  }
}
