package io.hitl.gateway.support;

import io.hitl.gateway.Main;
import io.hitl.gateway.auth.Tokens;
import io.hitl.gateway.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Gateway nodes as separate JVM processes ({@code java -cp <test class path> io.hitl.gateway.Main})
 * clustered over loopback on one PostgreSQL, plus helpers to run other JVMs (event-bus clients) in the
 * same cluster. Logs go to target/test-data/cluster-*. Every process is killed on close, also when a
 * test fails. Checks for later features (timers, SSE, notifications) talk to the nodes through
 * {@link Node#call} and {@link Node#callAsync} like the tests here.
 */
public final class NodeCluster implements AutoCloseable {
  public static final Duration STARTUP = Duration.ofSeconds(120);
  /** JVM flags for every process: small heap, quick start-up, the module access Hazelcast asks for. */
  public static final List<String> JVM_FLAGS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
    "-Xss512k", "--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens", "java.management/sun.management=ALL-UNNAMED",
    "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  public final ClusterSettings settings;
  public final String dbUrl;
  public final Path dir;
  private final List<Node> nodes = new ArrayList<>();
  private final List<Process> others = new ArrayList<>();
  private final Vertx vertx = Vertx.vertx();
  private final JWTAuth auth;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
    .connectTimeout(Duration.ofSeconds(5)).build();

  private NodeCluster(int size, String dbUrl) {
    this.settings = new ClusterSettings(size);
    this.dbUrl = dbUrl;
    this.dir = Path.of(System.getProperty("hitl.test.tmp", System.getProperty("java.io.tmpdir")))
      .resolve("cluster-" + settings.name);
    GatewayConfig jwt = GatewayConfig.of(Map.of("HITL_JWT_SECRET", TestGateway.SECRET));
    this.auth = Tokens.provider(vertx, jwt, TestGateway.SECRET);
  }

  /** Starts {@code size} nodes on {@code dbUrl} and waits until each is ready and sees all of them. */
  public static NodeCluster start(int size, String dbUrl, Map<String, String> settings) {
    NodeCluster c = new NodeCluster(size, dbUrl);
    try {
      Files.createDirectories(c.dir);
      // as TestGateway: a market for the sample ticker that does not go stale, unless a test prices its own
      boolean pricing = settings.containsKey("HITL_QUOTE_MAX_AGE_SECONDS");
      Map<String, String> nodeSettings = new HashMap<>(settings);
      if (!pricing) {
        nodeSettings.put("HITL_QUOTE_MAX_AGE_SECONDS", "86400");
      }
      for (int i = 0; i < size; i++) {
        c.nodes.add(c.launchNode(i, nodeSettings));
      }
      for (Node n : c.nodes) {
        n.awaitReady(size, STARTUP);
      }
      if (!pricing) {
        TestGateway.Response r = c.node(0).call("POST", "/api/v1/market/quotes", c.token("quote-feed", "submitter"),
          new JsonObject().put("ticker", "7203.T").put("bid", "2850").put("ask", "2851"));
        if (r.status() != 200) {
          throw new IllegalStateException("quote refused: " + r.body());
        }
      }
      return c;
    } catch (IOException e) {
      c.close();
      throw new IllegalStateException(e);
    } catch (RuntimeException | Error e) {
      c.close();
      throw e;
    }
  }

  public Node node(int i) {
    return nodes.get(i);
  }

  public List<Node> nodes() {
    return List.copyOf(nodes);
  }

  public String token(String subject, String... roles) {
    return Tokens.mint(auth, subject, List.of(roles), 3600);
  }

  private Node launchNode(int i, Map<String, String> extra) throws IOException {
    int httpPort = TestGateway.freePort();
    Map<String, String> env = new HashMap<>(settings.node(i));
    // tests send bursts from one subject and one address; tests about rate limits set their own
    env.putIfAbsent("HITL_RATE_LIMIT_PER_CALLER", "0");
    env.putIfAbsent("HITL_RATE_LIMIT_PER_IP", "0");
    env.put("HITL_DB_URL", dbUrl);
    env.put("HITL_HTTP_PORT", String.valueOf(httpPort));
    env.put("HITL_HTTP_HOST", "127.0.0.1");
    env.put("HITL_JWT_SECRET", TestGateway.SECRET);
    env.put("HITL_APPROVAL_INSTANCES", "2");
    env.put("HITL_HTTP_INSTANCES", "2");
    env.put("HITL_DB_POOL_SIZE", "4");
    env.put("HITL_DATA_DIR", dir.resolve("data-" + i).toString());
    env.putAll(extra);
    Path log = dir.resolve("node-" + i + ".log");
    Process p = launch(System.getProperty("java.class.path"), List.of(Main.class.getName()), env, log);
    return new Node(i, httpPort, p, log);
  }

  /**
   * Runs {@code java -cp classPath args...} with the given HITL_* environment (none inherited); output
   * to {@code log}. The process is killed on close if still running.
   */
  public Process launch(String classPath, List<String> args, Map<String, String> env, Path log) throws IOException {
    Process p = start(classPath, args, env, log);
    synchronized (others) {
      others.add(p);
    }
    return p;
  }

  /**
   * Starts {@code java -cp classPath args...} with the test JVM flags and the given HITL_* environment (none
   * inherited), output to {@code log}; the caller stops it.
   */
  public static Process start(String classPath, List<String> args, Map<String, String> env, Path log)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM_FLAGS);
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("HITL_"));
    pb.environment().putAll(env);
    return pb.start();
  }

  /**
   * The test class path cut down to the gateway's classes and vertx-core, vertx-hazelcast and their own
   * dependencies (Netty, jackson-core, Hazelcast): what an event-bus client JVM needs, nothing more.
   */
  public static String clientClassPath(boolean withTestClasses) {
    List<String> keep = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Path.of(entry).getFileName().toString();
      boolean classes = entry.endsWith("classes") && (withTestClasses || !entry.endsWith("test-classes"));
      if (classes || name.startsWith("hitl-client-") || name.startsWith("vertx-core-") || name.startsWith("netty-") || name.startsWith("jackson-core-")
          || name.startsWith("vertx-hazelcast-") || name.startsWith("hazelcast-")) {
        keep.add(entry);
      }
    }
    return String.join(File.pathSeparator, keep);
  }

  /** Waits for a process to end; returns its exit code. */
  public static int await(Process p, Duration max) {
    try {
      if (!p.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("process " + p.pid() + " still running after " + max);
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  /** The last lines of every node's log, for failure messages. */
  public String logTails(int lines) {
    return nodes.stream().map(n -> "--- node " + n.index + " (" + n.log + ")\n" + n.tail(lines))
      .collect(Collectors.joining("\n"));
  }

  @Override
  public void close() {
    List<Process> all;
    synchronized (others) {
      all = new ArrayList<>(others);
    }
    all.forEach(Process::destroyForcibly);
    for (Process p : all) {
      try {
        p.waitFor(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    vertx.close();
  }

  /** One gateway process. */
  public final class Node {
    public final int index;
    public final int httpPort;
    public final Process process;
    public final Path log;

    Node(int index, int httpPort, Process process, Path log) {
      this.index = index;
      this.httpPort = httpPort;
      this.process = process;
      this.log = log;
    }

    /** kill -9: no shutdown hook, no goodbye to the cluster. */
    public void kill() {
      process.destroyForcibly();
      NodeCluster.await(process, Duration.ofSeconds(20));
    }

    /** SIGTERM: the node drains and leaves; does not wait. */
    public void terminate() {
      process.destroy();
    }

    public TestGateway.Response call(String method, String path, String token, Object body) {
      return call(method, path, token, body, Map.of());
    }

    public TestGateway.Response call(String method, String path, String token, Object body,
        Map<String, String> headers) {
      try {
        return callAsync(method, path, token, body, headers).get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("node " + index + ": " + method + " " + path + " failed: " + e, e);
      }
    }

    public CompletableFuture<TestGateway.Response> callAsync(String method, String path, String token, Object body,
        Map<String, String> headers) {
      return TestGateway.send(http, httpPort, Duration.ofSeconds(60), method, path, token, body, headers);
    }

    /** The /readyz document, or null when the node does not answer. */
    public JsonObject readyz() {
      try {
        TestGateway.Response r = callAsync("GET", "/readyz", null, null, Map.of()).get(5, TimeUnit.SECONDS);
        return r.json().put("http_status", r.status());
      } catch (Exception e) {
        return null;
      }
    }

    /** Waits until /readyz satisfies {@code condition}; fails with the log tail otherwise. */
    public JsonObject awaitReadyz(Predicate<JsonObject> condition, Duration max) {
      long deadline = System.nanoTime() + max.toNanos();
      JsonObject last = null;
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new AssertionError("node " + index + " exited with " + process.exitValue() + "\n" + tail(40));
        }
        last = readyz();
        if (last != null && condition.test(last)) {
          return last;
        }
        // the interval between looks at /readyz, which also notices a node that died
        sleep(100);
      }
      throw new AssertionError("node " + index + " /readyz was " + last + " after " + max + "\n" + tail(40));
    }

    public JsonObject awaitReady(int clusterNodes, Duration max) {
      return awaitReadyz(r -> r.getInteger("http_status") == 200 && r.getInteger("cluster_nodes", 0) == clusterNodes,
        max);
    }

    public String tail(int lines) {
      List<String> all = Arrays.asList(read(log).split("\n"));
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> asMap(Object body) {
      return body instanceof JsonObject ? ((JsonObject) body).getMap() : (Map<String, Object>) body;
    }
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
