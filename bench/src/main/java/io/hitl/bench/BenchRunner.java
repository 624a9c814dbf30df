package io.hitl.bench;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.concurrent.TimeUnit;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/** Runs every SPEC §8 measurement in one go and reports them side by side with their targets. */
public final class BenchRunner {
  private static final String SECRET = "bench-secret-0123456789-0123456789-abcdef";
  private static final String TRADE = "{\"ticker\":\"7203.T\",\"action\":\"BUY\",\"quantity\":100,\"price\":\"2850.5\","
    + "\"strategy\":\"bench\",\"confidence\":0.8,\"risk_pct\":0.5,\"timeout_seconds\":3600}";

  static final List<String> PHASES = List.of("creates", "decisions", "overload", "sse", "expiry", "limits", "restart",
    "heap", "chat", "slack", "verify", "switches", "history");
  private final boolean quick;
  private final Path out = Path.of("target", "bench");
  /** The gateway jar under test; -Dbench.jar=… measures another build (A/B runs) with the same harness. */
  private final Path jar = Path.of(System.getProperty("bench.jar", "hitl-gateway/target/hitl-gateway.jar"));
  /** The phases to run (--phases=creates,decisions,…); all of them when not given. */
  private final Set<String> phases;
  private final List<JsonObject> figures = new ArrayList<>();
  private final Path dataDir;
  private final int dbPort;
  private final Map<String, String> env = new HashMap<>();
  /** pgbench's TPS measured in the create phase of this run, the reference of later create figures. */
  private Double pgbenchTps;
  /** How each gateway the run started was warmed up before its first measurement, by gateway. */
  private final Map<String, Object> warmUps = new java.util.LinkedHashMap<>();
  private final String submitter = Jwt.mint(SECRET, "bench-engine", "submitter");
  private final String approver = Jwt.mint(SECRET, "bench-operator", "approver");

  private BenchRunner(boolean quick, Set<String> phases) throws Exception {
    this.quick = quick;
    this.phases = phases;
    Files.createDirectories(out);
    dataDir = Files.createTempDirectory(out.toAbsolutePath(), "data-");
    dbPort = freePort();
    // HITL_* settings of the bench's own environment reach the gateway, for tuning experiments
    System.getenv().forEach((k, v) -> {
      if (k.startsWith("HITL_")) {
        env.put(k, v);
      }
    });
    // the runs measure the gateway's capacity from one client, which the per-caller and per-address limits would cap
    env.putIfAbsent("HITL_RATE_LIMIT_PER_CALLER", "0");
    env.putIfAbsent("HITL_RATE_LIMIT_PER_IP", "0");
    env.put("HITL_DATA_DIR", dataDir.toString());
    env.put("HITL_EMBEDDED_DB_PORT", String.valueOf(dbPort));
    env.put("HITL_HTTP_PORT", String.valueOf(freePort()));
    env.put("HITL_HTTP_HOST", "127.0.0.1");
    env.put("HITL_JWT_SECRET", SECRET);
    env.putIfAbsent("HITL_LOG_LEVEL", "WARN");
    // approvals of trades need a fresh quote: the run prices its one ticker once and keeps it fresh
    env.put("HITL_QUOTE_MAX_AGE_SECONDS", "86400");
  }

  public static void main(String[] args) throws Exception {
    boolean quick = List.of(args).contains("--quick");
    Set<String> phases = new LinkedHashSet<>(PHASES);
    for (String a : args) {
      if (a.startsWith("--phases=")) {
        phases = new LinkedHashSet<>(List.of(a.substring("--phases=".length()).split(",")));
        if (!PHASES.containsAll(phases)) {
          throw new IllegalArgumentException("phases are " + String.join(",", PHASES) + "; got " + phases);
        }
      }
    }
    new BenchRunner(quick, phases).run();
  }

  private String jdbc() {
    return "jdbc:postgresql://127.0.0.1:" + dbPort + "/hitl";
  }

