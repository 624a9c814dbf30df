package io.hitl.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.client.ApprovalEvent;
import io.hitl.gateway.support.NodeCluster;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.NodeCluster.Node;
import io.hitl.gateway.support.SseProbe;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three gateway nodes as separate JVM processes, clustered over loopback on one PostgreSQL, with an
 * event tap (a lite member in this JVM subscribed to hitl.events) and event-bus clients in their own
 * JVMs. The tests share the cluster and run in order: the last two take nodes away (kill -9, SIGTERM).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {
  /** Safety-net sweep period of the nodes, short so a request nobody announced is found soon. */
  static final int SWEEP_SECONDS = 1;
  /** Fails a hung wait only: three JVMs on a shared machine may take their time, never this long. */
  static final Duration LIVENESS = Duration.ofSeconds(120);
  static String dbUrl;
  static NodeCluster cluster;
  static Vertx tap;
  static final List<ApprovalEvent> events = new CopyOnWriteArrayList<>();
  static String engine;
  static String alice;
  static String bob;
  static String carol;
  static String viewer;

  @BeforeAll
  static void start() throws Exception {
    dbUrl = TestDb.freshEmbedded();
    cluster = NodeCluster.start(3, dbUrl, Map.of("HITL_SHUTDOWN_DELAY_SECONDS", "3",
      "HITL_SHUTDOWN_GRACE_SECONDS", "15", "HITL_EXPIRY_SWEEP_SECONDS", String.valueOf(SWEEP_SECONDS)));
    tap = ClusterSetup.joinAsClient(cluster.settings.client()).toCompletionStage().toCompletableFuture()
      .get(60, TimeUnit.SECONDS);
    MessageConsumer<JsonObject> c = tap.eventBus().consumer("hitl.events",
      m -> events.add(ApprovalEvent.from(m.body())));
    c.completion().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    engine = cluster.token("engine-1", "submitter");
    alice = cluster.token("alice", "approver");
    bob = cluster.token("bob", "approver");
    carol = cluster.token("carol", "approver");
    viewer = cluster.token("vic", "viewer");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (tap != null) {
        tap.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  static Node a() {
    return cluster.node(0);
  }

  static Node b() {
    return cluster.node(1);
  }

  static Node c() {
    return cluster.node(2);
  }

  static String create(Node n, JsonObject body) {
    Response r = n.call("POST", "/api/v1/approvals/trade", engine, body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  @Test
  @Order(1)
  void requestsCreatedOnOneNodeAreDecidedThroughAnotherAndAThirdSeesBoth() {
    // an SSE client of node C, which neither creates nor decides anything here
    SseProbe stream = SseProbe.await(SseProbe.open(tap.createHttpClient(), c().httpPort,
      "/api/v1/stream?event=created,decided", Map.of("Authorization", "Bearer " + viewer)));
    String fromA = create(a(), TestGateway.trade());
    String fromB = create(b(), TestGateway.trade());
    Response approved = b().call("POST", "/api/v1/approvals/" + fromA + "/approve", alice, Map.of("comment", "ok"));
    assertThat(approved.status()).as(approved.body()).isEqualTo(200);
    Response rejected = a().call("POST", "/api/v1/approvals/" + fromB + "/reject", bob, Map.of("reason", "size"));
    assertThat(rejected.status()).as(rejected.body()).isEqualTo(200);

    JsonObject seenA = c().call("GET", "/api/v1/approvals/" + fromA, viewer, null).json();
    assertThat(seenA.getString("status")).isEqualTo("approved");
    assertThat(seenA.getString("decided_by")).isEqualTo("alice");
    JsonObject seenB = c().call("GET", "/api/v1/approvals/" + fromB, viewer, null).json();
    assertThat(seenB.getString("status")).isEqualTo("rejected");
    JsonObject audit = c().call("GET", "/api/v1/audit?approval_id=" + fromA, viewer, null).json();
    assertThat(audit.getJsonArray("entries").stream().map(e -> ((JsonObject) e).getString("action")))
      .containsExactly("created", "trade_state", "approved", "trade_state");

    awaitEvents(fromA, 2);
    awaitEvents(fromB, 2);
    for (String id : List.of(fromA, fromB)) {
      // published by two different nodes: arrival order is not guaranteed, the journal order is
      assertThat(about(id)).extracting(ApprovalEvent::event).containsExactlyInAnyOrder("created", "decided");
      assertThat(event(id, "decided").seq()).isGreaterThan(event(id, "created").seq());
    }
    assertThat(event(fromA, "decided").actor()).isEqualTo("alice");
    assertThat(event(fromA, "created").actor()).isEqualTo("engine-1");
    assertThat(event(fromB, "decided").approval().status().json()).isEqualTo("rejected");

    SseProbe.waitFor(() -> sse(stream, fromA).size() == 2 && sse(stream, fromB).size() == 2, Duration.ofSeconds(20),
      "node C's stream to carry both requests' events");
    stream.close();
    assertThat(sse(stream, fromA)).containsExactly("created", "decided");
    assertThat(sse(stream, fromB)).containsExactly("created", "decided");
    assertThat(stream.ids()).isSorted().doesNotHaveDuplicates();
  }

  /** The event names node C's stream carried about one request, in stream order. */
  private static List<String> sse(SseProbe stream, String id) {
    return stream.events().stream().filter(e -> e.data().contains(id)).map(SseProbe.Event::name).toList();
  }

  @Test
  @Order(2)
  void concurrentDecisionsThroughThreeNodesHaveExactlyOneOutcome() throws Exception {
    for (int round = 0; round < 5; round++) {
      String id = create(cluster.node(round % 3), TestGateway.trade());
      List<CompletableFuture<Response>> calls = List.of(
        a().callAsync("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of(), Map.of()),
        b().callAsync("POST", "/api/v1/approvals/" + id + "/reject", bob, Map.of("reason", "no"), Map.of()),
        c().callAsync("POST", "/api/v1/approvals/" + id + "/approve", carol, Map.of(), Map.of()));
      List<Response> done = new ArrayList<>();
      for (CompletableFuture<Response> f : calls) {
        done.add(f.get(60, TimeUnit.SECONDS));
      }
      assertThat(done.stream().filter(r -> r.status() == 200)).hasSize(1);
      assertThat(done.stream().filter(r -> r.status() == 409).map(r -> r.json().getString("code")))
        .containsExactly("SEC-012", "SEC-012");
      awaitEvents(id, 2);
      // proves no second decision event follows the first: nothing to wait for but time
      NodeCluster.sleep(200);
      assertThat(about(id).stream().filter(e -> e.event().equals("decided"))).hasSize(1);
    }
  }

  @Test
  @Order(4)
  void aClientWithoutCredentialsInItsOwnJvmIsRefusedAndChangesNothing() throws Exception {
    String id = create(a(), TestGateway.trade());
    Path log = cluster.dir.resolve("uncredentialed-client.log");
    Process p = cluster.launch(NodeCluster.clientClassPath(true),
      List.of(UncredentialedMember.class.getName(), id), cluster.settings.client(), log);
    int exit = NodeCluster.await(p, Duration.ofSeconds(120));
    String out = NodeCluster.read(log);
    assertThat(exit).as(out).isZero();
    assertThat(out).contains("claimed-admin RECIPIENT_FAILURE 1 SEC-001", "wrong-secret RECIPIENT_FAILURE 1 SEC-001",
      "garbage-token RECIPIENT_FAILURE 1 SEC-001").doesNotContain("accepted");
    for (Node n : cluster.nodes()) {
      assertThat(n.call("GET", "/api/v1/approvals/" + id, viewer, null).json().getString("status"))
        .isEqualTo("pending");
    }
    assertThat(about(id)).extracting(ApprovalEvent::event).doesNotContain("decided");
  }

  /**
   * Node A takes most of the load and is killed with SIGKILL in the middle of it. Every create is sent with
   * an Idempotency-Key and retried on another node until acknowledged; afterwards each key has exactly one
   * request, all of them readable through the survivors, and each expires exactly once even when both
   * survivors try to decide it at the same moment after its deadline.
   */
  @Test
  @Order(5)
  void killMinus9OfTheBusiestNodeMidLoadLosesNoRequestAndEachExpiresExactlyOnce() throws Exception {
    int total = 60;
    int timeoutSeconds = 4;
    Map<String, String> acknowledged = new ConcurrentHashMap<>();
    Set<String> servedByA = ConcurrentHashMap.newKeySet();
    Set<String> retried = ConcurrentHashMap.newKeySet();
    AtomicBoolean killed = new AtomicBoolean();
    List<String> failures = new CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        String key = "load-" + i;
        Node first = i % 5 < 3 ? a() : i % 5 == 3 ? b() : c();
        work.add(pool.submit(() -> {
          Node target = first;
          for (int attempt = 0; attempt < 20; attempt++) {
            try {
              Response r = target.callAsync("POST", "/api/v1/approvals/trade", engine,
                TestGateway.trade().put("timeout_seconds", timeoutSeconds), Map.of("Idempotency-Key", key))
                .get(30, TimeUnit.SECONDS);
              if (r.status() == 201 || r.status() == 200) {
                acknowledged.put(key, r.json().getString("request_id"));
                if (target == a()) {
                  servedByA.add(key);
                }
                return;
              }
              failures.add(key + " " + r.status() + " " + r.body());
            } catch (Exception e) {
              if (target != a() || !killed.get()) {
                failures.add(key + " " + e);
              }
            }
            // the same key again, on a survivor: an acknowledged create is found, a lost one is made
            retried.add(key);
            target = attempt % 2 == 0 ? b() : c();
            NodeCluster.sleep(50);
          }
        }));
        NodeCluster.sleep(15);
        if (i == total / 2) {
          killed.set(true);
          a().kill();
        }
      }
      for (Future<?> f : work) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(a().process.isAlive()).isFalse();
    assertThat(acknowledged).as("unacknowledged after retries: %s", failures).hasSize(total);
    assertThat(servedByA).as("A took load before it died").isNotEmpty();
    assertThat(retried).as("creates that had to move to a survivor").isNotEmpty();

    try (Connection db = TestDb.jdbc(dbUrl)) {
      Map<String, Integer> perKey = countPerKey(db);
      assertThat(perKey).hasSize(total).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
    }
    Set<String> ids = new HashSet<>(acknowledged.values());
    assertThat(ids).hasSize(total);
    for (String id : ids) {
      assertThat(b().call("GET", "/api/v1/approvals/" + id, viewer, null).status()).isEqualTo(200);
    }
    b().awaitReady(2, Duration.ofSeconds(30));
    c().awaitReady(2, Duration.ofSeconds(30));

    // the survivors' timers expire every request, the dead node's ones included, without anyone deciding;
    // one that A committed but died before announcing is found by a survivor's safety-net sweep instead
    List<Double> lateness = awaitExpiredByTimers(ids, LIVENESS);
    System.out.println("expiry lateness after kill -9, ms: p50 " + percentile(lateness, 50) + ", p99 "
      + percentile(lateness, 99) + ", max " + lateness.get(lateness.size() - 1));
    assertThat(lateness.get(0)).as("never early").isGreaterThanOrEqualTo(0);
    for (String id : ids) {
      CompletableFuture<Response> viaB = b().callAsync("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of(),
        Map.of());
      CompletableFuture<Response> viaC = c().callAsync("POST", "/api/v1/approvals/" + id + "/approve", carol, Map.of(),
        Map.of());
      for (Response r : List.of(viaB.get(30, TimeUnit.SECONDS), viaC.get(30, TimeUnit.SECONDS))) {
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.json().getString("code")).isIn("SEC-012", "SEC-013");
      }
      JsonObject after = c().call("GET", "/api/v1/approvals/" + id, viewer, null).json();
      assertThat(after.getString("status")).isEqualTo("expired");
      assertThat(after.getString("decision_reason")).isEqualTo("HITL_TIMEOUT");
    }
    try (Connection db = TestDb.jdbc(dbUrl)) {
      Map<String, Integer> expiredEntries = countExpired(db);
      assertThat(expiredEntries.keySet()).containsAll(ids);
      assertThat(ids).allSatisfy(id -> assertThat(expiredEntries.get(id)).as(id).isEqualTo(1));
    }
  }

  /**
   * SIGTERM to node B while it serves a decision held up by a row lock: B reports draining, stops taking
   * connections, still answers the held decision, leaves the cluster and exits.
   */
  @Test
  @Order(6)
  void sigtermFinishesInFlightRequestsStopsAcceptingAndLeavesTheClusterCleanly() throws Exception {
    String id = create(c(), TestGateway.trade());
    CompletableFuture<Response> inFlight;
    try (Connection lock = TestDb.jdbc(dbUrl)) {
      lock.setAutoCommit(false);
      try (Statement s = lock.createStatement()) {
        s.execute("SELECT id FROM approvals WHERE id = '" + id + "' FOR UPDATE");
      }
      inFlight = b().callAsync("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of("comment", "in flight"),
        Map.of());
      awaitLockWaiter();

      b().terminate();
      JsonObject draining = b().awaitReadyz(r -> r.getInteger("http_status") == 503, Duration.ofSeconds(10));
      assertThat(draining.getString("status")).isEqualTo("draining");
      awaitRefused(b().httpPort, Duration.ofSeconds(10));
      assertThat(inFlight).isNotDone();
      lock.commit();
    }
    Response r = inFlight.get(30, TimeUnit.SECONDS);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().getString("status")).isEqualTo("approved");

    assertThat(NodeCluster.await(b().process, Duration.ofSeconds(60))).as("exit status after SIGTERM").isEqualTo(143);
    assertThat(b().tail(30)).contains("stopped and left the cluster");
    c().awaitReady(1, Duration.ofSeconds(30));
    assertThat(c().call("GET", "/api/v1/approvals/" + id, viewer, null).json().getString("decided_by"))
      .isEqualTo("alice");
  }

  private static List<ApprovalEvent> about(String id) {
    return events.stream().filter(e -> e.approval() != null && e.approval().requestId().toString().equals(id))
      .toList();
  }

  private static ApprovalEvent event(String id, String kind) {
    return about(id).stream().filter(e -> e.event().equals(kind)).findFirst().orElseThrow();
  }

  private static void awaitEvents(String id, int n) {
    Poll.until(() -> about(id), l -> l.size() >= n, LIVENESS, n + " events for " + id);
  }

  private static Map<String, Integer> countPerKey(Connection db) throws SQLException {
    Map<String, Integer> out = new java.util.HashMap<>();
    try (PreparedStatement s = db.prepareStatement(
        "SELECT idempotency_key, count(*) FROM approvals WHERE idempotency_key LIKE 'load-%' GROUP BY 1");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getInt(2));
      }
    }
    return out;
  }

  /** Waits until every request is expired by the system; returns each one's lateness in ms, sorted. */
  private static List<Double> awaitExpiredByTimers(Set<String> ids, Duration max) {
    return Poll.until(() -> expiredLateness(ids), l -> l != null, max, "every request expired by the system");
  }

  /** Each request's lateness in ms, sorted, once every one is expired by the system; null before. */
  private static List<Double> expiredLateness(Set<String> ids) {
    try (Connection db = TestDb.jdbc(dbUrl); PreparedStatement s = db.prepareStatement(
        "SELECT status, decided_by, extract(epoch FROM decided_at - expires_at) * 1000 FROM approvals "
          + "WHERE id::text = ANY (?)")) {
      s.setArray(1, db.createArrayOf("text", ids.toArray()));
      List<Double> lateness = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          if (!"EXPIRED".equals(rs.getString(1))) {
            return null;
          }
          assertThat(rs.getString(2)).isEqualTo("system");
          lateness.add(rs.getDouble(3));
        }
      }
      if (lateness.size() != ids.size()) {
        return null;
      }
      lateness.sort(Double::compare);
      return lateness;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double percentile(List<Double> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  private static Map<String, Integer> countExpired(Connection db) throws SQLException {
    Map<String, Integer> out = new java.util.HashMap<>();
    try (PreparedStatement s = db.prepareStatement(
        "SELECT approval_id::text, count(*) FROM journal WHERE action = 'expired' GROUP BY 1");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getInt(2));
      }
    }
    return out;
  }

  /** Waits until a statement of the gateway waits for the row lock held by the test. */
  private static void awaitLockWaiter() throws SQLException {
    try (Connection db = TestDb.jdbc(dbUrl); Statement s = db.createStatement()) {
      Poll.until(() -> {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            + "AND datname = current_database()")) {
          rs.next();
          return rs.getInt(1) > 0;
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      }, LIVENESS, "a request of the gateway waiting for the row lock held by the test");
    }
  }

  private static void awaitRefused(int port, Duration max) {
    Poll.until(() -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return false;
      } catch (ConnectException e) {
        return true;
      } catch (IOException e) {
        // a reset or timeout is not yet a refusal; keep trying
        return false;
      }
    }, max, "port " + port + " refusing connections");
  }
}
