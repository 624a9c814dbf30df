package io.hitl.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * No statement the gateway sends again and again is planned by PostgreSQL on every execution. A prepared statement
 * the connection keeps is planned for its first five executions and then keeps one plan, unless PostgreSQL prices
 * that plan above the ones it makes for the values (an array of unknown length, a one-sided range) or the client
 * does not keep the statement (a simple query, a statement over the client's length limit). Such a statement cost a
 * decision about 290 µs of planning in the benchmark. This test runs creates, decisions, pre-trade checks, reads and
 * an expiry batch on a gateway with few connections, against a PostgreSQL of its own that counts plans and calls per
 * statement ({@code pg_stat_statements} with {@code track_planning}), and names every statement planned on more
 * than an eighth of its executions (each connection plans a kept statement up to six times; the busiest statements
 * here are planned 2 to 12 times in 200 to 1,200 executions).
 */
class PlannedOnceTest {
  /** The least executions for a statement to be judged: each connection plans a statement up to six times. */
  private static final int JUDGED_FROM = 100;

  @Test
  void noStatementOfCreatesDecisionsChecksReadsOrExpiryIsPlannedOnEveryExecution() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(Files.createTempDirectory("hitl-plans-pg"))
        .setCleanDataDirectory(true).setServerConfig("fsync", "off")
        .setServerConfig("shared_preload_libraries", "pg_stat_statements")
        .setServerConfig("pg_stat_statements.track_planning", "on").start()) {
      String server = "postgresql://postgres@localhost:" + pg.getPort() + "/postgres";
      String db = TestDb.create(server);
      String name = db.substring(db.lastIndexOf('/') + 1);
      try (Connection c = TestDb.jdbc(server); Statement s = c.createStatement()) {
        s.execute("CREATE EXTENSION pg_stat_statements");
      }
      try (TestGateway gw = TestGateway.start(db, Map.of("HITL_APPROVAL_INSTANCES", "1", "HITL_HTTP_INSTANCES", "1",
          "HITL_DB_POOL_SIZE", "2", "HITL_EXPIRY_SWEEP_SECONDS", "3600"))) {
        run(gw);
      }
      List<String> planned = new ArrayList<>();
      int judged = 0;
      try (Connection c = TestDb.jdbc(server); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT calls, plans, query FROM pg_stat_statements WHERE dbid = "
             + "(SELECT oid FROM pg_database WHERE datname = '" + name + "') AND calls >= " + JUDGED_FROM)) {
        while (rs.next()) {
          judged++;
          if (rs.getLong("plans") * 8 > rs.getLong("calls")) {
            planned.add(rs.getLong("plans") + " plans in " + rs.getLong("calls") + " calls: "
              + rs.getString("query").replaceAll("\\s+", " "));
          }
        }
      }
      assertThat(judged).as("statements executed at least " + JUDGED_FROM + " times").isGreaterThan(15);
      assertThat(planned).as("statements planned on more than an eighth of their executions").isEmpty();
    }
  }

  private static void run(TestGateway gw) throws Exception {
    String admin = gw.token("carol", "admin");
    String engine = gw.token("engine-1", "submitter");
    String viewer = gw.token("vic", "viewer");
    JsonObject limits = new JsonObject().put("max_quantity", "1000000").put("max_notional", "9000000000")
      .put("price_collar_pct", "50").put("duplicate_window_seconds", 30).put("rolling", new JsonArray()
        .add(new JsonObject().put("per", "strategy").put("window_seconds", 60).put("max_orders", 1_000_000))
        .add(new JsonObject().put("per", "account").put("window_seconds", 60).put("max_orders", 1_000_000)))
      .put("override", new JsonObject().put("approvers", new JsonObject().put("users", new JsonArray().add("risk"))));
    JsonObject document = new JsonObject().put("policies", new JsonArray().add(new JsonObject().put("name", "capped")
      .put("match", new JsonObject().put("tickers", new JsonArray().add("LIM5"))).put("limits", limits)))
      .put("default", new JsonObject());
    assertThat(gw.call("PUT", "/api/v1/policies", admin, document).status()).isEqualTo(201);
    gw.quote("LIM5", "100", "101");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 2 * JUDGED_FROM; i++) {
      TestGateway.Response created = gw.call("POST", "/api/v1/approvals/trade", engine,
        TestGateway.trade().put("quantity", 100 + i));
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      ids.add(created.json().getString("request_id"));
      TestGateway.Response checked = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade()
        .put("ticker", "LIM5").put("price", "100.5").put("quantity", 10 + i).put("strategy", "s" + i % 8)
        .put("account", "a" + i % 4));
      assertThat(checked.status()).as(checked.body()).isEqualTo(201);
      assertThat(checked.body()).doesNotContain("limit_override");
    }
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      TestGateway.Response decided = gw.call("POST", "/api/v1/approvals/" + id + (i % 3 == 0 ? "/reject" : "/approve"),
        gw.token("op-" + i % 5, "approver"), Map.of("reason", "checked"));
      assertThat(decided.status()).as(decided.body()).isEqualTo(200);
      assertThat(gw.call("GET", "/api/v1/approvals/" + id, viewer, null).status()).isEqualTo(200);
    }
    // the checked requests are still pending: their timers fall due together and expire as a batch
    gw.clock.advance(Duration.ofDays(2));
    gw.gateway.vertx().eventBus().request(Addresses.EXPIRY_SWEEP, new JsonObject()).toCompletionStage()
      .toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
