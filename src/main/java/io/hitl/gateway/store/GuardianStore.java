package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.instant;
import static io.hitl.gateway.store.Json.odt;

import io.hitl.gateway.core.guard.GuardianSource;
import io.hitl.gateway.core.guard.GuardianState;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;

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
  static final String LOCK_SHARED = "SELECT pg_advisory_xact_lock_shared(" + GUARDIAN_LOCK + ")";
  private static final String LOCK_EXCLUSIVE = "SELECT pg_advisory_xact_lock(" + GUARDIAN_LOCK + ")";
  private static final String COLUMNS = "state, reason, source, changed_by, changed_at, blocked_by_guardian, locks";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM guardian_state WHERE id = 1";
  private static final String FOR_UPDATE = SELECT + " FOR UPDATE";
  private static final String SET = "UPDATE guardian_state SET state = $1, reason = $2, source = $3, changed_by = $4, "
    + "changed_at = $5, blocked_by_guardian = blocked_by_guardian + $6, locks = locks + $7 WHERE id = 1 "
    + "RETURNING " + COLUMNS;

  public Future<GuardianState> get(SqlClient c) {
    return c.query(SELECT).execute().map(rs -> map(rs.iterator().next()));
  }

  /** The state, with the shared lock held until the transaction ends; the read comes after the wait. */
  public Future<GuardianState> shared(SqlClient c) {
    return c.query(LOCK_SHARED).execute().compose(v -> get(c));
  }

  /** The state, with the exclusive lock and the row lock held until the transaction ends. */
  public Future<GuardianState> exclusive(SqlClient c) {
    return c.query(LOCK_EXCLUSIVE).execute().compose(v -> c.query(FOR_UPDATE).execute())
      .map(rs -> map(rs.iterator().next()));
  }

  /** Writes the new state; {@code blocked} is added to the count of requests rejected by locks. */
  public Future<GuardianState> set(SqlClient c, boolean locked, String reason, GuardianSource source, String by,
      Instant at, long blocked) {
    return c.preparedQuery(SET).execute(Tuple.from(new Object[] {
      locked ? GuardianState.LOCKED : GuardianState.UNLOCKED, reason, source.json(), by, odt(at), blocked,
      locked ? 1L : 0L
    })).map(rs -> map(rs.iterator().next()));
  }

  static GuardianState map(Row r) {
    return new GuardianState(GuardianState.LOCKED.equals(r.getString("state")), r.getString("reason"),
      GuardianSource.parse(r.getString("source")), r.getString("changed_by"),
      instant(r.getOffsetDateTime("changed_at")), r.getLong("blocked_by_guardian"), r.getLong("locks"));
  }
}
