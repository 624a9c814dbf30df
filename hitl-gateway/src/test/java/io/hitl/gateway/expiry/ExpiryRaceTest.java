package io.hitl.gateway.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A decision and the expiry timer arriving at the deadline together still give exactly one outcome (SPEC I1, I4). */
class ExpiryRaceTest {
  private static final int REQUESTS = 60;
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded().with("HITL_EXPIRY_SWEEP_SECONDS", "3600");

  @Test
  void aDecisionRacingTheTimerAtTheDeadlineYieldsExactlyOneOutcome() throws Exception {
    String engine = gw.token("engine-1", "submitter");
    String alice = gw.token("alice", "approver");
    String admin = gw.token("ops", "admin");
    Map<String, Instant> deadlines = new LinkedHashMap<>();
    for (int i = 0; i < REQUESTS; i++) {
      JsonObject a = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("timeout_seconds", 2))
        .json();
      deadlines.put(a.getString("request_id"), Instant.parse(a.getString("expires_at")));
    }
    ScheduledExecutorService at = Executors.newScheduledThreadPool(4);
    Random random = new Random(7);
    Map<String, CompletableFuture<Response>> decisions = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, Instant> e : deadlines.entrySet()) {
        long offsetMicros = random.nextInt(40_000) - 30_000;
        long delay = Duration.between(Instant.now(), e.getValue()).toNanos() / 1000 + offsetMicros;
        CompletableFuture<Response> f = new CompletableFuture<>();
        at.schedule(() -> gw.callAsync("POST", "/api/v1/approvals/" + e.getKey() + "/approve", alice, null, Map.of())
          .whenComplete((r, t) -> {
            if (t != null) {
              f.completeExceptionally(t);
            } else {
              f.complete(r);
            }
          }), Math.max(0, delay), TimeUnit.MICROSECONDS);
        decisions.put(e.getKey(), f);
      }
      CompletableFuture.allOf(decisions.values().toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    } finally {
      at.shutdownNow();
    }
    ExpiryTesting.awaitDecided(gw.dbUrl(), deadlines.keySet(), Duration.ofSeconds(10));

    Map<String, Integer> expired = ExpiryTesting.journalCounts(gw.dbUrl(), deadlines.keySet(), "expired");
    Map<String, Integer> approved = ExpiryTesting.journalCounts(gw.dbUrl(), deadlines.keySet(), "approved");
    int won = 0;
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, CompletableFuture<Response>> e : decisions.entrySet()) {
      String id = e.getKey();
      Response r = e.getValue().get();
      JsonObject a = gw.call("GET", "/api/v1/approvals/" + id, admin, null).json();
      Instant decidedAt = Instant.parse(a.getString("decided_at"));
      if (expired.get(id) + approved.get(id) != 1) {
        problems.add(id + " has " + expired.get(id) + " expired and " + approved.get(id) + " approved entries");
      }
      if (r.status() == 200) {
        won++;
        assertThat(a.getString("status")).isEqualTo("approved");
        assertThat(decidedAt).isBefore(deadlines.get(id));
      } else {
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.json().getString("code")).isEqualTo("SEC-013");
        assertThat(a.getString("status")).isEqualTo("expired");
        assertThat(decidedAt).isAfterOrEqualTo(deadlines.get(id));
      }
    }
    System.out.printf("decision vs timer at the deadline: %d decisions won, %d timers won%n", won, REQUESTS - won);
    assertThat(problems).isEmpty();
  }
}
