package io.hitl.gateway.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.BusActor;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.MutableClock;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Timers that fall due together are applied as one batch (issue 14): every request gets exactly what is
 * due, once; a row that does not match its journal among them is rejected on its own (SEC-080) without
 * failing the others; two nodes applying the same batch at once still expire each request once (SPEC I1, I4).
 */
class BatchedExpiryTest {
  static final MutableClock clock = new MutableClock();
  @RegisterExtension
  static final GatewayExtension nodeA = GatewayExtension.embedded().clock(clock)
    .with("HITL_EXPIRY_SWEEP_SECONDS", "3600");
  @RegisterExtension
  static final GatewayExtension nodeB = GatewayExtension.alongside(nodeA).clock(clock)
    .with("HITL_EXPIRY_SWEEP_SECONDS", "3600");
  static final String engine = nodeA.token("engine-1", "submitter");

  @Test
  void manyTimersDueTogetherAreEachAppliedOnceAndATamperedRowAmongThemIsRejectedAlone() {
    List<String> expire = create(250, Map.of());
    List<String> approve = create(50, Map.of("timeout_action", "approve"));
    String tampered = expire.remove(100);
    ExpiryTesting.sql(nodeA.dbUrl(), "UPDATE approvals SET context = jsonb_set(context, '{quantity}', '\"100000\"') "
      + "WHERE id = ?::uuid", tampered);
    List<String> all = new ArrayList<>(List.of(tampered));
    all.addAll(expire);
    all.addAll(approve);
    JsonObject before = ExpiryTesting.sweep(nodeA.get());

    clock.advance(Duration.ofSeconds(61));
    JsonObject after = ExpiryTesting.sweep(nodeA.get());

    assertThat(after.getInteger("fired")).isEqualTo(all.size());
    assertThat(after.getLong("ticks") - before.getLong("ticks")).isEqualTo(all.size());
    assertThat(after.getLong("messages") - before.getLong("messages")).as("messages for 301 timers due together")
      .isEqualTo(2);
    assertThat(after.getInteger("armed")).isZero();
    assertThat(after.getLong("retries")).isEqualTo(before.getLong("retries"));

    Map<String, String> statuses = ExpiryTesting.statuses(nodeA.dbUrl(), all);
    Map<String, Integer> expired = ExpiryTesting.journalCounts(nodeA.dbUrl(), all, "expired");
    Map<String, Integer> approved = ExpiryTesting.journalCounts(nodeA.dbUrl(), all, "approved");
    Map<String, Integer> failed = ExpiryTesting.journalCounts(nodeA.dbUrl(), all, "integrity_failure");
    expire.forEach(id -> {
      assertThat(statuses.get(id)).as(id).isEqualTo("EXPIRED");
      assertThat(List.of(expired.get(id), approved.get(id), failed.get(id))).as(id).containsExactly(1, 0, 0);
    });
    approve.forEach(id -> {
      assertThat(statuses.get(id)).as(id).isEqualTo("APPROVED");
      assertThat(List.of(expired.get(id), approved.get(id), failed.get(id))).as(id).containsExactly(0, 1, 0);
    });
    assertThat(statuses.get(tampered)).isEqualTo("REJECTED");
    assertThat(List.of(expired.get(tampered), approved.get(tampered), failed.get(tampered))).containsExactly(0, 0, 1);
    assertThat(reason(tampered)).isEqualTo("INTEGRITY_FAILURE");
    assertThat(ExpiryTesting.latenessMillis(nodeA.dbUrl(), expire).get(0)).isGreaterThanOrEqualTo(0);

    // the same timers again find nothing due and write nothing: the rejected row is now the one its journal wrote
    JsonArray again = expireDue(nodeA.get(), all.subList(0, 256)).getJsonArray("results").copy()
      .addAll(expireDue(nodeA.get(), all.subList(256, all.size())).getJsonArray("results"));
    assertThat(again.size()).isEqualTo(all.size());
    for (int i = 0; i < again.size(); i++) {
      JsonObject r = again.getJsonObject(i);
      assertThat(r.getString("request_id")).isEqualTo(all.get(i));
      assertThat(r.getString("outcome")).as(r.encode()).isEqualTo("none");
      assertThat(r.getString("status")).isEqualTo(statuses.get(all.get(i)).toLowerCase(java.util.Locale.ROOT));
    }
    assertThat(ExpiryTesting.journalCounts(nodeA.dbUrl(), all, "expired")).isEqualTo(expired);
    assertThat(ExpiryTesting.journalCounts(nodeA.dbUrl(), all, "approved")).isEqualTo(approved);
  }