  private void run() throws Exception {
    long t0 = System.nanoTime();
    Path log = out.resolve("gateway.log");
    Files.deleteIfExists(log);
    double seconds = Double.parseDouble(System.getProperty("bench.seconds", quick ? "4" : "30"));
    double peak = 0;
    boolean shared = phases.stream().anyMatch(List.of("creates", "decisions", "overload", "sse", "expiry", "limits")
      ::contains);
    if (shared) {
      try (GatewayProcess gw = GatewayProcess.start(jar, env, "1g", log);
           Load load = new Load(gw.httpPort, 128)) {
        quote(load, "7203.T");
        warmUps.put("shared", warmUp(gw, load, i -> create()));

        if (phases.contains("creates") || phases.contains("decisions")) {
          Load.Throughput creates = load.saturate(64, seconds, i -> create(), r -> { });
          peak = creates.perSecond();
          String durability = phases.contains("creates") ? durability() : null;
          Double tps = phases.contains("creates") ? pgbench(seconds, dbPort) : null;
          pgbenchTps = tps;
          Map<String, Object> details = new HashMap<>(Map.of("failed", creates.failed(), "concurrency", 64,
            "seconds", seconds));
          if (durability != null) {
            details.put("pg_durability", durability);
          }
          figure("durable creates/s over HTTP", creates.perSecond(), "req/s", tps, "pgbench simple-update TPS",
            tps == null ? null : creates.perSecond() / tps, "≥ 1.0× pgbench", tps != null && creates.perSecond() >= tps,
            details);
        }

        if (phases.contains("decisions")) {
          decisions(load, peak, seconds, log);
        }
        if (phases.contains("overload")) {
          if (peak == 0) {
            peak = load.saturate(64, seconds, i -> create(), r -> { }).perSecond();
          }
          overload(gw.httpPort, peak, seconds, log);
        }
        if (phases.contains("sse")) {
          new SseFanOut(gw.httpPort, submitter, Jwt.mint(SECRET, "bench-viewer", "viewer"), this::figure)
            .run(load, Integer.getInteger("bench.streams", quick ? 500 : 10_000), 20);
        }
        if (phases.contains("expiry")) {
          expiry(load, quick ? 1_000 : 10_000, quick ? 5 : 20);
        }

        if (phases.contains("limits")) {
          limits(gw, load, seconds);
        }

      }
    }

    if (phases.contains("chat")) {
      chat(log);
    }
    if (phases.contains("slack")) {
      slackCreates(log, Double.parseDouble(System.getProperty("bench.seconds", quick ? "4" : "30")));
    }

    if (phases.contains("verify")) {
      verify(log);
    }

    if (phases.contains("switches")) {
      // two clustered gateways of their own on a PostgreSQL of their own: the engage on one, creates on the other
      new SwitchPropagation(out, jar, env, submitter, Jwt.mint(SECRET, "bench-admin", "admin"), this::figure)
        .run(Integer.getInteger("bench.switchRounds", quick ? 20 : 100));
    }

    if (phases.contains("restart")) {
      restart(log, quick ? 10_000 : 100_000);
    }

    if (phases.contains("history")) {
      history(log);
    }

    if (!quick && phases.contains("heap")) {
      try (GatewayProcess gw = GatewayProcess.start(jar, env, "1g", log)) {
        long have = Seeder.count(jdbc(), "SELECT count(*) FROM approvals WHERE status = 'PENDING'");
        Seeder.pending(jdbc(), (int) Math.max(0, 1_000_000 - have), Instant.now().plusSeconds(7200), 3_600_000);
      }
      try (GatewayProcess gw = GatewayProcess.start(jar, env, "1g", log)) {
        long now = Seeder.count(jdbc(), "SELECT count(*) FROM approvals WHERE status = 'PENDING'");
        double heap = gw.heapUsedMib();
        figure("heap with " + now + " pending and live timers", heap, "MiB", null, null, null, "< 1024 MiB",
          heap < 1024, Map.of("pending", now, "seconds_to_ready", gw.secondsToReady(), "max_heap", "1g"));
        // issue 14's second restart figure: the same start-up, timed like the restart phase's
        figure("restart with " + now + " pending → ready", gw.secondsToReady(), "s", null, null, null, "< 30 s",
          gw.secondsToReady() < 30, Map.of("pending", now, "heap_used_mib_after_gc", heap));
      }
    }

    JsonObject results = new JsonObject()
      .put("mode", quick ? "quick" : "full")
      .put("at", Instant.now().toString())
      .put("machine", machine())
      .put("seconds", (System.nanoTime() - t0) / 1e9)
      .put("figures", new JsonArray(figures))
      .put("warm_ups", new JsonObject(warmUps));
    Files.writeString(out.resolve("results.json"), results.encodePrettily());
    print(results);
  }

  /** Posts a fresh quote for {@code ticker}, as an engine's market feed does, so trades on it can be approved. */
  private void quote(Load load, String ticker) throws Exception {
    Load.Reply quoted = load.call(new Load.Req(HttpMethod.POST, "/api/v1/market/quotes", submitter,
      "{\"ticker\":\"" + ticker + "\",\"bid\":\"2850\",\"ask\":\"2851\"}")).toCompletionStage()
      .toCompletableFuture().get(30, TimeUnit.SECONDS);
    if (quoted.status() != 200) {
      throw new IllegalStateException("the quote was refused: " + quoted.body());
    }
  }

