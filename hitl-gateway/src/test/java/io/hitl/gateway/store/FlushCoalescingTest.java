package io.hitl.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.support.TestDb;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every connection of the gateway's pool holds its flushes until the event loop's task ends, and statements
 * sent together still come back each with its own answer, in order, including a lone statement sent from
 * outside any read of the connection (flushed when the task that sent it ends, not left waiting).
 */
class FlushCoalescingTest {
  static Vertx vertx;
  static Database db;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    db = Database.start(GatewayConfig.of(Map.of("HITL_DB_URL", TestDb.freshEmbedded())));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    db.close();
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void everyPooledConnectionHasTheHandlerAndPipelinedStatementsAnswerInOrder() throws Exception {
    Pool pool = db.pool(vertx, 2);
    SqlConnection a = get(pool.getConnection());
    SqlConnection b = get(pool.getConnection());
    for (SqlConnection c : List.of(a, b)) {
      assertThat(FlushCoalescing.pipeline(c)).as("the client's connection types are the expected ones").isNotNull();
      assertThat(FlushCoalescing.pipeline(c).get(FlushCoalescing.HANDLER)).isInstanceOf(FlushConsolidationHandler.class);
      assertThat(FlushCoalescing.pipeline(c).first()).isInstanceOf(FlushConsolidationHandler.class);
    }
    // fifty statements sent without waiting for each other (from the test thread, outside any read)
    List<Future<RowSet<Row>>> sent = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      sent.add(a.preparedQuery("SELECT $1::int AS n, pg_backend_pid() AS pid").execute(Tuple.of(i)));
    }
    get(Future.all(sent));
    int pid = sent.get(0).result().iterator().next().getInteger("pid");
    for (int i = 0; i < 50; i++) {
      Row r = sent.get(i).result().iterator().next();
      assertThat(r.getInteger("n")).isEqualTo(i);
      assertThat(r.getInteger("pid")).isEqualTo(pid);
    }
    // one statement alone, then one sent from its answer's callback (during the connection's read)
    Integer chained = get(b.query("SELECT 1").execute()
      .compose(rs -> b.preparedQuery("SELECT $1::int + 1").execute(Tuple.of(rs.iterator().next().getInteger(0))))
      .map(rs -> rs.iterator().next().getInteger(0)));
    assertThat(chained).isEqualTo(2);
    // a transaction with a failing statement in the middle still reports that statement's failure
    Future<?> tx = b.begin().compose(t -> {
      Future<?> ok = b.query("SELECT 1").execute();
      Future<?> bad = b.query("SELECT 1/0").execute();
      return Future.join(ok, bad).transform(ar -> t.rollback().map(bad.failed() ? "division" : "none"));
    });
    assertThat(get(tx)).isEqualTo("division");
    get(a.close());
    get(b.close());
    get(pool.close());
  }
}
