package io.hitl.gateway.pretrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.pretrade.WindowTotals;
import io.hitl.gateway.store.PretradeStore;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A window's total read from the kept per-second totals equals the sum over every counted order's own row
 * after the window's start, wherever the start falls within a second, whether the orders were kept under the
 * key or not, and after orders are taken out again.
 */
class WindowSecondsTest {
  static final Instant BASE = Instant.parse("2030-01-02T03:04:05Z");
  static final List<String> STRATEGIES = List.of("strategy:a", "strategy:b");
  static final List<String> ACCOUNTS = List.of("account:x", "account:y");
  final PretradeStore store = new PretradeStore();
  TestGateway gw;
  Vertx vertx;
  Pool pool;

  @BeforeEach
  void start() {
    gw = TestGateway.start(TestDb.freshEmbedded(), Map.of());
    vertx = Vertx.vertx();
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(PgConnectOptions.fromUri(gw.dbUrl))
      .using(vertx).build();
  }

  @AfterEach
  void stop() throws Exception {
    pool.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    gw.close();
  }

  <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Times across six seconds, some on a whole second; a quarter of the notionals missing. */
  @Test
  void keptTotalsEqualTheSumOfTheOrdersAfterTheStartOfTheWindow() throws Exception {
    for (long seed = 1; seed <= 3; seed++) {
      Random random = new Random(seed);
      List<UUID> ids = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        Instant at = random.nextInt(8) == 0 ? BASE.plusSeconds(random.nextInt(6))
          : BASE.plusNanos(random.nextLong(6_000_000L) * 1_000L);
        String strategy = STRATEGIES.get(random.nextInt(2));
        String account = ACCOUNTS.get(random.nextInt(2));
        List<String> kept = new ArrayList<>();
        if (random.nextBoolean()) {
          kept.add(account);
        }
        if (random.nextInt(4) > 0) {
          kept.add(strategy);
        }
        BigDecimal notional = random.nextInt(4) == 0 ? null : BigDecimal.valueOf(random.nextInt(1_000_000), 2);
        UUID id = UUID.randomUUID();
        ids.add(id);
        PretradeStore.Count count = new PretradeStore.Count(id, at, strategy, account, "dup-" + i, notional,
          kept.stream().sorted().toList());
        if (i % 2 == 0) {
          await(store.insert(pool, count));
          continue;
        }
        // counted by the statement that reads the windows, as a create does: the read does not see it
        Instant since = at.minusMillis(random.nextInt(3_000));
        WindowTotals strategyBefore = summed("strategy", strategy, since);
        WindowTotals accountBefore = summed("account", account, since);
        PretradeStore.Facts f = await(store.facts(pool, new PretradeStore.Query(
          List.of(new PretradeStore.Window(strategy, since)), List.of(new PretradeStore.Window(account, since)),
          null, null, List.of(), since, null), count));
        assertThat(f.strategies().get(0)).isEqualTo(strategyBefore);
        assertThat(f.accounts().get(0)).isEqualTo(accountBefore);
      }
      for (int i = 0; i < 60; i++) {
        await(store.delete(pool, ids.get(random.nextInt(ids.size()))));
      }
      assertThat(await(store.keptDifferences(pool))).isEmpty();
      for (int q = 0; q < 150; q++) {
        Instant since = random.nextInt(5) == 0 ? BASE.plusSeconds(random.nextInt(8) - 1)
          : BASE.minusSeconds(1).plusNanos(random.nextLong(8_000_000L) * 1_000L);
        String strategy = STRATEGIES.get(random.nextInt(2));
        String account = ACCOUNTS.get(random.nextInt(2));
        PretradeStore.Facts f = await(store.facts(pool, new PretradeStore.Query(
          List.of(new PretradeStore.Window(strategy, since)), List.of(new PretradeStore.Window(account, since)),
          null, null, List.of(), since, null)));
        assertThat(f.strategies().get(0)).as("%s after %s", strategy, since).isEqualTo(summed("strategy", strategy, since));
        assertThat(f.accounts().get(0)).as("%s after %s", account, since).isEqualTo(summed("account", account, since));
      }
      try (Connection c = TestDb.jdbc(gw.dbUrl); Statement s = c.createStatement()) {
        s.execute("TRUNCATE pretrade_orders, pretrade_window_seconds");
      }
    }
  }

  @Test
  void aKeptSecondEditedBehindTheGatewaysBackIsNamedWithTheFiguresItsOrdersGive() throws Exception {
    Instant at = BASE.plusMillis(250);
    await(store.insert(pool, new PretradeStore.Count(UUID.randomUUID(), at, "strategy:a", "account:x", "d1",
      new BigDecimal("100.5"), List.of("strategy:a"))));
    await(store.insert(pool, new PretradeStore.Count(UUID.randomUUID(), at, "strategy:a", "account:x", "d2",
      new BigDecimal("20"), List.of("strategy:a"))));
    assertThat(await(store.keptDifferences(pool))).isEmpty();
    try (Connection c = TestDb.jdbc(gw.dbUrl); Statement s = c.createStatement()) {
      s.execute("UPDATE pretrade_window_seconds SET orders = 0, notional = 0");
      s.execute("INSERT INTO pretrade_window_seconds VALUES ('account:x', " + (BASE.getEpochSecond() + 9) + ", 1, 1)");
    }
    List<PretradeStore.KeptDifference> d = await(store.keptDifferences(pool));
    assertThat(d).hasSize(2);
    assertThat(d.get(0).windowKey()).isEqualTo("account:x");
    assertThat(d.get(0).counted()).as("no order was counted in that second").isZero();
    assertThat(d.get(1).windowKey()).isEqualTo("strategy:a");
    assertThat(d.get(1).second()).isEqualTo(BASE.getEpochSecond());
    assertThat(d.get(1).orders()).isZero();
    assertThat(d.get(1).counted()).isEqualTo(2);
    assertThat(d.get(1).countedNotional()).isEqualByComparingTo("120.5");
  }

  /** The brute-force total: every order's own row counted after {@code since}. */
  WindowTotals summed(String kind, String key, Instant since) throws Exception {
    try (Connection c = TestDb.jdbc(gw.dbUrl); PreparedStatement s = c.prepareStatement("SELECT count(*), "
        + "coalesce(sum(notional), 0) FROM pretrade_orders WHERE " + kind + "_key = ? AND counted_at > ?")) {
      s.setString(1, key);
      s.setTimestamp(2, Timestamp.from(since));
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return new WindowTotals(rs.getLong(1), io.hitl.gateway.core.Decimals.scaled(rs.getBigDecimal(2)));
      }
    }
  }
}
