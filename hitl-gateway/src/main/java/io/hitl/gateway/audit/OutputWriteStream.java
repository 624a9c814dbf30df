package io.hitl.gateway.audit;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A write stream onto a blocking {@link OutputStream} (standard output of the {@code audit export}
 * command): writes run in order on a worker thread, and the queue reports full above a bound so the
 * cursor feeding it pauses.
 */
final class OutputWriteStream implements WriteStream<Buffer> {
  private final Vertx vertx;
  private final OutputStream out;
  private int maxQueued = 1024 * 1024;
  private long queued;
  private Handler<Void> drain;
  private Handler<Throwable> errors;

  OutputWriteStream(Vertx vertx, OutputStream out) {
    this.vertx = vertx;
    this.out = out;
  }

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    errors = handler;
    return this;
  }

  @Override
  public Future<Void> write(Buffer data) {
    queued += data.length();
    return vertx.executeBlocking(() -> {
      out.write(data.getBytes());
      return null;
    }, true).<Void>mapEmpty().andThen(ar -> {
      queued -= data.length();
      if (ar.failed() && errors != null) {
        errors.handle(ar.cause());
      }
      if (queued <= maxQueued / 2 && drain != null) {
        Handler<Void> h = drain;
        drain = null;
        h.handle(null);
      }
    });
  }

  @Override
  public Future<Void> end() {
    return vertx.executeBlocking(() -> {
      out.flush();
      return null;
    }, true).mapEmpty();
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    maxQueued = maxSize;
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return queued >= maxQueued;
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    drain = handler;
    return this;
  }

  static void close(OutputStream out) {
    try {
      out.flush();
    } catch (IOException ignored) {
      // standard output went away; nothing left to tell
    }
  }
}
