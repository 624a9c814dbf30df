package io.hitl.gateway.pretrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One node with two approval verticles, each committing its creates in group-commit batches whose gate
 * statements are pipelined with the trading guards': a change of a batch that finds a window key held by the
 * other verticle's transaction waits for it (at most the batch's lock time-out, then it runs again alone). With
 * many creates of a few strategies at once, every create is answered 201 and each strategy's window admits
 * exactly its cap, the rest becoming limit-override requests.
 */
class RollingCapBatchRaceTest {
  static final int CAP = 6;
  static final int STRATEGIES = 3;
  static final int ORDERS = 150;
  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(TestDb.freshEmbedded(), Map.of("HITL_APPROVAL_INSTANCES", "2",
      "HITL_GROUP_COMMIT_MAX", "32"));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void createsOfFewStrategiesFromTwoVerticlesAdmitExactlyEachCap() throws Exception {
    JsonObject limits = new JsonObject().put("rolling", new JsonArray().add(new JsonObject().put("per", "strategy")
      .put("window_seconds", 3600).put("max_orders", CAP)))
      .put("override", new JsonObject().put("approvers", new JsonObject().put("users", new JsonArray().add("risk-1"))));
    JsonObject document = new JsonObject().put("policies", new JsonArray().add(new JsonObject().put("name", "capped")
      .put("match", new JsonObject().put("tickers", new JsonArray().add("BATCH"))).put("limits", limits)))
      .put("default", new JsonObject());
    TestGateway.Response saved = gw.call("PUT", "/api/v1/policies", gw.token("ops-admin", "admin"), document);
    assertThat(saved.status()).as(saved.body()).isEqualTo(201);

    String engine = gw.token("engine-1", "submitter");
    List<CompletableFuture<TestGateway.Response>> all = new ArrayList<>();
    for (int i = 0; i < ORDERS; i++) {
      JsonObject trade = new JsonObject().put("ticker", "BATCH").put("action", "BUY").put("quantity", i + 1)
        .put("price", "10").put("strategy", "s-" + (i % STRATEGIES)).put("account", "acct-" + i)
        .put("trade_id", "batch-" + i);
      all.add(gw.callAsync("POST", "/api/v1/approvals/trade", engine, trade, Map.of()));
    }
    CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(120, TimeUnit.SECONDS);
    Map<String, Integer> admitted = new HashMap<>();
    int overrides = 0;
    for (CompletableFuture<TestGateway.Response> f : all) {
      TestGateway.Response r = f.get();
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      if (r.json().containsKey("limit_override")) {
        overrides++;
      } else {
        admitted.merge(r.json().getJsonObject("context").getString("strategy"), 1, Integer::sum);
      }
    }
    assertThat(admitted).as("admitted per strategy").containsOnlyKeys("s-0", "s-1", "s-2")
      .allSatisfy((k, n) -> assertThat(n).isEqualTo(CAP));
    assertThat(overrides).isEqualTo(ORDERS - CAP * STRATEGIES);
    try (Connection c = TestDb.jdbc(gw.dbUrl); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT strategy_key, count(*) FROM pretrade_orders GROUP BY 1 ORDER BY 1")) {
      int keys = 0;
      while (rs.next()) {
        keys++;
        assertThat(rs.getLong(2)).as(rs.getString(1)).isEqualTo(CAP);
      }
      assertThat(keys).isEqualTo(STRATEGIES);
    }
  }
}
