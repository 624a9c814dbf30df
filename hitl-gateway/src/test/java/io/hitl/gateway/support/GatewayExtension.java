package io.hitl.gateway.support;

import io.hitl.gateway.Gateway;
import io.hitl.gateway.auth.Tokens;
import io.hitl.gateway.observability.Tracing;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A whole gateway (see {@link TestGateway}) started for a test class or for each test, and closed
 * afterwards even when a test fails.
 *
 * <p>Registered on a static field it serves the whole class; on an instance field each test gets its own:
 * <pre>
 *   {@literal @}RegisterExtension
 *   static final GatewayExtension gw = GatewayExtension.embedded().with("HITL_NOTIFY_POLL_MS", "200");
 *   static final String engine = gw.token("engine-1", "submitter");
 * </pre>
 * Tokens can be minted before the gateway starts (so they can be constants) whenever the test's
 * settings carry an HS256 secret, which they do unless a test removes it.
 */
public final class GatewayExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
    AfterEachCallback {
  private final Supplier<String> database;
  private final Map<String, Supplier<String>> settings = new LinkedHashMap<>();
  private final Map<String, String> tokens = new ConcurrentHashMap<>();
  private final List<AutoCloseable> companions = new ArrayList<>();
  private MutableClock fixedClock;
  private Tracing tracing;
  private JWTAuth signer;
  private TestGateway gw;
  private boolean perClass;

  private GatewayExtension(Supplier<String> database) {
    this.database = database;
  }

  /** On a fresh database of the embedded PostgreSQL server for every start. */
  public static GatewayExtension embedded() {
    return new GatewayExtension(TestDb::freshEmbedded);
  }

  /** On the database {@code database} names when the gateway starts (null: the gateway's own default). */
  public static GatewayExtension on(Supplier<String> database) {
    return new GatewayExtension(database);
  }

  /** A second node on the same database as {@code first}, which is started first if it is not yet running. */
  public static GatewayExtension alongside(GatewayExtension first) {
    return new GatewayExtension(() -> first.ensureStarted().dbUrl);
  }

  public GatewayExtension with(String key, String value) {
    settings.put(key, () -> value);
    return this;
  }

  /** A setting known only when the gateway starts (the address of a fake server, say). */
  public GatewayExtension with(String key, Supplier<String> value) {
    settings.put(key, value);
    return this;
  }

  public GatewayExtension with(Map<String, String> values) {
    values.forEach(this::with);
    return this;
  }

  /** Every start uses this clock instead of a fresh one, so a test can hold it before the gateway exists. */
  public GatewayExtension clock(MutableClock clock) {
    this.fixedClock = clock;
    return this;
  }

  /** Closes {@code companion} (a fake server the settings point at) once the gateway it serves has stopped. */
  public GatewayExtension closeAfter(AutoCloseable companion) {
    companions.add(companion);
    return this;
  }

  public GatewayExtension tracing(Tracing tracing) {
    this.tracing = tracing;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    perClass = true;
    ensureStarted();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    ensureStarted();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (!perClass) {
      closeAll();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    closeAll();
  }

  private void closeAll() throws Exception {
    try {
      close();
    } finally {
      for (AutoCloseable c : companions) {
        c.close();
      }
      companions.clear();
    }
  }

  private synchronized TestGateway ensureStarted() {
    if (gw == null) {
      Map<String, String> env = new LinkedHashMap<>();
      settings.forEach((k, v) -> env.put(k, v.get()));
      gw = TestGateway.start(database.get(), env, fixedClock != null ? fixedClock : new MutableClock(), tracing);
    }
    return gw;
  }

  private synchronized void close() {
    if (gw != null) {
      TestGateway closing = gw;
      gw = null;
      // a gateway with a generated signing secret signs differently after the next start
      tokens.clear();
      closing.close();
    }
  }

  /** The running gateway, for helpers that take a {@link TestGateway}. */
  public synchronized TestGateway get() {
    if (gw == null) {
      throw new IllegalStateException("the gateway is not running: register this extension with @RegisterExtension");
    }
    return gw;
  }

  /** A bearer token for {@code subject} with {@code roles}; the same string for the same arguments. */
  public String token(String subject, String... roles) {
    return tokens.computeIfAbsent(subject + "|" + String.join(",", roles),
      k -> Tokens.mint(auth(), subject, List.of(roles), 3600));
  }

  private synchronized JWTAuth auth() {
    if (gw != null) {
      return gw.gateway.auth();
    }
    String secret = settings.containsKey("HITL_JWT_SECRET") ? settings.get("HITL_JWT_SECRET").get() : TestGateway.SECRET;
    if (secret == null || secret.isEmpty()) {
      throw new IllegalStateException("no HS256 secret in the settings: mint tokens once the gateway runs");
    }
    if (signer == null) {
      // HS256 signing needs no Vert.x instance; the gateway verifies with the same secret
      signer = JWTAuth.create((Vertx) null, new JWTAuthOptions().addPubSecKey(
        new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    }
    return signer;
  }

  public Response call(String method, String path, String token, Object body) {
    return get().call(method, path, token, body);
  }

  public Response call(String method, String path, String token, Object body, Map<String, String> headers) {
    return get().call(method, path, token, body, headers);
  }

  public CompletableFuture<Response> callAsync(String method, String path, String token, Object body,
      Map<String, String> headers) {
    return get().callAsync(method, path, token, body, headers);
  }

  public Response quote(String ticker, String bid, String ask) {
    return get().quote(ticker, bid, ask);
  }

  public Gateway gateway() {
    return get().gateway;
  }

  public Vertx vertx() {
    return get().gateway.vertx();
  }

  public MutableClock clock() {
    return get().clock;
  }

  public String dbUrl() {
    return get().dbUrl;
  }

  public int port() {
    return get().port;
  }
}
