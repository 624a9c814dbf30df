package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.instant;
import static io.hitl.gateway.store.Json.odt;

import io.hitl.gateway.core.guard.ApprovalSettings;
import io.hitl.gateway.core.guard.GuardianState;
import io.hitl.gateway.core.guard.Lockout;
import io.hitl.gateway.core.guard.LockoutSource;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;

/** Everything a create checks: the Guardian row (under the shared Guardian lock), settings, the ticker's lockout. */
public final class AdmissionStore {
  private static final String SELECT = "SELECT g.state, g.reason, g.source, g.changed_by, g.changed_at, "
    + "g.blocked_by_guardian, g.locks, s.trading_mode, s.auto_approve_paper, s.require_approval_for_live, "
    + "s.hitl_enabled, s.updated_by, s.updated_at, l.id, l.ticker, l.reason AS l_reason, l.source AS l_source, "
    + "l.created_by, l.created_at, l.until, l.removed_at, l.removed_by, l.removed_reason, "
    + GuardianStore.LAST_CHANGE_COLUMNS + " FROM guardian_state g CROSS JOIN approval_settings s "
    + GuardianStore.LAST_CHANGE_JOIN + " "
    + "LEFT JOIN LATERAL (SELECT * FROM symbol_lockouts WHERE ticker = $1 AND removed_at IS NULL AND until > $2 "
    + "ORDER BY until DESC, id LIMIT 1) l ON true "
    + "WHERE g.id = 1 AND s.id = 1";

  public record Facts(GuardianState guardian, ApprovalSettings settings, Lockout lockout) {
  }

  /**
   * {@code ticker} may be null (requests that are not trades); the shared Guardian lock is held until commit. The
   * lock and the read are sent together (pipelined): the connection runs them in order, so the read starts once
   * the lock is held, and the caller may send its next statements behind them without waiting.
   */
  public Future<Facts> read(SqlClient c, String ticker, Instant now) {
    Future<?> locked = c.preparedQuery(GuardianStore.LOCK_SHARED).execute();
    Future<io.vertx.sqlclient.RowSet<Row>> read = c.preparedQuery(SELECT).execute(Tuple.of(ticker, odt(now)));
    // the lock's failure (a lock time-out, a deadlock) is the one reported, as when the read waited for it
    return locked.compose(v -> read).map(rs -> {
      Row r = rs.iterator().next();
      Lockout lockout = r.getUUID("id") == null ? null : new Lockout(r.getUUID("id"), r.getString("ticker"),
        r.getString("l_reason"), LockoutSource.parse(r.getString("l_source")),
        r.getString("created_by"), instant(r.getOffsetDateTime("created_at")),
        instant(r.getOffsetDateTime("until")), null, null, null);
      return new Facts(GuardianStore.check(r).effective(), SettingsStore.map(r), lockout);
    });
  }
}