  /** Pending requests first, then approved open-loop at half of the peak create rate. */
  private void decisions(Load load, double peak, double seconds, Path log) throws Exception {
    // -Dbench.decisionRate=N: the same rate for every build compared (half of each one's peak differs)
    double rate = Double.parseDouble(System.getProperty("bench.decisionRate", String.valueOf(Math.max(10, peak / 2))));
    int count = (int) Math.min(rate * seconds, quick ? 4000 : 60_000);
    // the decision path is warmed up as the create path is (two seconds at the same rate, not measured): the first
    // decisions after start-up run interpreted and compile it, and the figure is the steady state's
    int warm = (int) Math.min(rate * 2, count);
    List<String> ids = Collections.synchronizedList(new ArrayList<>());
    while (ids.size() < warm + count) {
      load.saturate(64, 1, i -> create(), r -> {
        if (ids.size() < warm + count) {
          ids.add(new JsonObject(r.body()).getString("request_id"));
        }
      });
    }
    Load.Split warmed = load.openLoopSplit(rate, warm, i -> new Load.Req(HttpMethod.POST,
      "/api/v1/approvals/" + ids.get(count + i) + "/approve", approver, "{}"));
    // a decision refused for load (503 or 429 with Retry-After, nothing committed) is counted apart: at half of
    // the peak it misses the target, but it is the gateway's promised answer, not a broken run
    Load.Split decisions = load.openLoopSplit(rate, count, i -> new Load.Req(HttpMethod.POST,
      "/api/v1/approvals/" + ids.get(i) + "/approve", approver, "{}"));
    if (!warmed.other().isEmpty() || !decisions.other().isEmpty()) {
      throw new IllegalStateException("decisions answered " + warmed.other() + " of " + warm + " (warm-up), "
        + decisions.other() + " of " + count + "; see " + log);
    }
    Histogram h = decisions.accepted();
    long refused = decisions.refused().getTotalCount();
    figure("decision latency p99 at " + Math.round(rate) + "/s" + (System.getProperty("bench.decisionRate") == null
      ? " (half of peak)" : ""), h.getValueAtPercentile(99) / 1000.0, "ms", null, null, null,
      "< 10 ms, none refused", h.getValueAtPercentile(99) < 10_000 && refused == 0,
      Map.of("p50_ms", h.getValueAtPercentile(50) / 1000.0,
        "p999_ms", h.getValueAtPercentile(99.9) / 1000.0, "max_ms", h.getMaxValue() / 1000.0,
        "target_rate", rate, "achieved_rate", decisions.achievedRate(), "decisions", h.getTotalCount(),
        "refused_for_load", refused, "warm_up_decisions", warm, "warm_up_p99_ms",
        warmed.accepted().getValueAtPercentile(99) / 1000.0));
  }

  /**
   * Creates offered open-loop at twice the peak rate (or -Dbench.overloadRate): how fast a refusal for load
   * (503 or 429 with Retry-After) comes back, how fast the accepted creates are, and whether the pool logged
   * an error meanwhile. Its own HTTP client with many connections, so requests queue in the gateway, not here.
   */
  private void overload(int port, double peak, double seconds, Path log) throws Exception {
    double rate = Double.parseDouble(System.getProperty("bench.overloadRate", String.valueOf(Math.max(20, 2 * peak))));
    int count = (int) Math.min(rate * seconds, quick ? 20_000 : 200_000);
    long before = poolErrors(log);
    Load.Split s;
    Load.Split warmed;
    try (Load burst = new Load(port, 1024)) {
      // two seconds at the same rate first, not measured, as for decisions: the client opens its connections and
      // the gateway compiles its refusal path (nothing before this phase is refused), which the first second
      // of a cold run spent (refusal p50 273 ms there, 2-8 ms after); their own p99s are in the details
      warmed = burst.openLoopSplit(rate, (int) Math.min(rate * 2, count), i -> create());
      s = burst.openLoopSplit(rate, count, i -> create());
    }
    long poolErrors = poolErrors(log) - before;
    Histogram refused = s.refused();
    Histogram accepted = s.accepted();
    Map<String, Object> details = new HashMap<>();
    details.put("offered_rate", rate);
    details.put("achieved_rate", s.achievedRate());
    details.put("peak_rate", peak);
    details.put("accepted", accepted.getTotalCount());
    details.put("refused_with_retry_after", refused.getTotalCount());
    details.put("other_answers", new JsonObject(new HashMap<>(s.other())));
    details.put("pool_errors", poolErrors);
    details.put("accepted_p50_ms", accepted.getValueAtPercentile(50) / 1000.0);
    details.put("accepted_p99_ms", accepted.getValueAtPercentile(99) / 1000.0);
    details.put("refused_p50_ms", refused.getValueAtPercentile(50) / 1000.0);
    details.put("refused_max_ms", refused.getMaxValue() / 1000.0);
    details.put("warm_up_requests", warmed.accepted().getTotalCount() + warmed.refused().getTotalCount());
    details.put("warm_up_refused_p99_ms", warmed.refused().getValueAtPercentile(99) / 1000.0);
    details.put("warm_up_accepted_p99_ms", warmed.accepted().getValueAtPercentile(99) / 1000.0);
    details.put("warm_up_other_answers", warmed.other());
    boolean clean = poolErrors == 0 && s.other().isEmpty() && warmed.other().isEmpty();
    figure("at 2× peak offered load: time to a 503/429 with Retry-After, p99", refused.getValueAtPercentile(99) / 1000.0,
      "ms", null, null, null, "< 50 ms, no pool errors", clean && refused.getTotalCount() > 0
        && refused.getValueAtPercentile(99) < 50_000, details);
    figure("at 2× peak offered load: accepted creates p99", accepted.getValueAtPercentile(99) / 1000.0, "ms", null,
      null, null, "< 100 ms, no pool errors", clean && accepted.getValueAtPercentile(99) < 100_000, details);
  }

  /** Lines of the gateway log that show the connection pool failing a waiter twice (or failing outright). */
  private static long poolErrors(Path log) throws Exception {
    if (!Files.exists(log)) {
      return 0;
    }
    try (var lines = Files.lines(log)) {
      return lines.filter(l -> l.contains("Promise already completed") || l.contains("SqlConnectionPool")).count();
    }
  }

