package io.hitl.bench;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Scoped switch propagation between two gateway processes clustered as the product runs them (Hazelcast over
 * loopback, one PostgreSQL, HITL_DB_URL): an admin engages a switch on node A while an engine sends trades in
 * its scope to node B back to back, and the figure is how long after the engage's answer (and after its
 * journal timestamp) B first refuses one with SEC-072; then the same for the release, until B admits again.
 * A trade sent to B after the engage was answered and still admitted stops the run.
 */
final class SwitchPropagation {
  /** How long B may take to follow an engage or a release before the run stops: ten times the target. */
  private static final Duration BOUND = Duration.ofSeconds(10);
  /** Creates sent to B per engage or release at most, whatever the time. */
  private static final int MAX_CREATES = 20_000;
  private static final String CLUSTER_SECRET = "bench-cluster-secret-0123456789-abcdefgh";

  private final Path out;
  private final Path jar;
  private final Map<String, String> base;
  private final String submitter;
  private final String admin;
  private final SseFanOut.Figures figures;

  SwitchPropagation(Path out, Path jar, Map<String, String> base, String submitter, String admin,
      SseFanOut.Figures figures) {
    this.out = out;
    this.jar = jar;
    this.base = base;
    this.submitter = submitter;
    this.admin = admin;
    this.figures = figures;
  }

  /** When a round's wanted answer arrived at the bench, by the monotonic clock and by the wall clock. */
  private record Arrival(long nanos, Instant wall, long others, long othersAfterAnswer) {
  }

