package io.hitl.chaos;

import io.hitl.gateway.chat.DiscordSignature;

import io.hitl.gateway.auth.Tokens;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.support.ClusterSettings;
import io.hitl.gateway.support.NodeCluster;
import io.hitl.gateway.support.SignedCalls;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What every scenario needs: a database of its own (on the machine's PostgreSQL, or an embedded one), gateway
 * nodes as `java -jar hitl-gateway/target/hitl-gateway.jar` processes on loopback, tokens, chat signing keys, an HTTP
 * client and table snapshots. Everything it starts is stopped by {@link #close}.
 */
final class Env implements AutoCloseable {
  static final String JWT_SECRET = "chaos-jwt-secret-0123456789-abcdefghijklmn";
  static final String SLACK_SECRET = "chaos-slack-signing-secret-0123456789";
  static final String SLACK_USER = "U0CHAOSA";
  static final String DISCORD_USER = "555000111222333444";
  static final KeyPair DISCORD_KEYS = SignedCalls.ed25519();
  /**
   * Tables whose rows a refusal may legitimately add: replay guards, rate-limit buckets, derived heads, and
   * where a request's chat message lives, which a click carrying Slack's valid signature reports even when the
   * clicker may not decide (delivery bookkeeping, so the message can be edited later; no request changes).
   */
  static final List<String> NOT_STATE = List.of("chat_replay_guard", "rate_limit_buckets", "journal_head",
    "flyway_schema_history", "chat_messages");

  final Path repo;
  final Path out;
  final Path jar;
  final String serverUrl;
  private EmbeddedPostgres embedded;
  private final List<String> databases = new ArrayList<>();
  private final List<Node> nodes = new ArrayList<>();
  private final Vertx vertx = Vertx.vertx();
  private final JWTAuth auth;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
    .connectTimeout(Duration.ofSeconds(3)).build();

  Env(Path repo) throws IOException {
    this.repo = repo;
    this.out = repo.resolve("target/chaos");
    this.jar = repo.resolve("hitl-gateway/target/hitl-gateway.jar");
    Files.createDirectories(out);
    this.auth = Tokens.provider(vertx, GatewayConfig.of(Map.of("HITL_JWT_SECRET", JWT_SECRET)), JWT_SECRET);
    String external = System.getenv("HITL_CHAOS_DB_SERVER");
    if (external == null && reachable(5432)) {
      external = "postgresql://postgres@127.0.0.1:5432/postgres";
    }
    if (external != null) {
      serverUrl = external;
    } else {
      Path dir = Files.createTempDirectory(out, "pg");
      embedded = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true)
        .setServerConfig("max_connections", "300").start();
      serverUrl = "postgresql://postgres@127.0.0.1:" + embedded.getPort() + "/postgres";
    }
  }

  static boolean reachable(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A new database `chaos_<random>` on the server; dropped on close. */
  String freshDb() throws SQLException {
    String name = "chaos_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = jdbc(serverUrl); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    databases.add(name);
    return dbUrl(name, URI.create(serverUrl).getPort());
  }

  String dbUrl(String name, int port) {
    URI u = URI.create(serverUrl);
    return "postgresql://" + (u.getRawUserInfo() == null ? "" : u.getRawUserInfo() + "@") + "127.0.0.1:" + port + "/"
      + name;
  }

  static String dbName(String url) {
    return URI.create(url).getPath().substring(1);
  }

  static Connection jdbc(String url) throws SQLException {
    URI u = URI.create(url);
    String user = u.getUserInfo() == null ? "postgres" : u.getUserInfo().split(":", 2)[0];
    String db = u.getPath() == null || u.getPath().length() <= 1 ? "postgres" : u.getPath().substring(1);
    java.util.Properties p = new java.util.Properties();
    p.setProperty("user", user);
    p.setProperty("connectTimeout", "10");
    p.setProperty("socketTimeout", "60");
    return DriverManager.getConnection("jdbc:postgresql://" + u.getHost() + ":" + u.getPort() + "/" + db, p);
  }

  String token(String subject, String... roles) {
    return Tokens.mint(auth, subject, List.of(roles), 3 * 3600);
  }

  /** Settings every node gets: loopback HTTP, the chaos secrets, chat signing on, no rate limits, a lasting market. */
  Map<String, String> baseSettings(String dbUrl, String name) {
    Map<String, String> env = new HashMap<>();
    env.put("HITL_DB_URL", dbUrl);
    env.put("HITL_HTTP_HOST", "127.0.0.1");
    env.put("HITL_HTTP_PORT", String.valueOf(freePort()));
    env.put("HITL_JWT_SECRET", JWT_SECRET);
    env.put("HITL_DATA_DIR", out.resolve("data-" + name + "-" + UUID.randomUUID().toString().substring(0, 6))
      .toString());
    env.put("HITL_RATE_LIMIT_PER_CALLER", "0");
    env.put("HITL_RATE_LIMIT_PER_IP", "0");
    env.put("HITL_QUOTE_MAX_AGE_SECONDS", "86400");
    env.put("HITL_APPROVAL_INSTANCES", "2");
    env.put("HITL_HTTP_INSTANCES", "2");
    env.put("HITL_DB_POOL_SIZE", "4");
    env.put("HITL_SHUTDOWN_GRACE_SECONDS", "2");
    env.put("SLACK_SIGNING_SECRET", SLACK_SECRET);
    env.put("DISCORD_PUBLIC_KEY", DiscordSignature.rawHex(DISCORD_KEYS.getPublic()));
    env.put("HITL_CHAT_IDENTITIES", "chaos-slack=slack:" + SLACK_USER + ",chaos-discord=discord:" + DISCORD_USER);
    return env;
  }

  /** Settings of node {@code i} of a cluster. */
  static Map<String, String> clusterSettings(ClusterSettings cluster, int i) {
    Map<String, String> m = new HashMap<>(cluster.node(i));
    m.put("HITL_CLUSTER_FAILURE_TIMEOUT_SECONDS", "6");
    return m;
  }

  /** Starts the jar with {@code settings} (no HITL_* inherited); does not wait. */
  Node launch(String name, Map<String, String> settings) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(NodeCluster.JVM_FLAGS);
    cmd.add("-jar");
    cmd.add(jar.toString());
    Path log = out.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("HITL_") || k.startsWith("SLACK_") || k.startsWith("DISCORD_"));
    pb.environment().putAll(settings);
    Node n = new Node(name, Integer.parseInt(settings.get("HITL_HTTP_PORT")), pb.start(), log);
    synchronized (nodes) {
      nodes.add(n);
    }
    return n;
  }

  Node start(String name, Map<String, String> settings, int clusterSize) throws Exception {
    Node n = launch(name, settings);
    n.awaitReady(this, clusterSize, Duration.ofSeconds(180));
    return n;
  }

  Resp call(int port, String method, String path, String token, String body, Map<String, String> headers,
      Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(timeout)
      .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    headers.forEach(b::header);
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Resp(r.statusCode(), r.body(), r.headers().map());
    } catch (IOException e) {
      return Resp.noAnswer(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Resp.noAnswer(e);
    }
  }

  Resp call(int port, String method, String path, String token, JsonObject body) {
    return call(port, method, path, token, body == null ? null : body.encode(), Map.of(), Duration.ofSeconds(30));
  }

  /** One HTTP answer; status 0 when none came (connection refused, reset or timed out). */
  record Resp(int status, String body, Map<String, List<String>> headers, String error) {
    Resp(int status, String body, Map<String, List<String>> headers) {
      this(status, body, headers, null);
    }

    static Resp noAnswer(Exception e) {
      return new Resp(0, "", Map.of(), e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return e.getValue().get(0);
        }
      }
      return null;
    }

    JsonObject json() {
      try {
        return new JsonObject(body);
      } catch (RuntimeException e) {
        return new JsonObject();
      }
    }

    String code() {
      return json().getString("code");
    }
  }

  static JsonObject trade(String ticker) {
    return new JsonObject().put("ticker", ticker).put("action", "BUY").put("quantity", 100).put("price", "2850.5")
      .put("strategy", "chaos").put("confidence", 0.85).put("risk_pct", 1.5).put("reason", "chaos load");
  }

  void quote(Node n, String ticker) {
    Resp r = call(n.port, "POST", "/api/v1/market/quotes", token("quote-feed", "submitter"),
      new JsonObject().put("ticker", ticker).put("bid", "2850").put("ask", "2851"));
    if (r.status() != 200) {
      throw new IllegalStateException("quote refused: " + r.status() + " " + r.body());
    }
  }

  /**
   * Row count and an md5 of the rows of every table that holds state; the journal counts only entries that
   * are not records of a refusal or of a read, which the gateway journals by design.
   */
  static Map<String, String> snapshot(String dbUrl) throws SQLException {
    Map<String, String> snap = new TreeMap<>();
    try (Connection c = jdbc(dbUrl); Statement s = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables "
          + "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String t : tables) {
        if (NOT_STATE.contains(t)) {
          continue;
        }
        String where = t.equals("journal") ? " WHERE action NOT LIKE '%\\_refused' AND action <> 'audit_exported'" : "";
        try (ResultSet rs = s.executeQuery("SELECT count(*), md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), ''))"
            + " FROM " + t + " x" + where)) {
          rs.next();
          snap.put(t, rs.getLong(1) + ":" + rs.getString(2));
        }
      }
    }
    return snap;
  }

  static List<String> diff(Map<String, String> before, Map<String, String> after) {
    List<String> changed = new ArrayList<>();
    for (String t : after.keySet()) {
      if (!after.get(t).equals(before.get(t))) {
        changed.add(t + " " + before.get(t) + " -> " + after.get(t));
      }
    }
    return changed;
  }

  static long count(String dbUrl, String sql, Object... args) throws SQLException {
    try (Connection c = jdbc(dbUrl); var ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** kill -9 of every gateway started; also run when the harness itself is stopped. */
  void killNodes() {
    List<Node> all;
    synchronized (nodes) {
      all = new ArrayList<>(nodes);
    }
    for (Node n : all) {
      n.kill9();
    }
  }

  @Override
  public void close() {
    killNodes();
    for (String db : databases) {
      try (Connection c = jdbc(serverUrl); Statement s = c.createStatement()) {
        s.execute("ALTER DATABASE " + db + " ALLOW_CONNECTIONS true");
        s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
      } catch (SQLException e) {
        System.err.println("could not drop " + db + ": " + e.getMessage());
      }
    }
    if (embedded != null) {
      try {
        embedded.close();
      } catch (IOException e) {
        System.err.println("embedded PostgreSQL did not stop cleanly: " + e.getMessage());
      }
    }
    vertx.close();
  }

  /** One gateway process. */
  static final class Node {
    final String name;
    final int port;
    final Process process;
    final Path log;

    Node(String name, int port, Process process, Path log) {
      this.name = name;
      this.port = port;
      this.process = process;
      this.log = log;
    }

    void awaitReady(Env env, int clusterSize, Duration max) throws Exception {
      long deadline = System.nanoTime() + max.toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
        }
        Resp r = env.call(port, "GET", "/readyz", null, null, Map.of(), Duration.ofSeconds(3));
        if (r.status() == 200 && (clusterSize <= 1 || r.json().getInteger("cluster_nodes", 0) == clusterSize)) {
          return;
        }
        Thread.sleep(250);
      }
      throw new IllegalStateException(name + " not ready within " + max + "; see " + log);
    }

    /** kill -9: no shutdown hook, no goodbye to the cluster. */
    void kill9() {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    String logText() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        return "";
      }
    }
  }
}
