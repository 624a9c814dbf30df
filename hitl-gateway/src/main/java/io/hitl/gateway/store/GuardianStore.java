package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.instant;
import static io.hitl.gateway.store.Json.odt;

import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.guard.GuardEntries;
import io.hitl.gateway.core.guard.GuardianSource;
import io.hitl.gateway.core.guard.GuardianState;
import io.hitl.gateway.core.replay.Difference;
import io.hitl.gateway.core.replay.GuardReplay;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;

/**
 * The Guardian row and the lock that orders it against approvals (SPEC I6). Creates and decisions
 * hold a shared transaction-scoped advisory lock before reading the row; a Guardian change holds it
 * exclusively, so no approval can commit after a lock commits. An advisory lock rather than
 * FOR SHARE on the row: PostgreSQL queues heavyweight locks fairly, whereas new FOR SHARE lockers
 * overtake a waiting FOR UPDATE, and a busy desk would hold the kill switch off indefinitely.
 */
public final class GuardianStore {
  /** Key of the advisory lock; distinct from the journal's. */
  static final long GUARDIAN_LOCK = 0x47554152L;
  /**
   * Taken by every create and decision, as a prepared statement the connection keeps: sent as a simple query,
   * PostgreSQL parsed and planned it every time (about 4 µs each).
   */
  static final String LOCK_SHARED = "SELECT pg_advisory_xact_lock_shared(" + GUARDIAN_LOCK + ")";
  private static final String LOCK_EXCLUSIVE = "SELECT pg_advisory_xact_lock(" + GUARDIAN_LOCK + ")";
  private static final String COLUMNS = "state, reason, source, changed_by, changed_at, blocked_by_guardian, locks";
  /**
   * The last Guardian change in the journal, joined to a read of the row so every read checks the row against
   * it (a partial index makes it one probe); with no change in the live journal, whether some were archived.
   */
  static final String LAST_CHANGE_COLUMNS = "j.j_seq, j.j_actor, j.j_action, j.j_payload, j.j_created_at, "
    + "(j.j_seq IS NULL AND EXISTS (SELECT 1 FROM journal_archive)) AS j_archived";
  static final String LAST_CHANGE_JOIN = "LEFT JOIN LATERAL (SELECT seq AS j_seq, actor AS j_actor, action AS j_action, "
    + "payload AS j_payload, created_at AS j_created_at FROM journal "
    + "WHERE action IN ('guardian_locked', 'guardian_unlocked') ORDER BY seq DESC LIMIT 1) j ON true";
  private static final String SELECT = "SELECT g.state, g.reason, g.source, g.changed_by, g.changed_at, "
    + "g.blocked_by_guardian, g.locks, " + LAST_CHANGE_COLUMNS + " FROM guardian_state g " + LAST_CHANGE_JOIN
    + " WHERE g.id = 1";
  private static final String FOR_UPDATE = SELECT + " FOR UPDATE OF g";
  private static final String SET = "UPDATE guardian_state SET state = $1, reason = $2, source = $3, changed_by = $4, "
    + "changed_at = $5, blocked_by_guardian = blocked_by_guardian + $6, locks = locks + $7 WHERE id = 1 "
    + "RETURNING " + COLUMNS;

  /**
   * The row as stored, how it differs from its last journal entry, and the state the gateway acts on: the
   * stored one, or (when they differ) a lock only an admin can lift.
   */
  public record Checked(GuardianState stored, List<Difference> differences, Long lastSeq) {
    public boolean tampered() {
      return !differences.isEmpty();
    }

    public GuardianState effective() {
      if (!tampered()) {
        return stored;
      }
      Difference d = differences.get(0);
      return new GuardianState(true, "Integrity failure: the Guardian row disagrees with the journal ("
        + d.describe() + "); locked until an admin unlocks", GuardianSource.MANUAL, stored.changedBy(),
        stored.changedAt(), stored.blockedByGuardian(), stored.locks());
    }
  }

  /**
   * The row checked against its last journal entry. A prepared statement the connection keeps: every decision reads
   * it, and as a simple query PostgreSQL parsed and planned it each time (about 140 µs of planning per decision
   * under load, more than the read itself).
   */
  public Future<Checked> checked(SqlClient c) {
    return c.preparedQuery(SELECT).execute().map(rs -> check(rs.iterator().next()));
  }

  /** The state to act on (see {@link Checked#effective()}). */
  public Future<GuardianState> get(SqlClient c) {
    return checked(c).map(Checked::effective);
  }

  /** The state, with the shared lock held until the transaction ends; the read comes after the wait. */
  public Future<GuardianState> shared(SqlClient c) {
    // sent together (one round trip): the connection runs the read once the lock statement has returned, and the
    // lock's failure (a time-out, a deadlock) is the one reported, not the aborted read behind it
    Future<?> locked = c.preparedQuery(LOCK_SHARED).execute();
    Future<GuardianState> read = get(c);
    return locked.compose(v -> read);
  }

  /** The state, with the exclusive lock and the row lock held until the transaction ends. */
  public Future<GuardianState> exclusive(SqlClient c) {
    return c.preparedQuery(LOCK_EXCLUSIVE).execute().compose(v -> c.preparedQuery(FOR_UPDATE).execute())
      .map(rs -> check(rs.iterator().next()).effective());
  }

  /** Writes the new state; {@code blocked} is added to the count of requests rejected by locks. */
  public Future<GuardianState> set(SqlClient c, boolean locked, String reason, GuardianSource source, String by,
      Instant at, long blocked) {
    return c.preparedQuery(SET).execute(Tuple.from(new Object[] {
      locked ? GuardianState.LOCKED : GuardianState.UNLOCKED, reason, source.json(), by, odt(at), blocked,
      locked ? 1L : 0L
    })).map(rs -> map(rs.iterator().next()));
  }

  /** A row read with {@link #LAST_CHANGE_COLUMNS}, checked. */
  static Checked check(Row r) {
    GuardianState stored = map(r);
    Long seq = r.getLong("j_seq");
    if (seq == null && Boolean.TRUE.equals(r.getBoolean("j_archived"))) {
      // the last change was archived with older entries: only verify with the archive can judge the row
      return new Checked(stored, List.of(), null);
    }
    JournalEntry last = seq == null ? null : new JournalEntry(seq, null, GuardEntries.GUARDIAN_TARGET,
      r.getString("j_actor"), r.getString("j_action"), null, null, Json.plainMap(r.getJsonObject("j_payload")), null,
      null, null, null, instant(r.getOffsetDateTime("j_created_at")));
    return new Checked(stored, GuardReplay.guardianAgainstLast(stored, last), seq);
  }

  static GuardianState map(Row r) {
    return new GuardianState(GuardianState.LOCKED.equals(r.getString("state")), r.getString("reason"),
      GuardianSource.parse(r.getString("source")), r.getString("changed_by"),
      instant(r.getOffsetDateTime("changed_at")), r.getLong("blocked_by_guardian"), r.getLong("locks"));
  }
}