  /**
   * Durable creates with Slack, the outbox and engine callbacks on, on a gateway of its own (own embedded
   * PostgreSQL, a fake Slack in this process): 64 clients for the create window, every create naming a
   * callback_url, then the wait until every create's message has been posted (each exactly once). The
   * reference is pgbench on the create phase's server when it ran, else on this one.
   */
  private void slackCreates(Path log, double seconds) throws Exception {
    Path data = Files.createTempDirectory(out.toAbsolutePath(), "slack-data-");
    try (FakeSlack slack = ChatAck.fakeSlack()) {
      Map<String, String> settings = ChatAck.settings(env, slack);
      int port = freePort();
      settings.put("HITL_DATA_DIR", data.toString());
      settings.put("HITL_EMBEDDED_DB_PORT", String.valueOf(port));
      settings.put("HITL_HTTP_PORT", String.valueOf(freePort()));
      settings.put("HITL_CALLBACK_ALLOWED_HOSTS", "127.0.0.1");
      settings.put("HITL_CALLBACK_ALLOW_HTTP", "true");
      settings.put("HITL_CALLBACK_SECRET", "bench-callback-secret-0123456789abcdef");
      String body = TRADE.substring(0, TRADE.length() - 1) + ",\"callback_url\":\"" + slack.callbackUrl() + "\"}";
      Load.Req create = new Load.Req(HttpMethod.POST, "/api/v1/approvals/trade", submitter, body);
      try (GatewayProcess gw = GatewayProcess.start(jar, settings, "1g", log);
           Load load = new Load(gw.httpPort, 128)) {
        quote(load, "7203.T");
        Load.Reply first = load.call(create).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (first.status() != 201) {
          throw new IllegalStateException("a create with a callback_url was refused: " + first.body());
        }
        warmUps.put("slack", warmUp(gw, load, i -> create));
        long postsBefore = slack.posts.get();
        long createdBefore = Seeder.count(jdbc(port), "SELECT count(*) FROM approvals");
        Load.Throughput creates = load.saturate(64, seconds, i -> create, r -> { });
        long postedInWindow = slack.posts.get() - postsBefore;
        long t0 = System.nanoTime();
        long created = Seeder.count(jdbc(port), "SELECT count(*) FROM approvals");
        while (slack.posts.get() < created && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(300)) {
          Thread.sleep(50);
        }
        double drained = (System.nanoTime() - t0) / 1e9;
        // nothing left to post: a later post would be a duplicate
        Thread.sleep(1000);
        long posts = slack.posts.get();
        Double tps = pgbenchTps != null ? pgbenchTps : pgbench(seconds, port);
        Map<String, Object> details = new HashMap<>();
        details.put("failed", creates.failed());
        details.put("concurrency", 64);
        details.put("seconds", seconds);
        details.put("created_in_window", created - createdBefore);
        // posted while the window's creates ran (backlog from the warm-up included), and what was still to post then
        details.put("slack_posts_in_window", postedInWindow);
        details.put("slack_posts_per_s_in_window", postedInWindow / seconds);
        details.put("messages_to_post_at_window_end", created - postsBefore - postedInWindow);
        details.put("slack_posts_after_warm_up", posts - postsBefore);
        details.put("created_total", created);
        details.put("slack_posts_total", posts);
        details.put("slack_refused", slack.refused.get());
        details.put("seconds_to_post_every_message_after_the_window", drained);
        figure("durable creates/s with Slack, outbox and callbacks on", creates.perSecond(), "req/s", tps,
          "pgbench simple-update TPS", tps == null ? null : creates.perSecond() / tps, "≥ 0.5× pgbench",
          tps != null && creates.perSecond() >= 0.5 * tps, details);
        if (posts != created || slack.refused.get() > 0) {
          throw new IllegalStateException(created + " requests but " + posts + " Slack posts (" + slack.refused.get()
            + " refused by the fake): each message must be posted exactly once; see " + log);
        }
      }
    }
  }

