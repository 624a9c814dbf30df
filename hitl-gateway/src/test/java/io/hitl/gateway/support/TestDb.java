package io.hitl.gateway.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Real PostgreSQL for tests: one embedded server per test JVM, or the external server named by
 * HITL_TEST_DB_URL (postgresql://user@host:port/db). Each call makes a fresh database, so a run never
 * meets what an earlier run left behind.
 */
public final class TestDb {
  public static final String EXTERNAL_ENV = "HITL_TEST_DB_URL";
  private static EmbeddedPostgres embedded;

  private TestDb() {
  }

  /** A fresh database on the embedded server; returns its postgresql:// URL. */
  public static synchronized String freshEmbedded() {
    try {
      if (embedded == null) {
        Path dir = Files.createTempDirectory("hitl-test-pg");
        embedded = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true)
          .setServerConfig("max_connections", "500")
          .setServerConfig("fsync", "off")
          .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            embedded.close();
          } catch (IOException ignored) {
            // the JVM is exiting
          }
        }));
      }
      return create("postgresql://postgres@localhost:" + embedded.getPort() + "/postgres");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh database on the external server, or null when HITL_TEST_DB_URL is not set. */
  public static String freshExternal() {
    String url = System.getenv(EXTERNAL_ENV);
    return url == null || url.isBlank() ? null : create(url);
  }

  /** Creates a uniquely named database on the server of {@code serverUrl}; returns its URL. */
  public static String create(String serverUrl) {
    String name = "hitl_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection c = jdbc(serverUrl); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test database on " + serverUrl + ": " + e.getMessage(), e);
    }
    URI u = URI.create(serverUrl);
    return u.getScheme() + "://" + (u.getRawUserInfo() == null ? "" : u.getRawUserInfo() + "@") + u.getHost() + ":"
      + (u.getPort() < 0 ? 5432 : u.getPort()) + "/" + name;
  }

  /** A JDBC connection to a postgresql:// URL, for tests that reach past the gateway (tampering). */
  public static Connection jdbc(String url) throws SQLException {
    URI u = URI.create(url);
    String user = "postgres";
    String password = null;
    if (u.getUserInfo() != null) {
      String[] parts = u.getUserInfo().split(":", 2);
      user = parts[0];
      password = parts.length > 1 ? parts[1] : null;
    }
    String db = u.getPath() == null || u.getPath().length() <= 1 ? "postgres" : u.getPath().substring(1);
    return DriverManager.getConnection("jdbc:postgresql://" + u.getHost() + ":" + (u.getPort() < 0 ? 5432 : u.getPort())
      + "/" + db, user, password);
  }
}
