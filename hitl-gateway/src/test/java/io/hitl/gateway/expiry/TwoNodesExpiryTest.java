package io.hitl.gateway.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two gateway instances on one database. Events are forwarded between their buses the way the clustered
 * event bus delivers them, so each arms a timer for every request; both fire and each request still
 * expires exactly once. A node that dies leaves its requests to the others' timers, or to their
 * safety-net sweep when they never heard of them.
 */
class TwoNodesExpiryTest {
  // only fails a hung run: every request is due within seconds
  static final Duration LIVENESS = Duration.ofSeconds(60);
  @RegisterExtension
  static final GatewayExtension nodeA = GatewayExtension.embedded().with("HITL_EXPIRY_SWEEP_SECONDS", "3600");
  @RegisterExtension
  static final GatewayExtension nodeB = GatewayExtension.alongside(nodeA).with("HITL_EXPIRY_SWEEP_SECONDS", "1");
  static String db;
  static TestGateway a;
  static TestGateway b;

  @BeforeAll
  static void bridge() {
    db = nodeA.dbUrl();
    a = nodeA.get();
    b = nodeB.get();
    ExpiryTesting.bridge(a, b);
    ExpiryTesting.bridge(b, a);
  }

  @Test
  void bothNodesFireEveryTimerAndNoRequestExpiresTwice() throws Exception {
    long ticksA = ExpiryTesting.sweep(a).getLong("ticks");
    long ticksB = ExpiryTesting.sweep(b).getLong("ticks");
    List<String> ids = create(a, 200, 2);
    ExpiryTesting.awaitDecided(db, ids, LIVENESS);
    // a request's second timer may still be due or under way: the count is final once neither node holds one
    ExpiryTesting.awaitNoTimers(a, LIVENESS);
    ExpiryTesting.awaitNoTimers(b, LIVENESS);

    assertThat(ExpiryTesting.statuses(db, ids).values()).containsOnly("EXPIRED");
    assertThat(ExpiryTesting.journalCounts(db, ids, "expired").values()).containsOnly(1);
    long firedA = ExpiryTesting.sweep(a).getLong("ticks") - ticksA;
    long firedB = ExpiryTesting.sweep(b).getLong("ticks") - ticksB;
    List<Double> lateness = ExpiryTesting.latenessMillis(db, ids);
    System.out.println("two nodes: " + firedA + " + " + firedB + " timer ticks for " + ids.size() + " requests, lateness: "
      + ExpiryTesting.distribution(lateness));
    assertThat(firedA).as("node A fired").isPositive();
    assertThat(firedB).as("node B fired").isPositive();
    assertThat(firedA + firedB).as("requests whose timer fired on both nodes").isGreaterThan(ids.size());
    assertThat(lateness.get(0)).isGreaterThanOrEqualTo(0);
  }

  @Test
  void requestsOfANodeThatDiesExpireOnTheOthersNeverEarlyAndOnlyOnce() throws Exception {
    TestGateway creator = TestGateway.start(db, Map.of("HITL_EXPIRY_SWEEP_SECONDS", "3600"));
    TestGateway unheard = TestGateway.start(db, Map.of("HITL_EXPIRY_SWEEP_SECONDS", "3600"));
    ExpiryTesting.bridge(creator, b);
    List<String> unknown = create(unheard, 10, 4);
    unheard.close();
    List<String> heard = create(creator, 30, 2);
    creator.close();

    ExpiryTesting.awaitDecided(db, heard, LIVENESS);
    ExpiryTesting.awaitDecided(db, unknown, LIVENESS);
    List<String> all = new ArrayList<>(heard);
    all.addAll(unknown);
    assertThat(ExpiryTesting.statuses(db, all).values()).containsOnly("EXPIRED");
    assertThat(ExpiryTesting.journalCounts(db, all, "expired").values()).containsOnly(1);

    List<Double> timers = ExpiryTesting.latenessMillis(db, heard);
    List<Double> sweep = ExpiryTesting.latenessMillis(db, unknown);
    System.out.println("creator died, other node's timers: " + ExpiryTesting.distribution(timers));
    System.out.println("creator died, never announced, safety net: " + ExpiryTesting.distribution(sweep));
    assertThat(timers.get(0)).as("timers never early").isGreaterThanOrEqualTo(0);
    assertThat(sweep.get(0)).as("the safety net waits out its grace").isGreaterThanOrEqualTo(1000);
  }

  private static List<String> create(TestGateway gw, int n, int timeoutSeconds) throws Exception {
    String engine = gw.token("engine-1", "submitter");
    List<CompletableFuture<Response>> fs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      fs.add(gw.callAsync("POST", "/api/v1/approvals/trade", engine,
        TestGateway.trade().put("timeout_seconds", timeoutSeconds), Map.of()));
      if (fs.size() % 16 == 0) {
        fs.get(fs.size() - 1).get(10, TimeUnit.SECONDS);
      }
    }
    List<String> ids = new ArrayList<>();
    for (CompletableFuture<Response> f : fs) {
      Response r = f.get(10, TimeUnit.SECONDS);
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      ids.add(r.json().getString("request_id"));
    }
    return ids;
  }
}
