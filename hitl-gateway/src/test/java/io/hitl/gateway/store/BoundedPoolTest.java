package io.hitl.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.support.TestDb;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Waits for a connection that time out while connections are being handed back: each wait settles exactly
 * once, nothing is thrown outside a caller, and no connection is lost to a caller that had already given up.
 */
class BoundedPoolTest {
  private static final int SIZE = 2;
  static Vertx vertx;
  static String url;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    url = TestDb.freshEmbedded();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Pool raw(int maxWait) {
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(SIZE).setMaxWaitQueueSize(maxWait)
      .setConnectionTimeout(0)).connectingTo(PgConnectOptions.fromUri(url)).using(vertx).build();
  }

  private static Pool pool(int maxWait, long waitMillis) {
    return new BoundedPool(raw(maxWait), vertx, waitMillis);
  }

  @Test
  void waitsThatTimeOutAsConnectionsAreHandedBackSettleOnceAndLoseNoConnection() throws Exception {
    List<Throwable> unhandled = new CopyOnWriteArrayList<>();
    vertx.exceptionHandler(unhandled::add);
    Pool raw = raw(10_000);
    Pool pool = new BoundedPool(raw, vertx, 2);
    // open the pool's connections first: on a loaded machine opening one can take longer than the 2 ms wait, and
    // a burst against an empty pool could then time out every wait and hand nothing over
    for (int warm = 0; warm < 200; warm++) {
      List<Future<?>> both = new ArrayList<>();
      for (int k = 0; k < 2; k++) {
        both.add(pool.getConnection().compose(c -> c.query("SELECT 1").execute().eventually(c::close)));
      }
      Future.join(both).toCompletionStage().toCompletableFuture().exceptionally(t -> null).get(30, TimeUnit.SECONDS);
      if (both.stream().allMatch(Future::succeeded)) {
        break;
      }
    }
    AtomicInteger served = new AtomicInteger();
    AtomicInteger timedOut = new AtomicInteger();
    AtomicInteger other = new AtomicInteger();
    List<Future<Void>> all = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      // each holder keeps its connection briefly, so returns and 2 ms time-outs keep crossing
      all.add(pool.getConnection().compose(c -> c.query("SELECT pg_sleep(0.001)").execute().eventually(c::close))
        .transform(ar -> {
          if (ar.succeeded()) {
            served.incrementAndGet();
          } else if (ar.cause() instanceof BoundedPool.WaitTimeout) {
            timedOut.incrementAndGet();
          } else {
            other.incrementAndGet();
          }
          return Future.<Void>succeededFuture();
        }));
    }
    Future.all(all).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    assertThat(served.get() + timedOut.get()).isEqualTo(2000);
    assertThat(other.get()).isZero();
    assertThat(timedOut.get()).as("the waits did time out").isPositive();
    assertThat(served.get()).as("and connections were handed over").isPositive();
    assertThat(unhandled).isEmpty();
    // every connection came back: the whole pool can be held at once again. The check waits through the same
    // raw pool with a long bound, since a 2 ms wait on a loaded machine can time out with every connection free;
    // a connection lost to a caller that had given up would make the second wait run out instead
    Pool after = new BoundedPool(raw, vertx, 20_000);
    List<SqlConnection> held = new ArrayList<>();
    for (int i = 0; i < SIZE; i++) {
      held.add(after.getConnection().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
    }
    assertThat(held).hasSize(SIZE);
    held.forEach(SqlConnection::close);
    pool.close();
  }

  @Test
  void aFullWaitQueueRefusesAtOnceAsUnavailable() throws Exception {
    Pool pool = pool(1, 30_000);
    List<SqlConnection> held = new ArrayList<>();
    for (int i = 0; i < SIZE; i++) {
      held.add(pool.getConnection().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
    }
    Future<Object> waiting = pool.query("SELECT 1").execute().map(rs -> (Object) rs);
    Throwable refused = pool.query("SELECT 1").execute().transform(ar -> Future.succeededFuture(ar.cause()))
      .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(refused).isNotNull();
    assertThat(DbFailures.of(refused).code()).isEqualTo(ErrorCode.SEC_099);
    assertThat(DbFailures.of(refused).extensions()).containsEntry(DbFailures.RETRY_AFTER, DbFailures.OVERLOAD_RETRY_SECONDS);
    held.forEach(SqlConnection::close);
    assertThat(waiting.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)).isNotNull();
    pool.close();
  }
}
