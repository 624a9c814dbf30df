package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.odt;

import io.hitl.gateway.core.Approval;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
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
  /** Keyset page over the partial index approvals_pending_by_expiry. */
  private static final String PENDING_PAGE = WITH_REMINDERS
    + "WHERE status = 'PENDING' AND (expires_at, id) > ($1, $2) ORDER BY expires_at, id LIMIT $3";
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

  /** Where a keyset page of pending requests ends. */
  public record Cursor(Instant expiresAt, UUID id) {
    public static final Cursor START = new Cursor(Instant.EPOCH, new UUID(0, 0));
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

  public Future<List<Pending>> pendingPage(SqlClient c, Cursor after, int limit) {
    return c.preparedQuery(PENDING_PAGE).execute(Tuple.of(odt(after.expiresAt()), after.id(), limit))
      .map(TimerStore::pendings);
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

  private static Pending pending(Row r) {
    return new Pending(ApprovalStore.map(r), r.getInteger("reminders_sent"));
  }
}
