package io.hitl.gateway.pretrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.NodeCluster;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateway nodes (separate JVMs, one PostgreSQL) take creates of one strategy at the same moment
 * through the real HTTP create path: between them they admit exactly the rolling cap, and every order
 * above it becomes a limit-override request instead.
 */
class RollingCapClusterRaceTest {
  static final int CAP = 5;
  static final int ORDERS = 30;
  static String dbUrl;
  static NodeCluster cluster;

  @BeforeAll
  static void start() {
    dbUrl = TestDb.freshEmbedded();
    cluster = NodeCluster.start(2, dbUrl, Map.of());
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void twoNodesAdmitExactlyTheRollingCapAndTurnTheRestIntoOverrideRequests() throws Exception {
    JsonObject limits = new JsonObject().put("rolling", new JsonArray().add(new JsonObject().put("per", "strategy")
      .put("window_seconds", 3600).put("max_orders", CAP)))
      .put("override", new JsonObject().put("approvers", new JsonObject().put("users", new JsonArray().add("risk-1"))));
    JsonObject document = new JsonObject().put("policies", new JsonArray().add(new JsonObject().put("name", "capped")
      .put("match", new JsonObject().put("tickers", new JsonArray().add("RACE"))).put("limits", limits)))
      .put("default", new JsonObject());
    TestGateway.Response saved = cluster.node(0).call("PUT", "/api/v1/policies", cluster.token("ops-admin", "admin"),
      document);
    assertThat(saved.status()).as(saved.body()).isEqualTo(201);

    String engine = cluster.token("engine-1", "submitter");
    List<CompletableFuture<TestGateway.Response>> all = new ArrayList<>();
    for (int i = 0; i < ORDERS; i++) {
      JsonObject trade = new JsonObject().put("ticker", "RACE").put("action", "BUY").put("quantity", i + 1)
        .put("price", "10").put("strategy", "momo-1").put("account", "acct-" + i).put("trade_id", "race-" + i);
      all.add(cluster.node(i % 2).callAsync("POST", "/api/v1/approvals/trade", engine, trade, Map.of()));
    }
    CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(120, TimeUnit.SECONDS);
    int admitted = 0;
    int overrides = 0;
    for (CompletableFuture<TestGateway.Response> f : all) {
      TestGateway.Response r = f.get();
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      if (r.json().containsKey("limit_override")) {
        overrides++;
        assertThat(r.json().getJsonObject("limit_override").getJsonArray("breaches").getJsonObject(0)
          .getString("limit")).isEqualTo("rolling_orders");
      } else {
        admitted++;
      }
    }
    assertThat(admitted).as("admitted by the two nodes together").isEqualTo(CAP);
    assertThat(overrides).isEqualTo(ORDERS - CAP);
    try (Connection c = TestDb.jdbc(dbUrl); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM pretrade_orders WHERE strategy_key = 'strategy:momo-1'")) {
      rs.next();
      assertThat(rs.getLong(1)).as("orders counted in the window").isEqualTo(CAP);
    }
  }
}
