package io.hitl.gateway.store;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.Idempotency;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** SQL of idempotent creates: the in-flight mark of a submitter's key, and the requests a create collides with. */
public final class IdempotencyStore {
  /** Held until the create's transaction ends, on every node: a second holder is a duplicate still in flight. */
  private static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock($1, $2)";
  private static final String COLLISIONS = "SELECT " + ApprovalStore.COLUMNS + ", request_hash, "
    + "(requested_by = $1 AND idempotency_key IS NOT DISTINCT FROM $2) AS by_key FROM approvals "
    + "WHERE (requested_by = $1 AND idempotency_key = $2) OR trade_id = $3";

  /** A stored request a create collided with, its fingerprint, and whether the submitter's key matched it. */
  public record Collision(Approval approval, String requestHash, boolean byKey) {
    public Idempotency.Stored stored() {
      return new Idempotency.Stored(approval.requestedBy(), requestHash);
    }
  }

  /** True when this transaction now marks the submitter's key in flight (or already did); false when another does. */
  public Future<Boolean> tryMark(SqlClient c, String submitter, String key) {
    return c.preparedQuery(TRY_LOCK).execute(Tuple.of(Idempotency.LOCK_SPACE, Idempotency.lockKey(submitter, key)))
      .map(rs -> rs.iterator().next().getBoolean(0));
  }

  public Future<List<Collision>> collisions(SqlClient c, String submitter, String key, String tradeId) {
    return c.preparedQuery(COLLISIONS).execute(Tuple.of(submitter, key, tradeId)).map(rs -> {
      List<Collision> l = new ArrayList<>();
      rs.forEach(r -> l.add(new Collision(ApprovalStore.map(r), r.getString("request_hash"),
        Boolean.TRUE.equals(r.getBoolean("by_key")))));
      return l;
    });
  }
}