  void run(int rounds) throws Exception {
    Path dir = Files.createTempDirectory(out.toAbsolutePath(), "switches-");
    // the product's durability settings, as the gateway's own embedded server runs them
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("postgres"))
      .setCleanDataDirectory(true).setPGStartupWait(Duration.ofSeconds(60))
      .setServerConfig("max_connections", "200").setServerConfig("fsync", "on")
      .setServerConfig("synchronous_commit", "on").setServerConfig("full_page_writes", "on").start()) {
      try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE hitl");
      }
      String dbUrl = "postgresql://postgres@127.0.0.1:" + pg.getPort() + "/hitl";
      String jdbc = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/hitl";
      List<Integer> members = List.of(freePort(), freePort());
      String name = "hitl-bench-" + UUID.randomUUID().toString().substring(0, 8);
      try (GatewayProcess a = GatewayProcess.start(jar, node(0, members, name, dbUrl, dir), "512m",
             out.resolve("switches-node-a.log"));
           GatewayProcess b = GatewayProcess.start(jar, node(1, members, name, dbUrl, dir), "512m",
             out.resolve("switches-node-b.log"));
           Load onA = new Load(a.httpPort, 4);
           Load onB = new Load(b.httpPort, 4)) {
        awaitCluster(a.httpPort, 2);
        awaitCluster(b.httpPort, 2);
        Load.Reply quoted = onA.call(new Load.Req(HttpMethod.POST, "/api/v1/market/quotes", submitter,
          "{\"ticker\":\"7203.T\",\"bid\":\"2850\",\"ask\":\"2851\"}")).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
        if (quoted.status() != 200) {
          throw new IllegalStateException("the quote was refused: " + quoted.body());
        }
        measure(rounds, onA, onB, jdbc);
      }
    }
  }

  private void measure(int rounds, Load onA, Load onB, String jdbc) throws Exception {
    List<Double> engageFromAnswer = new ArrayList<>();
    List<Double> engageFromSent = new ArrayList<>();
    List<Double> engageFromJournal = new ArrayList<>();
    List<Double> liftFromAnswer = new ArrayList<>();
    List<Double> liftFromJournal = new ArrayList<>();
    long admittedBeforeEngage = 0;
    long refusedAfterRelease = 0;
    Predicate<Load.Reply> refused = r -> r.status() == 409 && r.body().contains("SEC-072");
    Predicate<Load.Reply> admitted = r -> r.status() == 201;
    for (int round = 0; round < rounds; round++) {
      String strategy = "bench-prop-" + round + "-" + System.nanoTime();
      String trade = BenchRunner.trade().replace("\"strategy\":\"bench\"", "\"strategy\":\"" + strategy + "\"");

      AtomicLong engageAnswered = new AtomicLong(Long.MAX_VALUE);
      CountDownLatch sending = new CountDownLatch(1);
      CompletableFuture<Arrival> firstRefusal = sendUntil(onB, trade, refused, admitted, engageAnswered, true,
        sending, "engage on strategy " + strategy);
      sending.await(30, TimeUnit.SECONDS);
      long engageSent = System.nanoTime();
      Load.Reply engaged = onA.call(new Load.Req(HttpMethod.POST, "/api/v1/switches", admin,
        "{\"scope\":\"strategy\",\"value\":\"" + strategy + "\",\"reason\":\"bench propagation\"}"))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      engageAnswered.set(System.nanoTime());
      if (engaged.status() != 201) {
        firstRefusal.cancel(true);
        throw new IllegalStateException("the engage on node A was refused: " + engaged.status() + " " + engaged.body());
      }
      Arrival r = firstRefusal.get(BOUND.toSeconds() + 30, TimeUnit.SECONDS);
      engageFromAnswer.add((r.nanos() - engageAnswered.get()) / 1e6);
      engageFromSent.add((r.nanos() - engageSent) / 1e6);
      engageFromJournal.add(millisBetween(journalAt(jdbc, "switch_engaged", strategy), r.wall()));
      admittedBeforeEngage += r.others();

      AtomicLong releaseAnswered = new AtomicLong(Long.MAX_VALUE);
      CountDownLatch again = new CountDownLatch(1);
      CompletableFuture<Arrival> firstAdmit = sendUntil(onB, trade, admitted, refused, releaseAnswered, false,
        again, "release on strategy " + strategy);
      again.await(30, TimeUnit.SECONDS);
      String id = new JsonObject(engaged.body()).getString("id");
      Load.Reply released = onA.call(new Load.Req(HttpMethod.POST, "/api/v1/switches/" + id + "/release", admin,
        "{\"reason\":\"bench round over\"}")).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      releaseAnswered.set(System.nanoTime());
      if (released.status() != 200) {
        firstAdmit.cancel(true);
        throw new IllegalStateException("the release on node A was refused: " + released.status() + " "
          + released.body());
      }
      Arrival l = firstAdmit.get(BOUND.toSeconds() + 30, TimeUnit.SECONDS);
      liftFromAnswer.add((l.nanos() - releaseAnswered.get()) / 1e6);
      liftFromJournal.add(millisBetween(journalAt(jdbc, "switch_lifted", strategy), l.wall()));
      refusedAfterRelease += l.othersAfterAnswer();
    }
    String nodes = "2 gateway processes clustered over Hazelcast on loopback, one PostgreSQL";
    Map<String, Object> engage = new LinkedHashMap<>();
    engage.put("nodes", nodes);
    engage.put("rounds", rounds);
    stats(engage, "", engageFromAnswer);
    stats(engage, "from_engage_sent_", engageFromSent);
    stats(engage, "from_journal_", engageFromJournal);
    engage.put("admitted_before_engage_committed", admittedBeforeEngage);
    double engageWorst = Math.max(max(engageFromAnswer), max(engageFromJournal));
    figures.figure("switch engaged on node A → node B refuses (SEC-072), max of " + rounds, max(engageFromAnswer),
      "ms", null, null, null, "< 1000 ms (p99 and max, from answer and journal)", engageWorst < 1000, engage);

    Map<String, Object> lift = new LinkedHashMap<>();
    lift.put("nodes", nodes);
    lift.put("rounds", rounds);
    stats(lift, "", liftFromAnswer);
    stats(lift, "from_journal_", liftFromJournal);
    lift.put("refused_after_release_answered", refusedAfterRelease);
    double liftWorst = Math.max(max(liftFromAnswer), max(liftFromJournal));
    figures.figure("switch released on node A → node B admits, max of " + rounds, max(liftFromAnswer), "ms", null,
      null, null, "< 1000 ms (p99 and max, from answer and journal)", liftWorst < 1000, lift);
  }

  /**
   * On a thread of its own, sends {@code trade} to B one create after another until one is answered as
   * {@code wanted}; answers {@code meanwhile} are counted (those sent after {@code answered} apart, and they
   * stop the run when {@code strict}); any other answer, {@link #MAX_CREATES} creates or {@link #BOUND} after
   * {@code answered} stop it too. {@code sending} opens once the first create was answered.
   */
  private CompletableFuture<Arrival> sendUntil(Load b, String trade, Predicate<Load.Reply> wanted,
      Predicate<Load.Reply> meanwhile, AtomicLong answered, boolean strict, CountDownLatch sending, String what) {
    CompletableFuture<Arrival> done = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      long others = 0;
      long late = 0;
      try {
        for (int n = 0; n < MAX_CREATES && !done.isDone(); n++) {
          long sent = System.nanoTime();
          Load.Reply r = b.call(new Load.Req(HttpMethod.POST, "/api/v1/approvals/trade", submitter, trade))
            .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
          long at = System.nanoTime();
          Instant wall = Instant.now();
          sending.countDown();
          if (wanted.test(r)) {
            done.complete(new Arrival(at, wall, others, late));
            return;
          }
          if (!meanwhile.test(r)) {
            throw new IllegalStateException("node B answered a create " + r.status() + " during the " + what + ": "
              + r.body());
          }
          others++;
          if (sent > answered.get()) {
            late++;
            if (strict) {
              throw new IllegalStateException("node B admitted a trade sent after the " + what + " was answered on "
                + "node A: " + r.body());
            }
          }
          if (at - answered.get() > BOUND.toNanos()) {
            throw new IllegalStateException("node B did not follow the " + what + " within " + BOUND.toSeconds()
              + " s of its answer");
          }
        }
        throw new IllegalStateException("node B did not follow the " + what + " within " + MAX_CREATES + " creates");
      } catch (Exception e) {
        done.completeExceptionally(e);
      } finally {
        sending.countDown();
      }
    }, "bench-switch-node-b");
    t.setDaemon(true);
    t.start();
    return done;
  }

  private Map<String, String> node(int i, List<Integer> members, String name, String dbUrl, Path dir)
      throws Exception {
    Map<String, String> env = new HashMap<>(base);
    env.remove("HITL_EMBEDDED_DB_PORT");
    env.put("HITL_DB_URL", dbUrl);
    env.put("HITL_DATA_DIR", dir.resolve("node-" + i).toString());
    env.put("HITL_HTTP_PORT", String.valueOf(freePort()));
    env.put("HITL_CLUSTER", "true");
    env.put("HITL_CLUSTER_SECRET", CLUSTER_SECRET);
    env.put("HITL_CLUSTER_NAME", name);
    env.put("HITL_CLUSTER_HOST", "127.0.0.1");
    env.put("HITL_CLUSTER_PORT", String.valueOf(members.get(i)));
    env.put("HITL_CLUSTER_MEMBERS", "127.0.0.1:" + members.get(0) + ",127.0.0.1:" + members.get(1));
    env.putIfAbsent("HITL_DB_POOL_SIZE", "8");
    return env;
  }

  /** Waits until the node's /readyz counts {@code nodes} gateway nodes in its cluster. */
  private static void awaitCluster(int port, int nodes) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      last = r.body();
      if (r.statusCode() == 200 && new JsonObject(r.body()).getInteger("cluster_nodes", 0) == nodes) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the node on port " + port + " did not see " + nodes + " nodes: " + last);
  }

  /** The time the journal gives the last {@code action} on the strategy's scope. */
  private static Instant journalAt(String jdbc, String action, String strategy) throws Exception {
    try (Connection c = java.sql.DriverManager.getConnection(jdbc, "postgres", null);
         PreparedStatement s = c.prepareStatement("SELECT created_at FROM journal WHERE action = ? AND target = ? "
           + "ORDER BY seq DESC LIMIT 1")) {
      s.setString(1, action);
      s.setString(2, "strategy:" + strategy);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("no " + action + " entry in the journal for strategy " + strategy);
        }
        return rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
      }
    }
  }

  private static double millisBetween(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e6;
  }

  private static void stats(Map<String, Object> into, String prefix, List<Double> millis) {
    List<Double> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    into.put(prefix + "median_ms", sorted.get((sorted.size() - 1) / 2));
    into.put(prefix + "p99_ms", sorted.get((int) Math.ceil(0.99 * sorted.size()) - 1));
    into.put(prefix + "max_ms", sorted.get(sorted.size() - 1));
    into.put(prefix + "min_ms", sorted.get(0));
  }

  private static double max(List<Double> millis) {
    return Collections.max(millis);
  }

  private static int freePort() throws Exception {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
