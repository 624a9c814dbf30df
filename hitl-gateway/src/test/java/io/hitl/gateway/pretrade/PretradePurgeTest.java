package io.hitl.gateway.pretrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.Times;
import io.hitl.gateway.journal.Journal;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Counted orders and kept seconds older than HITL_PRETRADE_KEEP_HOURS are purged, journaled, and verify still passes;
 * a row removed behind the gateway's back that was counted after the purge's time is still named.
 */
class PretradePurgeTest {
  TestGateway gw;
  String admin;
  String engine;
  String alice;

  @BeforeEach
  void start() {
    gw = TestGateway.start(TestDb.freshEmbedded(), Map.of());
    admin = gw.token("carol", "admin", "viewer");
    engine = gw.token("engine-1", "submitter");
    alice = gw.token("alice", "approver", "viewer");
    JsonObject cap = new JsonObject().put("duplicate_window_seconds", 60).put("rolling", new JsonArray()
      .add(new JsonObject().put("per", "strategy").put("window_seconds", 86_400).put("max_orders", 1000)));
    assertThat(gw.call("PUT", "/api/v1/policies", admin, new JsonObject().put("policies", new JsonArray()
      .add(new JsonObject().put("name", "capped").put("match", new JsonObject().put("tickers", new JsonArray()
        .add("7203.T"))).put("limits", cap))).put("default", new JsonObject())).status()).isEqualTo(201);
  }

  @AfterEach
  void stop() {
    gw.close();
  }

  @Test
  void ordersPastEveryWindowArePurgedOnceAndVerifyStillPasses() throws Exception {
    String a = order(1);
    String b = order(2);
    gw.clock.advance(Duration.ofHours(47));
    String c = order(3);
    gw.clock.advance(Duration.ofHours(2));
    String d = order(4);
    assertThat(rows("pretrade_orders")).isEqualTo(4);
    assertThat(rows("pretrade_window_seconds")).as("one second per order time").isEqualTo(3);

    Instant before = gw.clock.instant().minus(Duration.ofHours(48)).truncatedTo(ChronoUnit.SECONDS);
    PretradePurge.Result r = await(purge().runOnce());
    // the test clock moves on with real time: the run's own time may be a second later
    assertThat(r.before()).isBetween(before, before.plusSeconds(1));
    assertThat(r.orders()).isEqualTo(2);
    assertThat(r.seconds()).isEqualTo(1);
    assertThat(counted()).containsExactlyInAnyOrder(c, d).doesNotContain(a, b);
    assertThat(rows("pretrade_window_seconds")).isEqualTo(2);
    assertThat(purges()).containsExactly(Times.format(r.before()));

    JsonObject report = verify();
    assertThat(report.getBoolean("valid")).as(report.encodePrettily()).isTrue();

    // nothing more is due: a second run removes nothing and journals nothing
    PretradePurge.Result again = await(purge().runOnce());
    assertThat(again.orders() + again.seconds()).isZero();
    assertThat(purges()).hasSize(1);

    // the windows still count what was kept: the kept second of c and d agree with their rows
    sql("DELETE FROM pretrade_orders WHERE approval_id = '" + c + "'");
    JsonObject tampered = verify();
    assertThat(tampered.getBoolean("valid")).isFalse();
    assertThat(counted(tampered)).as("a row counted after the purge's time is still missed")
      .containsExactly(c + " (row) present/absent");
    assertThat(tampered.getJsonObject("guards").getJsonArray("differences").size())
      .as("its second no longer agrees with its rows").isEqualTo(2);
  }

  @Test
  void theKeepDecidesWhatGoesAndARaisedKeepLeavesTheEarlierPurgeStanding() throws Exception {
    String a = order(1);
    gw.clock.advance(Duration.ofHours(30));
    String b = order(2);
    gw.clock.advance(Duration.ofHours(20));
    // the longer keep first (nothing is due under it), then the default: b stays, a goes
    assertThat(await(new PretradePurge(gw.gateway.pool(), Journal.on(gw.gateway.vertx()), gw.clock, 72).runOnce())
      .orders()).isZero();
    assertThat(await(purge().runOnce()).orders()).isEqualTo(1);
    // a keep raised after that: its run finds nothing due, and the earlier time still holds for verify
    assertThat(await(new PretradePurge(gw.gateway.pool(), Journal.on(gw.gateway.vertx()), gw.clock, 49).runOnce())
      .orders()).isZero();
    assertThat(counted()).containsExactly(b).doesNotContain(a);
    assertThat(purges()).hasSize(1);
    assertThat(verify().getBoolean("valid")).isTrue();
  }

  @Test
  void runsAtOnceRemoveEachRowOnceAndJournalOnce() throws Exception {
    // four runs on the pool's connections at once, as four nodes would start them
    for (int i = 1; i <= 5; i++) {
      order(i);
    }
    gw.clock.advance(Duration.ofHours(49));
    List<Future<PretradePurge.Result>> runs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      runs.add(purge().runOnce());
    }
    long removed = 0;
    for (Future<PretradePurge.Result> f : runs) {
      removed += await(f).orders();
    }
    assertThat(removed).isEqualTo(5);
    assertThat(rows("pretrade_orders")).isZero();
    assertThat(rows("pretrade_window_seconds")).isZero();
    assertThat(purges()).hasSize(1);
    assertThat(verify().getBoolean("valid")).isTrue();
  }

  PretradePurge purge() {
    return new PretradePurge(gw.gateway.pool(), Journal.on(gw.gateway.vertx()), gw.clock, 48);
  }

  String order(int quantity) {
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("quantity", quantity));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  JsonObject verify() {
    Response r = gw.call("GET", "/api/v1/audit/verify", alice, null);
    assertThat(r.status()).isEqualTo(200);
    return r.json();
  }

  static List<String> counted(JsonObject report) {
    return report.getJsonObject("replay").getJsonArray("mismatches").stream().map(JsonObject.class::cast)
      .filter(m -> m.getString("table").equals("pretrade_orders"))
      .map(m -> m.getString("id") + " " + m.getString("field") + " " + m.getString("expected") + "/"
        + m.getString("found")).toList();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  List<String> counted() throws Exception {
    return strings("SELECT approval_id::text FROM pretrade_orders");
  }

  List<String> purges() throws Exception {
    return strings("SELECT payload->>'before' FROM journal WHERE action = 'pretrade_purged' ORDER BY seq");
  }

  long rows(String table) throws Exception {
    return Long.parseLong(strings("SELECT count(*) FROM " + table).get(0));
  }

  List<String> strings(String query) throws Exception {
    try (Connection conn = TestDb.jdbc(gw.dbUrl); Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    }
  }

  void sql(String statement) throws Exception {
    try (Connection conn = TestDb.jdbc(gw.dbUrl); Statement s = conn.createStatement()) {
      s.execute(statement);
    }
  }
}
