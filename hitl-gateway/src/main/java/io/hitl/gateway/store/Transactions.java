package io.hitl.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.function.Function;

/**
 * A transaction of the approval write path, bounded on the server too, whose COMMIT is told apart: a
 * failure before COMMIT rolled everything back; a COMMIT whose answer never came is {@link DbFailures.OutcomeUnknown}.
 */
public final class Transactions {
  private Transactions() {
  }

  /**
   * Statements of a transaction and its idle gaps are cut off server-side after {@code millis}, so a
   * transaction whose client went silent (a black hole) releases its locks instead of holding them.
   */
  public static String bounds(long millis) {
    return "SET LOCAL statement_timeout = " + millis + "; SET LOCAL idle_in_transaction_session_timeout = " + millis;
  }

  public static <T> Future<T> run(Pool pool, long millis, Function<SqlConnection, Future<T>> work) {
    return pool.getConnection().compose(conn -> conn.begin().compose(tx -> {
      // sent with the work's first statement, not before it: no extra round trip
      Future<?> bounded = conn.query(bounds(millis)).execute();
      Future<T> done;
      try {
        done = work.apply(conn);
      } catch (RuntimeException e) {
        done = Future.failedFuture(e);
      }
      return done.transform(ar -> bounded.transform(b -> b.failed() ? Future.<T>failedFuture(b.cause()) : ar.succeeded()
          ? Future.succeededFuture(ar.result()) : Future.<T>failedFuture(ar.cause())))
        .compose(r -> tx.commit().transform(c -> c.succeeded() ? Future.succeededFuture(r)
            : Future.<T>failedFuture(DbFailures.atCommit(c.cause()))),
          err -> tx.rollback().transform(ignored -> Future.<T>failedFuture(err)));
    }).onComplete(ar -> conn.close()));
  }
}
