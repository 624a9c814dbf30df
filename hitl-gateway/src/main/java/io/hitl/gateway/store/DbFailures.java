package io.hitl.gateway.store;

import io.hitl.gateway.core.DbFaults;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.TransactionRollbackException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a failed database call becomes an answer. Every "cannot serve now" condition (refused or
 * closed connections, a database not accepting connections, too many connections, shutdown, statement or
 * pool time-out) is 503 SEC-099: the change did not commit, retry later. A COMMIT whose reply never came is
 * 504 SEC-098: the gateway cannot know. A value PostgreSQL cannot store is 400 SEC-010. The rest is 500.
 */
public final class DbFailures {
  private static final Logger LOG = LoggerFactory.getLogger(DbFailures.class);
  public static final String UNAVAILABLE_DETAIL = "The database is unavailable and nothing was changed; retry shortly";
  public static final String OVERLOADED_DETAIL = "The gateway is at capacity and nothing was changed; retry after "
    + "the Retry-After seconds";
  /** The problem extension Problems turns into the Retry-After header. */
  public static final String RETRY_AFTER = "retry_after_seconds";
  public static final int OVERLOAD_RETRY_SECONDS = 1;
  public static final String UNKNOWN_DETAIL = "The database did not confirm the change, so its outcome is unknown: "
    + "retry with the same Idempotency-Key, or read the request by trade_id";

  /** A COMMIT sent whose answer never came: the change may or may not have committed. */
  public static final class OutcomeUnknown extends RuntimeException {
    public OutcomeUnknown(Throwable cause) {
      super("the outcome of COMMIT is unknown: " + cause, cause, false, false);
    }
  }

  private DbFailures() {
  }

  /** The refusal a failure is answered with; refusals pass through unchanged. */
  public static GatewayException of(Throwable t) {
    if (t instanceof GatewayException) {
      return (GatewayException) t;
    }
    if (t instanceof OutcomeUnknown) {
      LOG.warn("database outcome unknown: {}", t.getMessage());
      return unknownOutcome();
    }
    if (t instanceof PgException) {
      PgException pg = (PgException) t;
      switch (DbFaults.classify(pg.getSqlState())) {
        case UNAVAILABLE:
          LOG.warn("database unavailable: {}", t.getMessage());
          return unavailable();
        case INVALID_VALUE:
          LOG.info("value refused by the database: {}", t.getMessage());
          return new GatewayException(ErrorCode.SEC_010, "A value cannot be stored: " + pg.getErrorMessage());
        default:
          LOG.error("database error", t);
          return new GatewayException(ErrorCode.INTERNAL, "Internal error");
      }
    }
    if (t instanceof io.vertx.core.http.ConnectionPoolTooBusyException) {
      // the pool's wait queue is full: the call was refused before it started, by design, under overload
      LOG.debug("database pool busy: {}", t.getMessage());
      return overloaded();
    }
    if (connectionTrouble(t)) {
      LOG.warn("database unavailable: {}", t.toString());
      return unavailable();
    }
    LOG.error("unexpected failure", t);
    return new GatewayException(ErrorCode.INTERNAL, "Internal error");
  }

  public static <T> Future<T> fail(Throwable t) {
    return Future.failedFuture(of(t));
  }

  /** True when {@code t} is answered with SEC-099. */
  public static boolean unavailable(Throwable t) {
    return of(t).code() == ErrorCode.SEC_099;
  }

  /**
   * What a failure of COMMIT itself means. An error the server answered with rolled the transaction back;
   * a lost, closed or timed-out connection (or a server going away mid-commit) leaves the outcome unknown.
   */
  public static Throwable atCommit(Throwable t) {
    if (t instanceof TransactionRollbackException || t instanceof GatewayException) {
      return t;
    }
    if (t instanceof PgException) {
      String state = ((PgException) t).getSqlState();
      boolean connectionLevel = state != null && (state.startsWith("08") || state.startsWith("57")
        || state.startsWith("58"));
      return connectionLevel ? new OutcomeUnknown(t) : t;
    }
    return new OutcomeUnknown(t);
  }

  /** A transaction PostgreSQL aborted to break a deadlock (40P01): running it again may succeed. */
  public static boolean deadlocked(Throwable t) {
    return t instanceof PgException && "40P01".equals(((PgException) t).getSqlState());
  }

  /** A statement that waited longer than the transaction's lock_timeout (55P03). */
  public static boolean lockWaitTooLong(Throwable t) {
    return t instanceof PgException && "55P03".equals(((PgException) t).getSqlState());
  }

  public static GatewayException unavailable() {
    return new GatewayException(ErrorCode.SEC_099, UNAVAILABLE_DETAIL);
  }

  /**
   * Refused before any work started because the gateway holds as much as it may: nothing changed, and a
   * retry after a second is likely to be served (Retry-After: 1).
   */
  public static GatewayException overloaded() {
    return new GatewayException(ErrorCode.SEC_099, OVERLOADED_DETAIL, java.util.Map.of(RETRY_AFTER, OVERLOAD_RETRY_SECONDS));
  }

  public static GatewayException unknownOutcome() {
    return new GatewayException(ErrorCode.SEC_098, UNKNOWN_DETAIL);
  }

  private static boolean connectionTrouble(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof IOException || c instanceof TimeoutException || c instanceof VertxException
          || c instanceof io.netty.channel.ChannelException) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }
}
