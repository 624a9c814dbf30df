package io.hitl.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.MutableClock;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rate limits on two gateways sharing one database and one (frozen) clock: the buckets live in PostgreSQL,
 * so a burst split across the nodes is limited as a whole. The clock only moves when a test moves it, so
 * refills and Retry-After values are exact. Each test uses its own caller and its own client address
 * (X-Forwarded-For from the trusted proxy 127.0.0.1), so no test drains another's buckets.
 */
class RateLimitTest {
  static final Map<String, String> SETTINGS = Map.of(
    "HITL_RATE_LIMIT_PER_CALLER", "2",
    "HITL_RATE_LIMIT_PER_IP", "4",
    "HITL_RATE_LIMIT_BURST", "4",
    "HITL_TRUSTED_PROXIES", "127.0.0.1");
  static final Pattern LIMITED =
    Pattern.compile("hitl_rate_limited_total\\{[^}]*scope=\"(caller|ip)\"[^}]*} ([0-9.]+)");
  static MutableClock clock;
  static String db;
  static TestGateway gw1;
  static TestGateway gw2;

  @BeforeAll
  static void start() {
    clock = new MutableClock();
    db = TestDb.freshEmbedded();
    gw1 = TestGateway.start(db, SETTINGS, clock);
    gw2 = TestGateway.start(db, SETTINGS, clock);
  }

  @AfterAll
  static void stop() {
    gw2.close();
    gw1.close();
  }

