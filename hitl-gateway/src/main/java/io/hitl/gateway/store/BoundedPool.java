package io.hitl.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collector;

/**
 * The gateway's pool: every wait for a connection is bounded here, not by the pool's own wait timer. That
 * timer, firing in the instant a returned connection is handed to its waiter, fails a waiter that already
 * got its connection ("IllegalStateException: Promise already completed" in the log, the waiter counted
 * twice). Here the wait and its time-out settle once, whichever comes first: a caller that timed out is
 * answered at once (SEC-099), and the connection that reaches it later goes straight back to the pool.
 * Queries on the pool itself borrow a connection the same way.
 */
public final class BoundedPool implements Pool {
  private final Pool pool;
  private final Vertx vertx;
  private final long waitMillis;

  /** Thrown (as a failed future) when no connection came within the wait; answered 503 SEC-099. */
  public static final class WaitTimeout extends io.vertx.core.VertxException {
    WaitTimeout(long millis) {
      super("no database connection became free within " + millis + " ms", true);
    }
  }

  public BoundedPool(Pool pool, Vertx vertx, long waitMillis) {
    this.pool = pool;
    this.vertx = vertx;
    this.waitMillis = waitMillis;
  }

  @Override
  public Future<SqlConnection> getConnection() {
    Promise<SqlConnection> answer = Promise.promise();
    AtomicBoolean settled = new AtomicBoolean();
    long timer = vertx.setTimer(waitMillis, id -> {
      if (settled.compareAndSet(false, true)) {
        answer.fail(new WaitTimeout(waitMillis));
      }
    });
    pool.getConnection().onComplete(ar -> {
      if (settled.compareAndSet(false, true)) {
        vertx.cancelTimer(timer);
        answer.handle(ar);
      } else if (ar.succeeded()) {
        ar.result().close();
      }
    });
    return answer.future();
  }

  @Override
  public Query<RowSet<Row>> query(String sql) {
    return new Borrowed<>(c -> c.query(sql));
  }

  @Override
  public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
    return new Borrowed<>(c -> c.preparedQuery(sql));
  }

  @Override
  public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
    return new Borrowed<>(c -> c.preparedQuery(sql, options));
  }

  @Override
  public int size() {
    return pool.size();
  }

  @Override
  public Future<Void> close() {
    return pool.close();
  }

  /** A query run on a connection borrowed for it (bounded as {@link #getConnection()}) and returned after. */
  private final class Borrowed<T> implements PreparedQuery<T> {
    private final Function<SqlConnection, ? extends Query<T>> on;

    Borrowed(Function<SqlConnection, ? extends Query<T>> on) {
      this.on = on;
    }

    @Override
    public Future<T> execute() {
      return withConnection(c -> on.apply(c).execute());
    }

    // only reachable through preparedQuery(...), whose statements are PreparedQuery
    @Override
    public Future<T> execute(Tuple tuple) {
      return withConnection(c -> ((PreparedQuery<T>) on.apply(c)).execute(tuple));
    }

    @Override
    public Future<T> executeBatch(List<Tuple> batch) {
      return withConnection(c -> ((PreparedQuery<T>) on.apply(c)).executeBatch(batch));
    }

    @Override
    public <R> PreparedQuery<SqlResult<R>> collecting(Collector<Row, ?, R> collector) {
      return new Borrowed<>(c -> on.apply(c).collecting(collector));
    }

    @Override
    public <U> PreparedQuery<RowSet<U>> mapping(Function<Row, U> mapper) {
      return new Borrowed<>(c -> on.apply(c).mapping(mapper));
    }
  }
}
