package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.odt;

import io.hitl.gateway.core.Approval;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PreparedStatement;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * SQL of expiry timers: the pending requests with their reminder count, the requests something is overdue
 * for, and the conditional writes of an escalation, a notice and a reminder.
 */
public final class TimerStore {
  private static final String WITH_REMINDERS = "SELECT " + ApprovalStore.COLUMNS + ", reminders_sent FROM approvals ";
  private static final String LOCK = WITH_REMINDERS + "WHERE id = $1 FOR UPDATE";
  /** In id order, so two nodes locking overlapping sets never deadlock; rows locked elsewhere are left out. */
  private static final String LOCK_FREE = WITH_REMINDERS + "WHERE id = ANY($1) ORDER BY id FOR UPDATE SKIP LOCKED";
  /** In the order of the partial index approvals_pending_by_expiry. */
  private static final String PENDING = WITH_REMINDERS + "WHERE status = 'PENDING' ORDER BY expires_at, id";
  private static final String DUE_IDS = "SELECT id FROM approvals WHERE status = 'PENDING' "
    + "AND (expires_at <= $1 OR escalate_at <= $1) AND id > $2 ORDER BY id LIMIT $3";
  /** Conditional on the level and hash read under the lock, so a change can only apply to the row it was planned on. */
  private static final String RESCHEDULE = "UPDATE approvals SET expires_at = $2, escalate_at = $3, "
    + "escalation_level = $4, row_hash = $5 WHERE id = $1 AND status = 'PENDING' AND escalation_level = $6 "
    + "AND row_hash = $7";
  private static final String REMINDERS = "UPDATE approvals SET reminders_sent = $2 "
    + "WHERE id = $1 AND status = 'PENDING' AND reminders_sent < $2";
  private static final String REMINDERS_SENT = "SELECT reminders_sent FROM approvals WHERE id = $1";

  /** A stored request and how many reminders went out for it. */
  public record Pending(Approval approval, int remindersSent) {
  }

  public Future<Pending> lock(SqlClient c, UUID id) {
    return c.preparedQuery(LOCK).execute(Tuple.of(id)).map(rs -> {
      var it = rs.iterator();
      return it.hasNext() ? pending(it.next()) : null;
    });
  }

  /**
   * Locks those of {@code ids} that exist and no other transaction holds, in one statement; the others (locked
   * elsewhere, or absent) are not returned and are left to the caller.
   */
  public Future<List<Pending>> lockFree(SqlClient c, List<UUID> ids) {
    return c.preparedQuery(LOCK_FREE).execute(Tuple.of(ids.toArray(new UUID[0]))).map(TimerStore::pendings);
  }

  /**
   * Opens a cursor over every pending request in deadline order, in a read-only transaction of one pooled
   * connection: one query planned once, read page by page with {@link PendingRows#read}. Keyset pages (one
   * query per page) were planned per page, and with the statistics of a table that has just grown (a bulk
   * load, no analyze yet) the server scanned and sorted all the remaining pending rows for every page; a
   * cursor pays for its plan once.
   */
  public Future<PendingRows> pendingRows(Pool pool) {
    return pool.getConnection().compose(conn -> conn.begin()
      .compose(tx -> conn.query("SET TRANSACTION READ ONLY").execute()
        .compose(v -> conn.prepare(PENDING))
        .map(ps -> new PendingRows(conn, tx, ps)))
      .onFailure(t -> conn.close()));
  }

  /** An open cursor of {@link #pendingRows}; {@link #close} it (also after a failure) to free its connection. */
  public static final class PendingRows {
    private final SqlConnection conn;
    private final Transaction tx;
    private final PreparedStatement statement;
    private final io.vertx.sqlclient.Cursor cursor;

    private PendingRows(SqlConnection conn, Transaction tx, PreparedStatement statement) {
      this.conn = conn;
      this.tx = tx;
      this.statement = statement;
      this.cursor = statement.cursor();
    }

    /** The next {@code n} rows at most; map each with {@link TimerStore#pending(Row)}, on any thread. */
    public Future<List<Row>> read(int n) {
      return cursor.read(n).map(rs -> {
        List<Row> l = new ArrayList<>(rs.size());
        rs.forEach(l::add);
        return l;
      });
    }

    public boolean hasMore() {
      return cursor.hasMore();
    }

    public Future<Void> close() {
      return cursor.close().transform(ar -> statement.close()).transform(ar -> tx.rollback())
        .transform(ar -> conn.close());
    }
  }

  /** Pending requests whose deadline or notice is due by {@code cutoff}, in id order after {@code afterId}. */
  public Future<List<UUID>> dueIds(SqlClient c, Instant cutoff, UUID afterId, int limit) {
    return c.preparedQuery(DUE_IDS).execute(Tuple.of(odt(cutoff), afterId, limit)).map(rs -> {
      List<UUID> ids = new ArrayList<>();
      rs.forEach(r -> ids.add(r.getUUID(0)));
      return ids;
    });
  }

  /** Writes a new deadline, notice time and level of a pending request; true if the row was still as read. */
  public Future<Boolean> reschedule(SqlClient c, Approval before, Approval after) {
    return c.preparedQuery(RESCHEDULE).execute(Tuple.from(new Object[] {
      after.id(), odt(after.expiresAt()), odt(after.escalateAt()), after.escalationLevel(), after.rowHash(),
      before.escalationLevel(), before.rowHash()
    })).map(rs -> rs.rowCount() == 1);
  }

  public Future<Boolean> remindersSent(SqlClient c, UUID id, int sent) {
    return c.preparedQuery(REMINDERS).execute(Tuple.of(id, sent)).map(rs -> rs.rowCount() == 1);
  }

  public Future<Integer> remindersSent(SqlClient c, UUID id) {
    return c.preparedQuery(REMINDERS_SENT).execute(Tuple.of(id)).map(rs -> {
      var it = rs.iterator();
      return it.hasNext() ? it.next().getInteger(0) : 0;
    });
  }

  private static List<Pending> pendings(RowSet<Row> rs) {
    List<Pending> l = new ArrayList<>();
    rs.forEach(r -> l.add(pending(r)));
    return l;
  }

  /** A row of {@link #pendingRows} or of a row lock, mapped. */
  public static Pending pending(Row r) {
    return new Pending(ApprovalStore.map(r), r.getInteger("reminders_sent"));
  }
}