  @Test
  void aConcurrentBurstSplitAcrossTwoNodesGetsExactlyTheBurstThroughAndTheRestIsRefused() throws Exception {
    String engine = gw1.token("engine-burst", "submitter");
    Map<String, String> from = Map.of("X-Forwarded-For", "198.51.100.1");
    List<CompletableFuture<Response>> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      TestGateway node = i % 2 == 0 ? gw1 : gw2;
      calls.add(node.callAsync("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("ticker", "BURST.T"),
        from));
    }
    List<Response> responses = new ArrayList<>();
    for (CompletableFuture<Response> c : calls) {
      responses.add(c.get());
    }
    assertThat(responses.stream().filter(r -> r.status() == 201).count()).isEqualTo(4);
    List<Response> refused = responses.stream().filter(r -> r.status() == 429).toList();
    assertThat(refused).hasSize(6);
    for (Response r : refused) {
      assertThat(r.header("Content-Type")).startsWith("application/problem+json");
      assertThat(r.json().getString("code")).isEqualTo("SEC-060");
      // two a minute: the next token comes in 30 s on the frozen clock
      assertThat(r.header("Retry-After")).isEqualTo("30");
      assertThat(r.json().getLong("retry_after_seconds")).isEqualTo(30L);
    }
    assertThat(approvalsOf("engine-burst")).isEqualTo(4);
  }

  @Test
  void theBucketIsOneAcrossNodesAndRefillsWithTheClock() {
    String engine = gw1.token("engine-seq", "submitter");
    Map<String, String> from = Map.of("X-Forwarded-For", "198.51.100.2");
    assertThat(create(gw1, engine, from).status()).isEqualTo(201);
    assertThat(create(gw2, engine, from).status()).isEqualTo(201);
    assertThat(create(gw1, engine, from).status()).isEqualTo(201);
    assertThat(create(gw2, engine, from).status()).isEqualTo(201);
    Response onFirst = create(gw1, engine, from);
    assertThat(onFirst.status()).isEqualTo(429);
    assertThat(onFirst.header("Retry-After")).isEqualTo("30");
    assertThat(create(gw2, engine, from).status()).isEqualTo(429);

    clock.advance(Duration.ofSeconds(20));
    Response early = create(gw2, engine, from);
    assertThat(early.status()).isEqualTo(429);
    assertThat(early.header("Retry-After")).isEqualTo("10");

    clock.advance(Duration.ofSeconds(10));
    assertThat(create(gw2, engine, from).status()).isEqualTo(201);
    assertThat(create(gw1, engine, from).status()).isEqualTo(429);
    assertThat(approvalsOf("engine-seq")).isEqualTo(5);
  }

  @Test
  void aRefusedDecisionLeavesTheRequestPending() {
    String engine = gw1.token("engine-for-decisions", "submitter");
    String alice = gw1.token("alice-limited", "approver");
    Map<String, String> engineFrom = Map.of("X-Forwarded-For", "198.51.100.3");
    Map<String, String> aliceFrom = Map.of("X-Forwarded-For", "198.51.100.4");
    Response created = create(gw1, engine, engineFrom);
    assertThat(created.status()).isEqualTo(201);
    String id = created.json().getString("request_id");
    for (int i = 0; i < 4; i++) {
      TestGateway node = i % 2 == 0 ? gw1 : gw2;
      Response missing = node.call("POST", "/api/v1/approvals/" + UUID.randomUUID() + "/reject", alice,
        Map.of("reason", "no such request"), aliceFrom);
      assertThat(missing.status()).isEqualTo(404);
    }
    Response approve = gw2.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of(), aliceFrom);
    assertThat(approve.status()).isEqualTo(429);
    assertThat(approve.json().getString("code")).isEqualTo("SEC-060");
    Response bulk = gw1.call("POST", "/api/v1/approvals/bulk-decision", alice,
      Map.of("ids", List.of(id), "decision", "approve"), aliceFrom);
    assertThat(bulk.status()).isEqualTo(429);
    Response cancel = gw1.call("DELETE", "/api/v1/approvals/" + id, gw1.token("alice-limited", "submitter"), null,
      aliceFrom);
    assertThat(cancel.status()).isEqualTo(429);
    assertThat(gw1.call("GET", "/api/v1/approvals/" + id, alice, null, aliceFrom).json().getString("status"))
      .isEqualTo("pending");
  }

  @Test
  void oneClientAddressIsLimitedWhateverTheCallerAndCountedAsIp() {
    Map<String, String> from = Map.of("X-Forwarded-For", "203.0.113.7");
    double before = limited(gw2, "ip");
    for (int i = 0; i < 4; i++) {
      assertThat(create(gw1, gw1.token("engine-ip-" + i, "submitter"), from).status()).isEqualTo(201);
    }
    Response refused = create(gw2, gw1.token("engine-ip-4", "submitter"), from);
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.json().getString("scope")).isEqualTo("ip");
    // four a minute: 15 s to the next token
    assertThat(refused.header("Retry-After")).isEqualTo("15");
    assertThat(limited(gw2, "ip")).isEqualTo(before + 1);
    // the proxy reports another client: its own bucket
    assertThat(create(gw2, gw1.token("engine-ip-4", "submitter"), Map.of("X-Forwarded-For", "203.0.113.8"))
      .status()).isEqualTo(201);
  }

  @Test
  void oneCallerIsLimitedFromEveryAddressAndCountedAsCaller() {
    String engine = gw1.token("engine-roaming", "submitter");
    double before = limited(gw1, "caller");
    for (int i = 0; i < 4; i++) {
      assertThat(create(i % 2 == 0 ? gw1 : gw2, engine, Map.of("X-Forwarded-For", "192.0.2." + (10 + i))).status())
        .isEqualTo(201);
    }
    Response refused = create(gw1, engine, Map.of("X-Forwarded-For", "192.0.2.20"));
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.json().getString("scope")).isEqualTo("caller");
    assertThat(limited(gw1, "caller")).isEqualTo(before + 1);
  }

  @Test
  void readsAndHealthAreNotLimited() {
    String viewer = gw1.token("viewer-busy", "viewer");
    Map<String, String> from = Map.of("X-Forwarded-For", "198.51.100.9");
    for (int i = 0; i < 12; i++) {
      assertThat(gw1.call("GET", "/api/v1/approvals?limit=1", viewer, null, from).status()).isEqualTo(200);
      assertThat(gw2.call("GET", "/healthz", null, null, from).status()).isEqualTo(200);
    }
  }

  @Test
  void purgingDropsOnlyBucketsThatHaveRefilledSoNoLimitIsForgotten() {
    String engine = gw1.token("engine-purge", "submitter");
    Map<String, String> from = Map.of("X-Forwarded-For", "198.51.100.10");
    for (int i = 0; i < 4; i++) {
      assertThat(create(gw1, engine, from).status()).isEqualTo(201);
    }
    RateLimitPurge purge = new RateLimitPurge(gw1.gateway.config(), gw1.gateway.pool(), clock);
    long idle = RateLimitPurge.fullAfterMs(gw1.gateway.config());
    // four tokens at two a minute: full again after two minutes
    assertThat(idle).isEqualTo(120_000);
    await(purge.purge(idle));
    assertThat(bucketExists("c:engine-purge")).isTrue();
    assertThat(create(gw2, engine, from).status()).isEqualTo(429);

    clock.advance(Duration.ofMillis(idle - 1000));
    await(purge.purge(idle));
    assertThat(bucketExists("c:engine-purge")).isTrue();
    clock.advance(Duration.ofMillis(1001));
    await(purge.purge(idle));
    assertThat(bucketExists("c:engine-purge")).isFalse();
    for (int i = 0; i < 4; i++) {
      assertThat(create(gw2, engine, from).status()).isEqualTo(201);
    }
    assertThat(create(gw1, engine, from).status()).isEqualTo(429);
  }

  private static <T> T await(io.vertx.core.Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean bucketExists(String key) {
    try (Connection c = TestDb.jdbc(db);
         PreparedStatement s = c.prepareStatement("SELECT count(*) FROM rate_limit_buckets WHERE bucket_key = ?")) {
      s.setString(1, key);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1) == 1;
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Response create(TestGateway node, String token, Map<String, String> headers) {
    return node.call("POST", "/api/v1/approvals/trade", token, TestGateway.trade(), headers);
  }

  private static int approvalsOf(String subject) throws RuntimeException {
    try (Connection c = TestDb.jdbc(db);
         PreparedStatement s = c.prepareStatement("SELECT count(*) FROM approvals WHERE requested_by = ?")) {
      s.setString(1, subject);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double limited(TestGateway node, String scope) {
    Response r = node.call("GET", "/metrics", null, null);
    assertThat(r.status()).isEqualTo(200);
    Matcher m = LIMITED.matcher(r.body());
    while (m.find()) {
      if (m.group(1).equals(scope)) {
        return Double.parseDouble(m.group(2));
      }
    }
    throw new AssertionError("no hitl_rate_limited_total for scope " + scope + " in /metrics");
  }
}
