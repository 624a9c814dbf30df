package io.hitl.gateway.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.client.EngineClient;
import io.hitl.gateway.support.NodeCluster;
import io.hitl.gateway.support.NodeCluster.Node;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.Repo;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The examples in examples/ against a real gateway node: each is compiled and run in its own JVM whose class
 * path is the example and hitl-client's run-time class path, nothing else, so no gateway class can help it.
 * Quotes go stale after 5 s as in production, so the examples must price the ticker themselves; an approver
 * here decides, as a desk would.
 */
class ExamplesTest {
  static final String CALLBACK_SECRET = "example-callback-secret-0123456789abcd";
  /** Fails a hung example only. */
  static final Duration LIVENESS = Duration.ofSeconds(180);
  static final Pattern CREATED = Pattern.compile("(?m)^created ([0-9a-f-]{36}) pending");
  static NodeCluster cluster;
  static String alice;
  static String viewer;

  @BeforeAll
  static void start() {
    cluster = NodeCluster.start(1, TestDb.freshEmbedded(), Map.of("HITL_QUOTE_MAX_AGE_SECONDS", "5",
      "HITL_CALLBACK_ALLOWED_HOSTS", "127.0.0.1", "HITL_CALLBACK_ALLOW_HTTP", "true",
      "HITL_CALLBACK_SECRET", CALLBACK_SECRET));
    alice = cluster.token("alice", "approver");
    viewer = cluster.token("vic", "viewer");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static Node node() {
    return cluster.node(0);
  }

  @Test
  void theHttpEngineCreatesRetriesWaitsAndVerifiesTheSignedCallback() throws Exception {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("HITL_URL", "http://127.0.0.1:" + node().httpPort);
    env.put("HITL_SUBMITTER_TOKEN", cluster.token("engine-7", "submitter"));
    env.put("HITL_CALLBACK_SECRET", CALLBACK_SECRET);
    String out = runApproved("engine-http", "io.hitl.examples.engine.EngineHttpExample", env);
    String id = id(out);
    assertThat(out).contains("retried " + id + " created=false", "priced 7203.T",
      "decided " + id + " approved by alice via api");
    assertThat(out).containsPattern("callback approval.approved " + id + " delivery \\S+ verified");
    assertThat(out).doesNotContain("callback refused");

    JsonObject onNode = node().call("GET", "/api/v1/approvals/" + id, viewer, null).json();
    assertThat(onNode.getString("requested_by")).isEqualTo("engine-7");
    assertThat(onNode.getString("status")).isEqualTo("approved");
    JsonObject list = node().call("GET", "/api/v1/approvals?limit=500", viewer, null).json();
    assertThat(list.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("requested_by"))
      .filter("engine-7"::equals)).as("the retried create made no second request").hasSize(1);
  }

  @Test
  void theEventBusClientCreatesRetriesAndFollowsTheEventsToTheDecision() throws Exception {
    Map<String, String> env = cluster.settings.client();
    env.put("HITL_SUBMITTER_TOKEN", cluster.token("engine-8", "submitter"));
    String out = runApproved("event-bus-client", "io.hitl.examples.bus.EventBusClientExample", env);
    String id = id(out);
    assertThat(out).contains("retried " + id + " created=false", "priced 7203.T", "event created seq",
      "event decided seq", "decided " + id + " approved by alice via api");
    assertThat(node().call("GET", "/api/v1/approvals/" + id, viewer, null).json().getString("requested_by"))
      .isEqualTo("engine-8");
  }

  /** Compiles and starts the example, approves its request once it has priced the ticker, and returns its output. */
  private static String runApproved(String example, String mainClass, Map<String, String> env) throws Exception {
    String classPath = compile(example) + File.pathSeparator + clientRuntime();
    Path log = cluster.dir.resolve("example-" + example + ".log");
    Process p = cluster.launch(classPath, List.of(mainClass), env, log);
    String seen = Poll.until(() -> NodeCluster.read(log), o -> o.contains("priced ") || !p.isAlive(), LIVENESS,
      example + " creating its request and pricing the ticker");
    String id = id(seen);
    approve(id);
    int exit = NodeCluster.await(p, LIVENESS);
    String out = NodeCluster.read(log);
    assertThat(exit).as(out + "\n" + cluster.logTails(40)).isZero();
    return out;
  }

  /** The desk approves; a quote may go stale between two of the engine's posts on a loaded machine, so 409 SEC-051 is tried again. */
  private static void approve(String id) {
    TestGateway.Response r = Poll.until(() -> node().call("POST", "/api/v1/approvals/" + id + "/approve", alice,
        new JsonObject().put("comment", "within limits")),
      resp -> resp.status() != 409 || !"SEC-051".equals(resp.json().getString("code")), LIVENESS,
      "an approval with a fresh quote");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private static String id(String out) {
    Matcher m = CREATED.matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return m.group(1);
  }

  /** hitl-client's classes (or jar) and its run-time class path as its own build wrote it. */
  static String clientRuntime() throws IOException, URISyntaxException {
    Path file = Repo.path("hitl-client", "target", "runtime-classpath.txt");
    assertThat(file).as("written by hitl-client's build; run the gateway's tests with -pl hitl-gateway -am").exists();
    List<String> entries = new ArrayList<>();
    entries.add(Path.of(EngineClient.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
    for (String e : Files.readString(file, StandardCharsets.UTF_8).trim().split(File.pathSeparator)) {
      if (!e.isBlank()) {
        entries.add(e);
      }
    }
    assertThat(entries).as("nothing of the gateway on the example's class path")
      .noneMatch(e -> e.contains("hitl-gateway"));
    return String.join(File.pathSeparator, entries);
  }

  /** Compiles examples/NAME/src/main/java against hitl-client's class path alone. */
  static Path compile(String example) throws Exception {
    Path src = Repo.path("examples", example, "src", "main", "java");
    List<File> sources;
    try (Stream<Path> s = Files.walk(src)) {
      sources = s.filter(f -> f.toString().endsWith(".java")).map(Path::toFile).collect(Collectors.toList());
    }
    Path out = cluster.dir.resolve("classes-" + example);
    Files.createDirectories(out);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
      boolean ok = javac.getTask(null, files, diagnostics, List.of("--release", "17", "-d", out.toString(),
        "-classpath", clientRuntime()), null, files.getJavaFileObjectsFromFiles(sources)).call();
      assertThat(ok).as(diagnostics.getDiagnostics().toString()).isTrue();
    }
    return out;
  }
}
