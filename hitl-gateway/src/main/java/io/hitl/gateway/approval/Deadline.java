package io.hitl.gateway.approval;

import io.hitl.gateway.core.CommitGate;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.store.DbFailures;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlConnection;
import java.util.function.Function;

/**
 * Every change is answered within its deadline, before its caller on the bus gives up: 503 SEC-099 when
 * its work had not finished (it is then rolled back, never committed), 504 SEC-098 when it had and its
 * commit may still land. Without a deadline a change answered 503 by a timed-out caller could commit later.
 */
final class Deadline {
  private final long millis;

  Deadline(long millis) {
    this.millis = millis;
  }

  long millis() {
    return millis;
  }

  /** Runs {@code work} through {@code run} (the transaction) with the gate between the work and its commit. */
  <T> Future<T> bound(Function<SqlConnection, Future<T>> work, Function<Function<SqlConnection, Future<T>>, Future<T>> run) {
    Context ctx = Vertx.currentContext();
    if (ctx == null) {
      return run.apply(work);
    }
    CommitGate gate = new CommitGate();
    Promise<T> answer = Promise.promise();
    long timer = ctx.owner().setTimer(millis, id -> {
      ErrorCode late = gate.expire();
      if (late == ErrorCode.SEC_099) {
        answer.tryFail(DbFailures.unavailable());
      } else if (late == ErrorCode.SEC_098) {
        answer.tryFail(DbFailures.unknownOutcome());
      }
    });
    run.apply(conn -> work.apply(conn).compose(c -> gate.pass() ? Future.succeededFuture(c)
        : Future.<T>failedFuture(DbFailures.unavailable())))
      .onComplete(ar -> {
        ctx.owner().cancelTimer(timer);
        gate.finish();
        if (ar.succeeded()) {
          answer.tryComplete(ar.result());
        } else {
          answer.tryFail(ar.cause());
        }
      });
    return answer.future();
  }
}
