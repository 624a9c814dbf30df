package io.hitl.gateway.support;

import io.hitl.gateway.Gateway;
import io.hitl.gateway.auth.Tokens;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.observability.Tracing;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** A whole gateway in the test JVM on a real port, real database and real HTTP client. */
public final class TestGateway implements AutoCloseable {
  private static final int FIRST_PORT = 20_000;
  private static final int PORTS = 12_000;
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
  public static final String SECRET = "test-secret-0123456789-abcdefghijklmnop";

  public final Gateway gateway;
  public final MutableClock clock;
  public final String dbUrl;
  public final int port;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
    .connectTimeout(Duration.ofSeconds(5)).build();

  private TestGateway(Gateway gateway, MutableClock clock, String dbUrl, int port) {
    this.gateway = gateway;
    this.clock = clock;
    this.dbUrl = dbUrl;
    this.port = port;
  }

  /** On a fresh embedded database with four instances of each verticle. */
  public static TestGateway start() {
    return start(TestDb.freshEmbedded(), Map.of());
  }

  public static TestGateway start(String dbUrl, Map<String, String> settings) {
    return start(dbUrl, settings, new MutableClock());
  }

  public static TestGateway start(String dbUrl, Map<String, String> settings, MutableClock clock) {
    return start(dbUrl, settings, clock, null);
  }

  /** With the gateway's spans going to {@code tracing} (null: as OTLP_ENDPOINT says). */
  public static TestGateway start(String dbUrl, Map<String, String> settings, MutableClock clock, Tracing tracing) {
    int port = freePort();
    Map<String, String> env = new HashMap<>();
    if (dbUrl != null) {
      env.put("HITL_DB_URL", dbUrl);
    }
    env.put("HITL_HTTP_PORT", String.valueOf(port));
    env.put("HITL_HTTP_HOST", "127.0.0.1");
    env.put("HITL_JWT_SECRET", SECRET);
    env.put("HITL_APPROVAL_INSTANCES", "4");
    env.put("HITL_HTTP_INSTANCES", "4");
    env.put("HITL_DB_POOL_SIZE", "8");
    env.put("HITL_DATA_DIR", tempDir().toString());
    // tests that are not about pricing get a market for the sample ticker that does not go stale;
    // tests about quotes set HITL_QUOTE_MAX_AGE_SECONDS themselves and post their own
    boolean pricing = settings.containsKey("HITL_QUOTE_MAX_AGE_SECONDS") || "".equals(settings.get("HITL_JWT_SECRET"));
    if (!pricing) {
      env.put("HITL_QUOTE_MAX_AGE_SECONDS", "86400");
    }
    // tests send bursts from one subject and one address; tests about rate limits set their own
    env.put("HITL_RATE_LIMIT_PER_CALLER", "0");
    env.put("HITL_RATE_LIMIT_PER_IP", "0");
    // tests race hundreds of calls to prove correctness, not load shedding; tests about overload set their own bound
    env.put("HITL_APPROVAL_MAX_IN_FLIGHT", "0");
    // closing a test gateway never waits long for requests a test left open
    env.put("HITL_SHUTDOWN_GRACE_SECONDS", "2");
    env.putAll(settings);
    GatewayConfig config = GatewayConfig.of(env);
    TestGateway gw = new TestGateway(Gateway.start(config, clock, tracing), clock, dbUrl, port);
    if (!pricing) {
      gw.quote("7203.T", "2850", "2851");
    }
    return gw;
  }

  public String token(String subject, String... roles) {
    return Tokens.mint(gateway.auth(), subject, List.of(roles), 3600);
  }

  public Response call(String method, String path, String token, Object body) {
    return call(method, path, token, body, Map.of());
  }

  public Response call(String method, String path, String token, Object body, Map<String, String> headers) {
    try {
      return callAsync(method, path, token, body, headers).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public CompletableFuture<Response> callAsync(String method, String path, String token, Object body,
      Map<String, String> headers) {
    return send(http, port, Duration.ofSeconds(30), method, path, token, body, headers);
  }

  /** One HTTP call to a gateway on this machine: a JSON body (text, map or JsonObject) and a bearer token. */
  public static CompletableFuture<Response> send(HttpClient http, int port, Duration timeout, String method,
      String path, String token, Object body, Map<String, String> headers) {
    String text = body == null ? null : body instanceof String ? (String) body : new JsonObject(asMap(body)).encode();
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
      .timeout(timeout)
      .method(method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
    if (text != null) {
      b.header("Content-Type", "application/json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    headers.forEach(b::header);
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).thenApply(Response::new);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object body) {
    return body instanceof JsonObject ? ((JsonObject) body).getMap() : (Map<String, Object>) body;
  }

  public record Response(int status, String body, HttpResponse<String> raw) {
    Response(HttpResponse<String> r) {
      this(r.statusCode(), r.body(), r);
    }

    public JsonObject json() {
      return new JsonObject(body);
    }

    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  /** A trade body with the seed's example values. */
  public static JsonObject trade() {
    return new JsonObject().put("ticker", "7203.T").put("action", "BUY").put("quantity", 100).put("price", "2850.5")
      .put("strategy", "momentum").put("confidence", 0.85).put("risk_pct", 1.5).put("reason", "Strong momentum");
  }

  /** Posts a quote for a ticker as an engine would, so an approval of a trade on it can be priced. */
  public Response quote(String ticker, String bid, String ask) {
    Response r = call("POST", "/api/v1/market/quotes", token("quote-feed", "submitter"),
      new JsonObject().put("ticker", ticker).put("bid", bid).put("ask", ask));
    if (r.status() != 200) {
      throw new IllegalStateException("quote refused: " + r.body());
    }
    return r;
  }

  /**
   * A port nothing listens on now, for a server started later (often in another process). It is picked below
   * Linux's ephemeral range (32768–60999 by default): a port from that range, as {@code new ServerSocket(0)} gives,
   * can be taken by any outgoing connection of any process before the server binds it, which once stopped a
   * cluster node at start with "Address already in use". Each port is handed out once per test JVM.
   */
  public static int freePort() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int tries = 0; tries < 500; tries++) {
      int port = FIRST_PORT + random.nextInt(PORTS);
      if (!HANDED_OUT.add(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket(port)) {
        return s.getLocalPort();
      } catch (IOException e) {
        // taken: try another
      }
    }
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Path tempDir() {
    try {
      Path base = Path.of(System.getProperty("hitl.test.tmp", System.getProperty("java.io.tmpdir")));
      Files.createDirectories(base);
      return Files.createTempDirectory(base, "gw");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    gateway.close();
  }
}
