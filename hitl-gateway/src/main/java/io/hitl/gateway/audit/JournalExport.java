package io.hitl.gateway.audit;

import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.store.JournalStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowStream;

/**
 * Streams journal entries from a PostgreSQL cursor into a write stream with back-pressure: the cursor
 * fetches {@link #FETCH} rows at a time and pauses whenever the destination's write queue is full, so
 * an export of any size holds at most a few batches in memory. The same code serves the HTTP export and
 * the {@code audit export} command.
 */
public final class JournalExport {
  public static final int FETCH = 500;
  private static final int CHUNK = 32 * 1024;

  private final Pool pool;
  private final ExportQuery query;
  private final WriteStream<Buffer> out;
  private final Promise<Long> done = Promise.promise();
  private long count;
  private Buffer pending = Buffer.buffer(CHUNK + 1024);

  public JournalExport(Pool pool, ExportQuery query, WriteStream<Buffer> out) {
    this.pool = pool;
    this.query = query;
    this.out = out;
  }

  /**
   * Opens the cursor, then calls {@code opened} (to write headers) before the first row; completes with
   * the number of entries written once the last byte is queued. A failure before {@code opened} ran means
   * nothing was written.
   */
  public Future<Long> run(Runnable opened) {
    JournalStore journal = new JournalStore();
    return pool.getConnection().compose(conn -> conn.begin().compose(tx ->
      journal.stream(conn, query.from(), query.to(), query.action(), FETCH).compose(rows -> {
        opened.run();
        if (query.format() == ExportQuery.Format.CSV) {
          pending.appendString(ExportLines.csvHeader());
        }
        out.exceptionHandler(done::tryFail);
        rows.exceptionHandler(done::tryFail);
        rows.endHandler(v -> flush().onComplete(ar -> {
          if (ar.succeeded()) {
            done.tryComplete(count);
          } else {
            done.tryFail(ar.cause());
          }
        }));
        rows.handler(row -> onRow(rows, row));
        return done.future().eventually(rows::close);
      }).eventually(tx::rollback)).eventually(conn::close));
  }

  /** Stops a running export (the client went away); the cursor and its transaction are closed. */
  public void abort(Throwable why) {
    done.tryFail(why);
  }

  private void onRow(RowStream<Row> rows, Row row) {
    if (done.future().isComplete()) {
      return;
    }
    JournalEntry e = JournalStore.entry(row);
    pending.appendString(query.format() == ExportQuery.Format.CSV ? ExportLines.csv(e) : ExportLines.ndjson(e));
    count++;
    if (pending.length() >= CHUNK) {
      flush();
      if (out.writeQueueFull()) {
        rows.pause();
        out.drainHandler(v -> rows.resume());
      }
    }
  }

  private Future<Void> flush() {
    if (pending.length() == 0) {
      return Future.succeededFuture();
    }
    Buffer b = pending;
    pending = Buffer.buffer(CHUNK + 1024);
    return out.write(b).onFailure(done::tryFail);
  }
}
