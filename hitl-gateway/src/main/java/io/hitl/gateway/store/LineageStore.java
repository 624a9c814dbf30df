package io.hitl.gateway.store;

import io.hitl.gateway.core.policy.LineageRules;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** SQL of re-request lineages: requests whose lineage_id is the first request's id. */
public final class LineageStore {
  private static final String STATS = "SELECT count(*) AS n, (SELECT id FROM approvals WHERE lineage_id = $1 "
    + "ORDER BY created_at DESC, id DESC LIMIT 1) AS newest FROM approvals WHERE lineage_id = $1";

  /** How many re-requests the lineage of {@code root} has and its newest request (the root when none). */
  public Future<LineageRules.Lineage> lineage(SqlClient c, UUID root) {
    return c.preparedQuery(STATS).execute(Tuple.of(root)).map(rs -> {
      var r = rs.iterator().next();
      UUID newest = r.getUUID("newest");
      return new LineageRules.Lineage(root, r.getLong("n").intValue(), newest == null ? root : newest);
    });
  }
}