  private static String jdbc(int port) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/hitl";
  }

  /**
   * CPU time per create of one arm of a comparison, summed over its rounds: the gateway's JVM, its PostgreSQL
   * server (every backend and background process) and the bench's own load generator, read from /proc before
   * and after each round. Shows what a create costs where, and whether the machine's cores were the limit
   * (cores busy near 2 on two cores) or something that waits (a lock, a flush) was.
   */
  private static final class Cpu {
    record Reading(long nanos, double gateway, double postgres, double bench) {
    }

    private double gateway;
    private double postgres;
    private double bench;
    private double seconds;
    private long creates;

    static Reading read(GatewayProcess gw, long postmaster) {
      return new Reading(System.nanoTime(), ProcCpu.seconds(gw.pid()), ProcCpu.postgresSeconds(postmaster),
        ProcCpu.seconds(ProcessHandle.current().pid()));
    }

    void add(Reading from, Reading to, long ok) {
      gateway += to.gateway() - from.gateway();
      postgres += to.postgres() - from.postgres();
      bench += to.bench() - from.bench();
      seconds += (to.nanos() - from.nanos()) / 1e9;
      creates += ok;
    }

    double total() {
      return gateway + postgres;
    }

    /** Microseconds of CPU per create by process (gateway and PostgreSQL; the bench's own apart); null: unread. */
    Map<String, Object> perCreate() {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("gateway", rounded(gateway / creates * 1e6, 0));
      m.put("postgres", rounded(postgres / creates * 1e6, 0));
      m.put("gateway_and_postgres", rounded(total() / creates * 1e6, 0));
      m.put("bench", rounded(bench / creates * 1e6, 0));
      return m;
    }

    /** Cores busy on average by process over the arm's rounds; null: unread. */
    Map<String, Object> cores() {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("gateway", rounded(gateway / seconds, 2));
      m.put("postgres", rounded(postgres / seconds, 2));
      m.put("bench", rounded(bench / seconds, 2));
      return m;
    }

    /** {@code x} to {@code places} decimals, or null when it could not be read (NaN, or no creates). */
    static Double rounded(double x, int places) {
      double scale = Math.pow(10, places);
      return Double.isFinite(x) ? Math.round(x * scale) / scale : null;
    }
  }

  /**
   * The pre-trade gate's cost per create: creates under a policy with five limits (max quantity, max notional,
   * price collar against the quote, duplicate window, rolling order cap per strategy), all generous enough to
   * admit every order, against creates under a policy without limits, alternating A B A B so drift hits both.
   * Orders spread over 64 strategies with distinct sizes, as many engines would send them. Installs a policy
   * document, so it runs after the phases that measure the default policy.
   */
  private void limits(GatewayProcess gw, Load load, double seconds) throws Exception {
    // -Dbench.limitsPerAccount=true: a second rolling cap, per account, and orders over 32 accounts
    boolean perAccount = Boolean.getBoolean("bench.limitsPerAccount");
    String limits = "{\"max_quantity\":\"1000000\",\"max_notional\":\"9000000000\",\"price_collar_pct\":\"50\","
      + "\"duplicate_window_seconds\":30,\"rolling\":[{\"per\":\"strategy\",\"window_seconds\":60,"
      + "\"max_orders\":1000000}" + (perAccount
        ? ",{\"per\":\"account\",\"window_seconds\":60,\"max_orders\":1000000}" : "")
      + "],\"override\":{\"approvers\":{\"users\":[\"bench-risk\"]}}}";
    String document = "{\"policies\":[{\"name\":\"bench-none\",\"match\":{\"tickers\":[\"LIM0\"]}},"
      + "{\"name\":\"bench-limits\",\"match\":{\"tickers\":[\"LIM5\"]},\"limits\":" + limits + "}],"
      + "\"default\":{}}";
    String admin = Jwt.mint(SECRET, "bench-admin", "admin");
    Load.Reply saved = load.call(new Load.Req(HttpMethod.PUT, "/api/v1/policies", admin, document))
      .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    if (saved.status() != 201) {
      throw new IllegalStateException("the limits policy was refused: " + saved.body());
    }
    for (String ticker : List.of("LIM0", "LIM5")) {
      quote(load, ticker);
    }
    java.util.concurrent.atomic.AtomicLong sizes = new java.util.concurrent.atomic.AtomicLong();
    java.util.function.Function<String, java.util.function.IntFunction<Load.Req>> orders = ticker -> i -> {
      long n = sizes.incrementAndGet();
      return new Load.Req(HttpMethod.POST, "/api/v1/approvals/trade", submitter, TRADE
        .replace("7203.T", ticker).replace("\"quantity\":100", "\"quantity\":" + (n % 900_000 + 1))
        .replace("\"strategy\":\"bench\"", "\"strategy\":\"bench-" + (n % 64) + "\""
          + (perAccount ? ",\"account\":\"acct-" + (n % 32) + "\"" : "")));
    };
    java.util.concurrent.atomic.AtomicLong overrides = new java.util.concurrent.atomic.AtomicLong();
    load.saturate(64, quick ? 1 : 5, orders.apply("LIM5"), r -> { });
    double none = 0;
    double five = 0;
    long failed = 0;
    int rounds = Integer.getInteger("bench.limitRounds", 2);
    List<Double> perRound = new ArrayList<>();
    List<Long> noneRounds = new ArrayList<>();
    List<Long> fiveRounds = new ArrayList<>();
    long postmaster = ProcCpu.postmaster(dataDir.resolve("postgres"));
    Cpu cpuNone = new Cpu();
    Cpu cpuFive = new Cpu();
    for (int round = 0; round < rounds; round++) {
      Cpu.Reading before = Cpu.read(gw, postmaster);
      Load.Throughput a = load.saturate(64, seconds / 2, orders.apply("LIM0"), r -> { });
      cpuNone.add(before, Cpu.read(gw, postmaster), a.ok());
      before = Cpu.read(gw, postmaster);
      Load.Throughput b = load.saturate(64, seconds / 2, orders.apply("LIM5"), r -> {
        if (r.body().contains("\"limit_override\"")) {
          overrides.incrementAndGet();
        }
      });
      cpuFive.add(before, Cpu.read(gw, postmaster), b.ok());
      none += a.perSecond() / rounds;
      five += b.perSecond() / rounds;
      failed += a.failed() + b.failed();
      perRound.add(Math.round((a.perSecond() / b.perSecond() - 1) * 1000) / 10.0);
      noneRounds.add(Math.round(a.perSecond()));
      fiveRounds.add(Math.round(b.perSecond()));
    }
    double extra = (none / five - 1) * 100;
    List<Double> sorted = new ArrayList<>(perRound);
    java.util.Collections.sort(sorted);
    double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
      : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    Map<String, Object> details = new HashMap<>(Map.of("creates_per_s_five_limits", five,
      "creates_per_s_no_limits", none, "failed", failed, "override_requests", overrides.get(), "concurrency", 64,
      "seconds_each", seconds / 2 * rounds, "strategies", 64, "rounds", rounds));
    details.put("extra_pct_per_round", perRound);
    details.put("creates_per_s_no_limits_per_round", noneRounds);
    details.put("creates_per_s_five_limits_per_round", fiveRounds);
    details.put("extra_pct_median_of_rounds", median);
    details.put("cpu_us_per_create_no_limits", cpuNone.perCreate());
    details.put("cpu_us_per_create_five_limits", cpuFive.perCreate());
    details.put("cores_busy_no_limits", cpuNone.cores());
    details.put("cores_busy_five_limits", cpuFive.cores());
    details.put("extra_cpu_pct_per_create", Cpu.rounded((cpuFive.total() / cpuFive.creates)
      / (cpuNone.total() / cpuNone.creates) * 100 - 100, 1));
    figure("create cost with five pre-trade limits vs none", extra, "% more per create", none,
      "creates/s without limits", five / none, "< 10 %", extra < 10, details);
  }

  /**
   * A fresh gateway's create path warmed up before anything is measured on it: two seconds in quick mode; else
   * creates from 32 clients in slices of five seconds, at least two, until the gateway's JIT compiler threads used
   * under a twentieth of a core over the last slice, at most {@code bench.warmUpMaxSeconds} (120). Until then
   * the compiler competes with the gateway and PostgreSQL for the two cores (about half a core through the first
   * 40 s of load), which is a start-up cost, not the steady state the figures are about. Returns what it did.
   */
  private Map<String, Object> warmUp(GatewayProcess gw, Load load, java.util.function.IntFunction<Load.Req> next)
      throws Exception {
    if (quick) {
      load.saturate(32, 2, next, r -> { });
      return Map.of("seconds", 2);
    }
    double max = Double.parseDouble(System.getProperty("bench.warmUpMaxSeconds", "120"));
    return gw.warmUp(max, seconds -> load.saturate(32, seconds, next, r -> { }).ok());
  }

  /** A gateway's own data directory, embedded PostgreSQL port and settings (the phase's own HTTP port too). */
  private record Own(Path data, int dbPort, Map<String, String> settings) {
  }

  /** {@code settings} given a data directory (named {@code prefix}…) and ports of their own. */
  private Own own(String prefix, Map<String, String> settings) throws Exception {
    Path data = Files.createTempDirectory(out.toAbsolutePath(), prefix);
    int port = freePort();
    settings.put("HITL_DATA_DIR", data.toString());
    settings.put("HITL_EMBEDDED_DB_PORT", String.valueOf(port));
    settings.put("HITL_HTTP_PORT", String.valueOf(freePort()));
    return new Own(data, port, settings);
  }

  /**
   * A gateway of its own, on its own embedded PostgreSQL, with Slack configured against a local fake: the
   * other phases measure a gateway without chat, and its outbox rows would follow them from one run to the next.
   */
  private void chat(Path log) throws Exception {
    try (FakeSlack slack = ChatAck.fakeSlack()) {
      Map<String, String> settings = own("chat-data-", ChatAck.settings(env, slack)).settings();
      try (GatewayProcess gw = GatewayProcess.start(jar, settings, "1g", log);
           Load load = new Load(gw.httpPort, 128);
           Load clicks = new Load(gw.httpPort, 32)) {
        quote(load, "7203.T");
        warmUps.put("chat", warmUp(gw, load, i -> create()));
        new ChatAck(quick, Jwt.mint(SECRET, "bench-viewer", "viewer"), this::create, this::figure)
          .run(gw.httpPort, load, clicks, slack, log);
      }
    }
  }

  /**
   * Time to ready after a restart with exactly `pending` pending requests, on a gateway of its own (own embedded
   * PostgreSQL): on the shared database the count would be whatever the earlier phases left pending (over 200,000
   * after a full run), and the figure would not be the one the target names. The embedded PostgreSQL lives as long
   * as the gateway, so the first start creates the schema and the seed goes in before it stops.
   */
  private void restart(Path log, int pending) throws Exception {
    Own own = own("restart-data-", new HashMap<>(env));
    try (GatewayProcess gw = GatewayProcess.start(jar, own.settings(), "1g", log)) {
      Seeder.pending(jdbc(own.dbPort()), pending, Instant.now().plusSeconds(7200), 3_600_000);
    }
    try (GatewayProcess gw = GatewayProcess.start(jar, own.settings(), "1g", log)) {
      long now = Seeder.count(jdbc(own.dbPort()), "SELECT count(*) FROM approvals WHERE status = 'PENDING'");
      if (now != pending) {
        throw new IllegalStateException(now + " pending after the restart, " + pending + " seeded; see " + log);
      }
      figure("restart with " + now + " pending → ready", gw.secondsToReady(), "s", null, null, null, "< 5 s",
        gw.secondsToReady() < 5, Map.of("pending", now, "heap_used_mib_after_gc", gw.heapUsedMib()));
    }
  }

  /**
   * The first page of the list, the history and the history export on a gateway of its own (own embedded
   * PostgreSQL) holding -Dbench.historyRows requests (10,000,000; 100,000 in --quick), seeded straight into the
   * database: -Dbench.historyRequests timed requests per filter (100; 20 in --quick), fewer when one filter's
   * requests take -Dbench.historyFilterSeconds (120; 20 in --quick), after a warm-up over every filter until the
   * gateway's compiler is quiet (not in --quick). 10,000,000 requests take about 40 GB of disk while the phase runs,
   * and their seed most of its time.
   */
  private void history(Path log) throws Exception {
    Own own = own("history-data-", new HashMap<>(env));
    new HistoryPhase(submitter, Jwt.mint(SECRET, "bench-viewer", "viewer"), this::figure).run(jar,
      own.settings(), own.data(), own.dbPort(), Integer.getInteger("bench.historyRows", quick ? 100_000 : 10_000_000),
      Integer.getInteger("bench.historyRequests", quick ? 20 : 100),
      Double.parseDouble(System.getProperty("bench.historyFilterSeconds", quick ? "20" : "120")),
      quick ? 0 : Double.parseDouble(System.getProperty("bench.warmUpMaxSeconds", "120")), log);
  }

  /**
   * Verify's cost on a gateway of its own (own embedded PostgreSQL): its journal is seeded to
   * -Dbench.verifyEntries entries (10,000,000; 100,000 in --quick) and grows by 100,000 (10,000) for the
   * incremental run.
   */
  private void verify(Path log) throws Exception {
    Own own = own("verify-data-", new HashMap<>(env));
    new VerifyPhase(Jwt.mint(SECRET, "bench-viewer", "viewer"), this::figure).run(jar, own.settings(),
      own.data().resolve("checkpoints"), jdbc(own.dbPort()), Integer.getInteger("bench.verifyEntries", quick ? 100_000 : 10_000_000),
      quick ? 10_000 : 100_000, log);
  }

  /**
   * Creates `count` requests that all time out after `timeoutSeconds`, waits for every one to expire, and
   * reads how late each expiry committed (decided_at − expires_at) and how often each was expired.
   */
  private void expiry(Load load, int count, int timeoutSeconds) throws Exception {
    String body = TRADE.replace("\"timeout_seconds\":3600", "\"timeout_seconds\":" + timeoutSeconds);
    String tag = "expiry-" + System.nanoTime();
    List<String> created = Collections.synchronizedList(new ArrayList<>());
    while (created.size() < count) {
      load.saturate(32, 0.5, i -> new Load.Req(HttpMethod.POST, "/api/v1/approvals/trade", submitter,
        body.replace("\"strategy\":\"bench\"", "\"strategy\":\"" + tag + "\"")), r -> created.add("x"));
    }
    String mine = "context->>'strategy' = '" + tag + "'";
    long deadline = System.nanoTime() + (timeoutSeconds + 120) * 1_000_000_000L;
    while (Seeder.count(jdbc(), "SELECT count(*) FROM approvals WHERE status = 'PENDING' AND " + mine) > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("requests still pending long after their deadline");
      }
      Thread.sleep(250);
    }
    Histogram late = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    long early = 0;
    try (Connection c = DriverManager.getConnection(jdbc(), "postgres", null);
         ResultSet rs = c.createStatement().executeQuery("SELECT (extract(epoch FROM decided_at - expires_at) "
           + "* 1000000)::bigint FROM approvals WHERE " + mine)) {
      while (rs.next()) {
        long micros = rs.getLong(1);
        if (micros < 0) {
          early++;
        } else {
          late.recordValue(Math.min(micros, late.getHighestTrackableValue()));
        }
      }
    }
    long twice = Seeder.count(jdbc(), "SELECT count(*) FROM (SELECT j.approval_id FROM journal j JOIN approvals a "
      + "ON a.id = j.approval_id WHERE j.action = 'expired' AND a." + mine + " GROUP BY j.approval_id "
      + "HAVING count(*) > 1) t");
    long total = late.getTotalCount() + early;
    // the timers fall due at the rate they were created: a faster create path gives the expiry path more per second
    double dueRate;
    try (Connection c = DriverManager.getConnection(jdbc(), "postgres", null);
         ResultSet rs = c.createStatement().executeQuery("SELECT count(*) / greatest(extract(epoch FROM "
           + "max(expires_at) - min(expires_at)), 0.001) FROM approvals WHERE " + mine)) {
      rs.next();
      dueRate = rs.getDouble(1);
    }
    figure("expiry lateness p99 over " + total + " timers", late.getValueAtPercentile(99) / 1000.0, "ms", null,
      null, null, "< 50 ms, none early, none twice",
      late.getValueAtPercentile(99) < 50_000 && early == 0 && twice == 0,
      Map.of("p50_ms", late.getValueAtPercentile(50) / 1000.0, "max_ms", late.getMaxValue() / 1000.0,
        "early", early, "expired_twice", twice, "timeout_seconds", timeoutSeconds, "falling_due_per_s",
        Math.round(dueRate)));
  }

  static String trade() {
    return TRADE;
  }

  private Load.Req create() {
    return new Load.Req(HttpMethod.POST, "/api/v1/approvals/trade", submitter, TRADE);
  }

  /**
   * The durability settings of the server both the gateway and pgbench write to; the comparison is only fair
   * (and only what production runs) when fsync, synchronous_commit and full_page_writes are all on.
   */
  private String durability() throws Exception {
    String psql = which("psql");
    if (psql == null) {
      return "unchecked (no psql)";
    }
    String o = GatewayProcess.run(psql, "--host=127.0.0.1", "--port=" + dbPort, "--username=postgres",
      "--dbname=postgres", "-tA", "-c", "SELECT string_agg(name || '=' || setting, ',' ORDER BY name) FROM pg_settings"
        + " WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes')").trim();
    if (!o.equals("fsync=on,full_page_writes=on,synchronous_commit=on")) {
      throw new IllegalStateException("the benchmark's PostgreSQL is not durable (" + o + "): the figures would"
        + " not be those of the product's default");
    }
    return o;
  }

  /** pgbench's built-in simple-update script against the PostgreSQL on {@code dbPort}, same duration. */
  private Double pgbench(double seconds, int dbPort) throws Exception {
    String bin = which("pgbench");
    if (bin == null) {
      return null;
    }
    String host = "--host=127.0.0.1";
    String port = "--port=" + dbPort;
    GatewayProcess.run(which("psql") == null ? "true" : which("psql"), host, port, "--username=postgres",
      "--dbname=postgres", "-c", "CREATE DATABASE pgbench");
    GatewayProcess.run(bin, host, port, "--username=postgres", "-i", "-s", "10", "-q", "pgbench");
    String o = GatewayProcess.run(bin, host, port, "--username=postgres", "-N", "-c", "16", "-j", "2", "-T",
      String.valueOf((int) seconds), "pgbench");
    Matcher m = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)").matcher(o);
    return m.find() ? Double.parseDouble(m.group(1)) : null;
  }

  void figure(String name, double value, String unit, Double reference, String referenceName, Double ratio,
      String target, boolean met, Map<String, Object> details) {
    figures.add(new JsonObject().put("figure", name).put("value", round(value)).put("unit", unit)
      .put("reference", reference == null ? null : round(reference)).put("reference_name", referenceName)
      .put("ratio", ratio == null ? null : round(ratio)).put("target", target).put("met", met)
      .put("details", new JsonObject(new HashMap<>(details))));
  }

  private static double round(double d) {
    return Math.round(d * 100) / 100.0;
  }

  private static JsonObject machine() throws Exception {
    String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
      .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
    return new JsonObject().put("cores", Runtime.getRuntime().availableProcessors()).put("cpu", cpu)
      .put("memory", Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " "))
      .put("java", System.getProperty("java.version"));
  }

  private static void print(JsonObject results) {
    System.out.printf("%n%-44s %14s %24s %20s %5s%n", "figure", "measured", "reference", "target", "met");
    for (Object o : results.getJsonArray("figures")) {
      JsonObject f = (JsonObject) o;
      String ref = f.getValue("reference") == null ? "-" : f.getValue("reference") + " (" + f.getValue("ratio") + "×)";
      System.out.printf("%-44s %14s %24s %20s %5s%n", f.getString("figure"), f.getValue("value") + " "
        + f.getString("unit"), ref, f.getString("target"), f.getBoolean("met") ? "yes" : "NO");
      JsonObject d = f.getJsonObject("details");
      if (d.containsKey("p50_ms") && d.containsKey("p999_ms") && d.containsKey("max_ms")) {
        System.out.printf("  p50 %s ms, p99.9 %s ms, max %s ms%s%n", round(d.getDouble("p50_ms")),
          round(d.getDouble("p999_ms")), round(d.getDouble("max_ms")), d.containsKey("target_rate")
            ? String.format(", %s/s asked, %s/s sent", round(d.getDouble("target_rate")),
              round(d.getDouble("achieved_rate"))) : "");
      }
      // per filter (the history phase): the single filters the figure is the worst of, then the combinations
      for (String group : List.of("filters", "combinations")) {
        JsonObject each = d.getJsonObject(group);
        if (each == null) {
          continue;
        }
        for (String filter : each.fieldNames()) {
          JsonObject x = each.getJsonObject(filter);
          System.out.printf("  %-50s p50 %8s ms, p99 %8s ms, max %8s ms%s%s%n", filter, round(x.getDouble("p50_ms")),
            round(x.getDouble("p99_ms")), round(x.getDouble("max_ms")), x.containsKey("total")
              ? ", total " + x.getValue("total") + (Boolean.FALSE.equals(x.getValue("total_exact")) ? "+" : "") : "",
            group.equals("combinations") ? " (combination)" : "");
        }
      }
    }
    System.out.printf("%n%s run on %s; details in target/bench/results.json%n", results.getString("mode"),
      results.getJsonObject("machine").encode());
  }

  private static String which(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
