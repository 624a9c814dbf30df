package io.hitl.gateway.pretrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.pretrade.Limits;
import io.hitl.gateway.core.pretrade.Order;
import io.hitl.gateway.core.pretrade.RollingCap;
import io.hitl.gateway.core.pretrade.ScopeKind;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.store.PretradeStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rolling windows and duplicate checks counted in PostgreSQL stay exact when two nodes (two pools with
 * their own connections and clocks) admit orders of the same strategy at the same moment.
 */
class RollingWindowRaceTest {
  static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");
  TestGateway gw;
  Vertx vertx;
  Pool nodeA;
  Pool nodeB;

  @BeforeEach
  void start() {
    gw = TestGateway.start(TestDb.freshEmbedded(), Map.of());
    vertx = Vertx.vertx();
    nodeA = pool();
    nodeB = pool();
  }

  @AfterEach
  void stop() throws Exception {
    nodeA.close();
    nodeB.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    gw.close();
  }

  Pool pool() {
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(16)).connectingTo(PgConnectOptions.fromUri(gw.dbUrl))
      .using(vertx).build();
  }

  /** Each order in its own transaction on one of the nodes: check, and count it when admitted (two ways). */
  List<Boolean> race(List<Order> orders, Limits limits) throws Exception {
    return race(orders, orders.stream().map(o -> limits).toList());
  }

  /** The same, each order under its own policy's limits. */
  List<Boolean> race(List<Order> orders, List<Limits> limitsOf) throws Exception {
    PretradeGate gateA = new PretradeGate(Duration.ofSeconds(5), Clock.fixed(NOW, ZoneOffset.UTC));
    PretradeGate gateB = new PretradeGate(Duration.ofSeconds(5), Clock.fixed(NOW.plusMillis(3), ZoneOffset.UTC));
    List<Future<Boolean>> all = new ArrayList<>();
    for (int i = 0; i < orders.size(); i++) {
      Order o = orders.get(i);
      Pool pool = i % 2 == 0 ? nodeA : nodeB;
      PretradeGate gate = i % 2 == 0 ? gateA : gateB;
      Limits limits = limitsOf.get(i);
      // half check and then count, as an approval with edits does; half lock the keys, then count with the check
      // and take the count out when refused, as a create does
      boolean thenCount = (i / 2) % 2 == 0;
      all.add(pool.withTransaction(conn -> thenCount
        ? gate.check(conn, o, limits, null).compose(v -> v.admitted()
          ? gate.count(conn, UUID.randomUUID(), o, limits, v.at()).map(true) : Future.succeededFuture(false))
        : new PretradeStore().lock(conn, PretradeGate.lockKeys(o, limits))
          .compose(v -> gate.checkCounting(conn, UUID.randomUUID(), o, limits, null))
          .map(PretradeGate.Verdict::admitted)));
    }
    Future.all(all).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    return all.stream().map(Future::result).toList();
  }

  long counted(String where) throws Exception {
    try (Connection c = TestDb.jdbc(gw.dbUrl); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM pretrade_orders WHERE " + where)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void twoNodesNeverAdmitMoreOrdersThanTheCapBetweenThem() throws Exception {
    RollingCap cap = new RollingCap(ScopeKind.STRATEGY, Duration.ofMinutes(1), null, 7);
    List<Order> orders = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      orders.add(new Order("XNAS", "momo", "acct-" + i, null, "AAPL", "BUY", BigDecimal.valueOf(i + 1),
        new BigDecimal("10")));
    }
    List<Boolean> admitted = race(orders, new Limits(null, null, null, null, List.of(cap)));
    assertThat(admitted.stream().filter(b -> b).count()).isEqualTo(7);
    assertThat(counted("strategy_key = 'strategy:momo'")).isEqualTo(7);
  }

  /**
   * Orders counted under a policy that caps only their account (so it never locks their strategy's key, and
   * they are not kept in the strategy's seconds) still count in the strategy's window of another policy.
   */
  @Test
  void ordersCountedUnderAnotherPolicysCapsCountInTheStrategysWindowToo() throws Exception {
    Limits perAccount = new Limits(null, null, null, null, List.of(new RollingCap(ScopeKind.ACCOUNT,
      Duration.ofHours(1), null, 1000)));
    Limits perStrategy = new Limits(null, null, null, null, List.of(new RollingCap(ScopeKind.STRATEGY,
      Duration.ofMinutes(1), null, 7)));
    List<Order> orders = new ArrayList<>();
    List<Limits> limitsOf = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      orders.add(new Order("XNAS", "momo", "acct-1", null, "AAPL", "BUY", BigDecimal.valueOf(i + 1), BigDecimal.TEN));
      limitsOf.add(perAccount);
    }
    assertThat(race(orders, limitsOf)).containsOnly(true);
    orders.clear();
    limitsOf.clear();
    for (int i = 0; i < 30; i++) {
      orders.add(new Order("XNAS", "momo", "acct-" + i, null, "AAPL", "BUY", BigDecimal.valueOf(i + 1),
        BigDecimal.TEN));
      limitsOf.add(i % 3 == 0 ? perAccount : perStrategy);
    }
    List<Boolean> admitted = race(orders, limitsOf);
    assertThat(admitted.stream().filter(b -> b).count()).as("10 under the account cap; under the strategy cap 7 less "
      + "the 5 counted before and those of the 10 that committed before them").isBetween(10L, 12L);
    assertThat(counted("strategy_key = 'strategy:momo' AND NOT strategy_kept")).isEqualTo(15);
    assertThat(counted("strategy_key = 'strategy:momo' AND strategy_kept")).isBetween(0L, 2L);
  }

  @Test
  void twoNodesNeverAdmitMoreNotionalThanTheCapBetweenThem() throws Exception {
    RollingCap cap = new RollingCap(ScopeKind.ACCOUNT, Duration.ofMinutes(1), new BigDecimal("1000"), null);
    List<Order> orders = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      orders.add(new Order(null, "s-" + i, "acct-1", null, "AAPL", "SELL", BigDecimal.ONE, new BigDecimal("150")));
    }
    List<Boolean> admitted = race(orders, new Limits(null, null, null, null, List.of(cap)));
    assertThat(admitted.stream().filter(b -> b).count()).isEqualTo(6);
    try (Connection c = TestDb.jdbc(gw.dbUrl); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT sum(notional) FROM pretrade_orders WHERE account_key = 'account:acct-1'")) {
      rs.next();
      assertThat(rs.getBigDecimal(1)).isEqualByComparingTo("900");
    }
  }

  @Test
  void ofTheSameOrderSentTwentyTimesFromTwoNodesExactlyOneIsNotADuplicate() throws Exception {
    Order same = new Order("XNAS", "momo", "acct-1", "desk-a", "AAPL", "BUY", new BigDecimal("100"),
      new BigDecimal("150.25"));
    List<Order> orders = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      orders.add(same);
    }
    List<Boolean> admitted = race(orders, new Limits(null, null, null, Duration.ofSeconds(30), List.of()));
    assertThat(admitted.stream().filter(b -> b).count()).isEqualTo(1);
    assertThat(counted("true")).isEqualTo(1);
  }
}
