package io.hitl.gateway.store;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import io.vertx.sqlclient.internal.Connection;
import io.vertx.sqlclient.internal.SqlConnectionBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Statements sent together leave in one socket write. The PostgreSQL client flushes its socket once per
 * statement it schedules, so a transaction that sends four statements without waiting (a decision's locks
 * and reads) made four {@code write} calls, and PostgreSQL woke up for each. Netty's
 * {@link FlushConsolidationHandler}, put first in each pooled connection's channel pipeline, holds those
 * flushes until the event loop finishes its current task (or the connection's current read), then flushes
 * once: the same bytes, in the same order, in fewer writes. Nothing waits longer than the task that sent it.
 *
 * <p>The client offers no option for this; the channel is reached through its internal connection types,
 * checked by {@code FlushCoalescingTest} so that a client upgrade that moves them fails the build instead of
 * silently sending statement by statement again.
 */
public final class FlushCoalescing {
  private static final Logger LOG = LoggerFactory.getLogger(FlushCoalescing.class);
  static final String HANDLER = "hitl-flush-coalescing";
  /** Flushes held at most before one goes out anyway (the handler's bound on what it holds). */
  private static final int MAX_HELD = 256;

  private FlushCoalescing() {
  }

  /** Installs the handler on {@code conn}'s socket; logs a warning when the client's types are not the expected ones. */
  public static void install(SqlConnection conn) {
    ChannelPipeline pipeline = pipeline(conn);
    if (pipeline == null) {
      LOG.warn("statements are flushed one by one: the PostgreSQL client's connection is a {}", conn.getClass());
    } else if (pipeline.get(HANDLER) == null) {
      pipeline.addFirst(HANDLER, new FlushConsolidationHandler(MAX_HELD, true));
    }
  }

  /** The channel pipeline under a pooled or plain connection of the client, or null. */
  static ChannelPipeline pipeline(SqlConnection conn) {
    if (!(conn instanceof SqlConnectionBase<?> base)) {
      return null;
    }
    // a pooled connection wraps the socket connection; unwrap() returns the connection itself at the bottom
    Connection c = base.unwrap();
    while (c != null && !(c instanceof SocketConnectionBase) && c.unwrap() != c) {
      c = c.unwrap();
    }
    return c instanceof SocketConnectionBase socket ? socket.socket().channelHandlerContext().pipeline() : null;
  }
}
