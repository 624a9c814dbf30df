package io.hitl.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster-wide figures behind the metrics gauges: pending requests by type, waiting notification jobs and
 * whether the Guardian is locked.
 */
public final class MetricsStore {
  /** Reads the pending rows through the partial index approvals_pending_by_expiry. */
  private static final String PENDING = "SELECT type, count(*), min(created_at) FROM approvals "
    + "WHERE status = 'PENDING' GROUP BY type";
  /** Reads the waiting jobs through the partial index outbox_due. */
  private static final String OUTBOX = "SELECT channel, count(*) FROM outbox WHERE status = 'pending' GROUP BY channel";
  private static final String GUARDIAN = "SELECT state FROM guardian_state WHERE id = 1";
  /** Personas a pending request's policy snapshot names that nobody has acknowledged yet. */
  private static final String PERSONAS_PENDING = "SELECT count(*) FROM approvals a CROSS JOIN LATERAL "
    + "jsonb_array_elements(CASE WHEN jsonb_typeof(a.policy -> 'acknowledgements') = 'array' "
    + "THEN a.policy -> 'acknowledgements' ELSE '[]'::jsonb END) p WHERE a.status = 'PENDING' AND NOT EXISTS "
    + "(SELECT 1 FROM approval_acknowledgements k WHERE k.approval_id = a.id AND k.persona = p ->> 'persona')";

  /** Pending requests of one type and when the oldest of them was created. */
  public record PendingByType(String type, long count, Instant oldestCreatedAt) {
  }

  public record OutboxByChannel(String channel, long count) {
  }

  public Future<List<PendingByType>> pending(SqlClient c) {
    return c.query(PENDING).execute().map(rs -> {
      List<PendingByType> l = new ArrayList<>();
      for (Row r : rs) {
        OffsetDateTime oldest = r.getOffsetDateTime(2);
        l.add(new PendingByType(r.getString(0), r.getLong(1), oldest == null ? null : oldest.toInstant()));
      }
      return l;
    });
  }

  public Future<List<OutboxByChannel>> outbox(SqlClient c) {
    return c.query(OUTBOX).execute().map(rs -> {
      List<OutboxByChannel> l = new ArrayList<>();
      for (Row r : rs) {
        l.add(new OutboxByChannel(r.getString(0), r.getLong(1)));
      }
      return l;
    });
  }

  public Future<Long> personasPending(SqlClient c) {
    return c.query(PERSONAS_PENDING).execute().map(rs -> rs.iterator().next().getLong(0));
  }

  /** True when the Guardian kill switch is locked (a missing row reads as locked, as the Guardian fails closed). */
  public Future<Boolean> guardianLocked(SqlClient c) {
    return c.query(GUARDIAN).execute().map(rs -> {
      var it = rs.iterator();
      return !it.hasNext() || !"UNLOCKED".equals(it.next().getString(0));
    });
  }
}
