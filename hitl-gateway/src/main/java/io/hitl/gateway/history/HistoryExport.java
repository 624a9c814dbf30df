package io.hitl.gateway.history;

import io.hitl.gateway.core.HistoryCsv;
import io.hitl.gateway.core.HistoryFilter;
import io.hitl.gateway.store.SearchStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowStream;

/**
 * Streams the requests of a history filter as CSV from a PostgreSQL cursor with back-pressure, as the journal
 * export does: {@link #FETCH} rows at a time, pausing while the destination's write queue is full, so an
 * export of any size holds a few batches in memory. Rows are read in one read-only snapshot.
 */
public final class HistoryExport {
  /**
   * Rows per fetch: the first rows wait for the whole first fetch (read, decoded and hashed), so it is kept small;
   * a full export of 100,000 requests took as long as with 500.
   */
  public static final int FETCH = 100;
  private static final int CHUNK = 32 * 1024;

  private final Pool pool;
  private final HistoryFilter filter;
  private final WriteStream<Buffer> out;
  private final Promise<Long> done = Promise.promise();
  private final SearchStore search = new SearchStore();
  private long count;
  private Buffer pending = Buffer.buffer(CHUNK + 1024);

  public HistoryExport(Pool pool, HistoryFilter filter, WriteStream<Buffer> out) {
    this.pool = pool;
    this.filter = filter;
    this.out = out;
  }

  /**
   * Opens the cursor, then calls {@code opened} (to write headers) before the first row; completes with the
   * number of requests written once the last byte is queued. A failure before {@code opened} ran wrote nothing.
   */
  public Future<Long> run(Runnable opened) {
    return pool.getConnection().compose(conn -> conn.begin().compose(tx ->
      conn.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute()
        .compose(v -> search.stream(conn, filter, FETCH)).compose(rows -> {
          opened.run();
          pending.appendString(HistoryCsv.header());
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
    pending.appendString(HistoryCsv.line(SearchStore.approval(row)));
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
