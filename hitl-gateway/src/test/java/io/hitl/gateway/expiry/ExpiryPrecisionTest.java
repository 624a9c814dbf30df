package io.hitl.gateway.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Thousands of real timers, each expiring its request: none early, none twice, every one in the end, and
 * the lateness distribution reported. How late is the machine's business: bench/ measures it (expiry phase).
 */
class ExpiryPrecisionTest {
  private static final int REQUESTS = 2000;
  // only fails a hung run: every timer is due within seconds, and the sweep is too far off to stand in
  private static final Duration LIVENESS = Duration.ofSeconds(120);
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded().with("HITL_EXPIRY_SWEEP_SECONDS", "3600");

  @Test
  void thousandsOfTimersExpireOnTimeNeverEarlyAndOnlyOnce(TestReporter reporter) throws Exception {
    String engine = gw.token("engine-1", "submitter");
    Random random = new Random(11);
    Semaphore inFlight = new Semaphore(16);
    List<CompletableFuture<Response>> creates = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      inFlight.acquire();
      creates.add(gw.callAsync("POST", "/api/v1/approvals/trade", engine,
          TestGateway.trade().put("timeout_seconds", 3 + random.nextInt(4)), Map.of())
        .whenComplete((r, t) -> inFlight.release()));
    }
    List<String> ids = new ArrayList<>();
    for (CompletableFuture<Response> f : creates) {
      Response r = f.get(30, TimeUnit.SECONDS);
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      ids.add(r.json().getString("request_id"));
    }
    ExpiryTesting.awaitDecided(gw.dbUrl(), ids, LIVENESS);

    assertThat(ExpiryTesting.statuses(gw.dbUrl(), ids).values()).containsOnly("EXPIRED");
    assertThat(ExpiryTesting.journalCounts(gw.dbUrl(), ids, "expired").values()).containsOnly(1);
    List<Double> lateness = ExpiryTesting.latenessMillis(gw.dbUrl(), ids);
    String report = ExpiryTesting.distribution(lateness);
    reporter.publishEntry("expiry lateness", report);
    System.out.println("expiry lateness over " + REQUESTS + " timers: " + report);
    assertThat(lateness).hasSize(REQUESTS);
    assertThat(lateness.get(0)).as("never early").isGreaterThanOrEqualTo(0);
  }
}
