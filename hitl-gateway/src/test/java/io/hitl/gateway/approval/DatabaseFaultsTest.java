package io.hitl.gateway.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.MutableClock;
import io.hitl.gateway.support.PgProxy;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL faults while a gateway runs, each on a database of the test's own: every "cannot serve now"
 * is 503 SEC-099 with Retry-After (never 500), a 503 never hides a commit, and the gateway recovers when
 * the database comes back, without a restart.
 */
class DatabaseFaultsTest {
  private static final Map<String, String> SHORT_DEADLINE = Map.of("HITL_DB_DEADLINE_MS", "2000");

  @Test
  void aDatabaseThatRefusesConnectionsIsAnswered503UntilItAcceptsThemAgain() throws Exception {
    String url = TestDb.freshEmbedded();
    String db = database(url);
    try (TestGateway gw = TestGateway.start(url, SHORT_DEADLINE, new MutableClock())) {
      String engine = gw.token("engine-1", "submitter");
      String alice = gw.token("alice", "approver", "viewer");
      String admin = gw.token("ops", "admin");
      String pending = created(gw, engine, "before-1");
      String expiring = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("timeout_seconds", 60))
        .json().getString("request_id");

      admin(url, "ALTER DATABASE " + db + " ALLOW_CONNECTIONS false");
      admin(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db + "'");
      gw.clock.advance(Duration.ofSeconds(120));
      List<Response> answers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        answers.add(gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade(),
          Map.of("Idempotency-Key", "down-" + i)));
        answers.add(gw.call("GET", "/api/v1/approvals?status=pending", alice, null));
        answers.add(gw.call("GET", "/api/v1/approvals/" + pending, alice, null));
        answers.add(gw.call("POST", "/api/v1/approvals/" + pending + "/approve", alice, null));
        answers.add(gw.call("POST", "/api/v1/approvals/cleanup", admin, null));
      }
      for (Response r : answers) {
        assertThat(r.status()).as(r.body()).isEqualTo(503);
        assertThat(r.json().getString("code")).isEqualTo("SEC-099");
        assertThat(r.header("Retry-After")).isNotNull();
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
      }

      admin(url, "ALTER DATABASE " + db + " ALLOW_CONNECTIONS true");
      Response back = untilServed(() -> gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade(),
        Map.of("Idempotency-Key", "down-0")));
      assertThat(back.status()).as("the 503'd create had not committed, so its retry creates it").isEqualTo(201);
      assertThat(untilServed(() -> gw.call("POST", "/api/v1/approvals/" + pending + "/approve", alice, null)).status())
        .isEqualTo(200);
      assertThat(untilServed(() -> gw.call("POST", "/api/v1/approvals/cleanup", admin, null)).status()).isEqualTo(200);
      assertThat(gw.call("GET", "/api/v1/approvals/" + expiring, alice, null).json().getString("status"))
        .isEqualTo("expired");
      assertThat(gw.call("GET", "/readyz", null, null).status()).isEqualTo(200);
    }
  }

  @Test
  void terminatedBackendsDuringCreatesAreNever500AndNo503HidesACommit() throws Exception {
    String url = TestDb.freshEmbedded();
    String db = database(url);
    try (TestGateway gw = TestGateway.start(url, SHORT_DEADLINE, new MutableClock())) {
      String engine = gw.token("engine-1", "submitter");
      List<CompletableFuture<Response>> calls = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        calls.add(gw.callAsync("POST", "/api/v1/approvals/trade", engine, TestGateway.trade(),
          Map.of("Idempotency-Key", "term-" + i)));
        if (i % 15 == 5) {
          admin(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db + "'");
        }
      }
      List<String> refused = answeredWithout500(calls, "term-");
      assertNoneCommitted(gw, url, refused);
      assertThat(untilServed(() -> gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade())).status())
        .isEqualTo(201);
    }
  }

  @Test
  void aBlackHoleAnswers503Or504AndEvery503dCreateDidNotCommit() throws Exception {
    String server = TestDb.freshEmbedded();
    URI u = URI.create(server);
    try (PgProxy proxy = PgProxy.start(u.getHost(), u.getPort());
        TestGateway gw = TestGateway.start(proxy.url(database(server)), SHORT_DEADLINE, new MutableClock())) {
      String engine = gw.token("engine-1", "submitter");
      List<CompletableFuture<Response>> calls = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        calls.add(gw.callAsync("POST", "/api/v1/approvals/trade", engine, TestGateway.trade(),
          Map.of("Idempotency-Key", "hole-" + i)));
        if (i == 8) {
          proxy.blackHole();
        }
      }
      List<String> refused = answeredWithout500(calls, "hole-");
      assertThat(refused).isNotEmpty();
      proxy.pass();
      // the held bytes arrive now: transactions whose caller was told 503 resume, find their gate closed and roll back
      assertNoneCommitted(gw, server, refused);

      proxy.refuse();
      Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade());
      assertThat(r.status()).as(r.body()).isEqualTo(503);
      assertThat(r.header("Retry-After")).isNotNull();
      proxy.pass();
      assertThat(untilServed(() -> gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade())).status())
        .isEqualTo(201);
    }
  }

  /** Every call answered 201, 503 SEC-099 with Retry-After or 504 SEC-098; the keys of the 503s. */
  private static List<String> answeredWithout500(List<CompletableFuture<Response>> calls, String prefix) {
    List<String> refused = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      Response r = calls.get(i).join();
      assertThat(r.status()).as(r.body()).isIn(201, 503, 504);
      if (r.status() == 503) {
        assertThat(r.json().getString("code")).isEqualTo("SEC-099");
        assertThat(r.header("Retry-After")).isNotNull();
        refused.add(prefix + i);
      } else if (r.status() == 504) {
        assertThat(r.json().getString("code")).isEqualTo("SEC-098");
      }
    }
    return refused;
  }

  private static void assertNoneCommitted(TestGateway gw, String url, List<String> keys) throws Exception {
    untilServed(() -> gw.call("GET", "/readyz", null, null));
    // proves that nothing commits late: a stalled transaction has its deadline and the server's idle bound to end
    Thread.sleep(3000);
    try (Connection c = TestDb.jdbc(url); Statement s = c.createStatement()) {
      for (String key : keys) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM approvals WHERE idempotency_key = '" + key + "'")) {
          rs.next();
          assertThat(rs.getLong(1)).as("create %s was answered 503 but committed", key).isZero();
        }
      }
    }
  }

  private static Response untilServed(java.util.function.Supplier<Response> call) throws InterruptedException {
    Response r = call.get();
    for (int i = 0; i < 100 && (r.status() == 503 || r.status() == 504); i++) {
      Thread.sleep(100);
      r = call.get();
    }
    return r;
  }

  private static String created(TestGateway gw, String token, String key) {
    Response r = gw.call("POST", "/api/v1/approvals/trade", token, TestGateway.trade(), Map.of("Idempotency-Key", key));
    assertThat(r.status()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  private static String database(String url) {
    return URI.create(url).getPath().substring(1);
  }

  /** A statement on the server's maintenance database, which stays reachable while the test's own is refused. */
  private static void admin(String url, String sql) throws Exception {
    URI u = URI.create(url);
    try (Connection c = TestDb.jdbc(u.getScheme() + "://postgres@" + u.getHost() + ":" + u.getPort() + "/postgres");
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