  @Test
  void twoNodesApplyingTheSameTimersAtOnceExpireEachRequestOnce() throws Exception {
    List<String> ids = create(200, Map.of());
    clock.advance(Duration.ofSeconds(61));
    List<String> reversed = new ArrayList<>(ids);
    Collections.reverse(reversed);

    CompletableFuture<JsonObject> onA = expireDueAsync(nodeA.get(), ids);
    CompletableFuture<JsonObject> onB = expireDueAsync(nodeB.get(), reversed);
    List<JsonObject> results = new ArrayList<>();
    onA.get(60, TimeUnit.SECONDS).getJsonArray("results").forEach(r -> results.add((JsonObject) r));
    onB.get(60, TimeUnit.SECONDS).getJsonArray("results").forEach(r -> results.add((JsonObject) r));

    Map<String, Integer> reportedExpired = new HashMap<>();
    for (JsonObject r : results) {
      assertThat(r.getString("code")).as(r.encode()).isNull();
      assertThat(r.getString("status")).as(r.encode()).isEqualTo("expired");
      if ("expired".equals(r.getString("outcome"))) {
        reportedExpired.merge(r.getString("request_id"), 1, Integer::sum);
      } else {
        assertThat(r.getString("outcome")).as(r.encode()).isEqualTo("none");
      }
    }
    assertThat(results).hasSize(2 * ids.size());
    assertThat(reportedExpired.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(reportedExpired.values()).containsOnly(1);
    assertThat(ExpiryTesting.statuses(nodeA.dbUrl(), ids).values()).containsOnly("EXPIRED");
    assertThat(ExpiryTesting.journalCounts(nodeA.dbUrl(), ids, "expired").values()).containsOnly(1);
    // node A's own timers for these requests find them decided
    ExpiryTesting.sweep(nodeA.get());
    assertThat(ExpiryTesting.journalCounts(nodeA.dbUrl(), ids, "expired").values()).containsOnly(1);
  }

  private static List<String> create(int n, Map<String, Object> extra) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      JsonObject body = TestGateway.trade().put("timeout_seconds", 60);
      extra.forEach(body::put);
      ids.add(nodeA.call("POST", "/api/v1/approvals/trade", engine, body).json().getString("request_id"));
    }
    return ids;
  }

  private static String reason(String id) {
    String[] r = new String[1];
    ExpiryTesting.query(nodeA.dbUrl(), "SELECT decision_reason FROM approvals WHERE id = ANY(?)", List.of(id),
      rs -> r[0] = rs.getString(1));
    return r[0];
  }

  private static JsonObject expireDue(TestGateway gw, List<String> ids) {
    try {
      return expireDueAsync(gw, ids).get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static CompletableFuture<JsonObject> expireDueAsync(TestGateway gw, List<String> ids) {
    return gw.gateway.vertx().eventBus().<JsonObject>request(Addresses.APPROVALS_EXPIRE,
        new JsonObject().put("request_ids", new JsonArray(new ArrayList<Object>(ids))),
        BusActor.options(Actor.SYSTEM, null).setSendTimeout(60_000))
      .map(m -> m.body()).toCompletionStage().toCompletableFuture();
  }
}
