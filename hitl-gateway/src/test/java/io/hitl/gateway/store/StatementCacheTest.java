package io.hitl.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.policy.LimitsParser;
import io.hitl.gateway.support.TestDb;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every shape of the pre-trade check's statement is kept prepared by a pool connection, so PostgreSQL plans it once per
 * connection rather than on every create. The client's default limit (2,048 characters) left out the shapes of a policy
 * with caps per strategy and per account; other statements over it stay as they were.
 */
class StatementCacheTest {
  /** Every shape a policy can ask for: up to ten rolling caps split between the keys, each other read or not. */
  static List<String> everyShape() {
    List<String> out = new ArrayList<>();
    for (int s = 0; s <= LimitsParser.MAX_ROLLING; s++) {
      for (int a = 0; s + a <= LimitsParser.MAX_ROLLING; a++) {
        for (int f = 0; f < 16; f++) {
          out.add(PretradeStore.factsSql(new PretradeStore.Shape(s, a, (f & 1) != 0, (f & 2) != 0, (f & 4) != 0,
            (f & 8) != 0)));
        }
      }
    }
    return out;
  }

  @Test
  void everyShapeIsKeptWhereTheClientsDefaultWouldLeaveSomeOutAndOtherLongStatementsAreNot() {
    var cacheable = Database.pooled(new PgConnectOptions(), true).getPreparedStatementCacheSqlFilter();
    var byDefault = new PgConnectOptions().getPreparedStatementCacheSqlFilter();
    List<String> shapes = everyShape();
    assertThat(shapes).allMatch(cacheable);
    // a long statement not marked (a history page over 2,048 characters) is planned for its values, as before
    String longPage = "SELECT a.* FROM approvals a WHERE " + "a.status IS NOT NULL AND ".repeat(100) + "true";
    assertThat(cacheable.test(longPage)).isFalse();
    assertThat(cacheable.test("SELECT 1")).isTrue();
    assertThat(shapes.stream().filter(byDefault.negate()).count()).as("shapes the default would not keep").isPositive();
    // a cap per strategy and one per account, with the duplicate window, the collar's quote and the count
    assertThat(byDefault.test(PretradeStore.factsSql(new PretradeStore.Shape(1, 1, true, false, true, true)))).isFalse();
  }

  @Test
  void aConnectionOfTheGatewaysPoolKeepsTheLongestShapePrepared() throws Exception {
    Vertx vertx = Vertx.vertx();
    Database db = Database.start(GatewayConfig.of(Map.of("HITL_DB_URL", TestDb.freshEmbedded())));
    db.migrate();
    Pool pool = db.pool(vertx, 1, true, 16, "statement-cache-test");
    try {
      String longest = PretradeStore.factsSql(new PretradeStore.Shape(5, 5, true, true, true, false));
      assertThat(longest.length()).isGreaterThan(4096);
      SqlConnection conn = await(pool.getConnection());
      try {
        Tuple params = Tuple.tuple();
        for (int i = 0; i < 10; i++) {
          window(params, "strategy:s" + i);
        }
        params.addValue("dup").addValue(java.time.OffsetDateTime.parse("2026-01-01T00:00:00Z"));
        params.addValue(new String[] {"t"}).addValue(java.time.OffsetDateTime.parse("2026-01-01T00:00:00Z"));
        params.addValue("7203.T");
        for (int i = 0; i < 7; i++) {
          await(conn.preparedQuery(longest).execute(params));
        }
        RowSet<Row> rs = await(conn.preparedQuery("SELECT generic_plans + custom_plans FROM pg_prepared_statements "
          + "WHERE statement = $1").execute(Tuple.of(longest)));
        assertThat(rs.size()).as("the statement is kept on the connection").isEqualTo(1);
        assertThat(rs.iterator().next().getLong(0)).as("executions of the kept statement").isEqualTo(7);
        String unmarked = longest.substring(Database.KEEP_PREPARED.length());
        for (int i = 0; i < 3; i++) {
          await(conn.preparedQuery(unmarked).execute(params));
        }
        RowSet<Row> other = await(conn.preparedQuery("SELECT count(*) FROM pg_prepared_statements "
          + "WHERE statement = $1").execute(Tuple.of(unmarked)));
        assertThat(other.iterator().next().getLong(0)).as("the same statement unmarked is not kept").isZero();
      } finally {
        conn.close();
      }
    } finally {
      await(pool.close());
      await(vertx.close());
    }
  }

  private static void window(Tuple params, String key) {
    params.addValue(key).addValue(java.time.OffsetDateTime.parse("2026-01-01T00:00:00Z"))
      .addValue(java.time.OffsetDateTime.parse("2026-01-01T00:00:01Z")).addValue(1767225601L);
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
