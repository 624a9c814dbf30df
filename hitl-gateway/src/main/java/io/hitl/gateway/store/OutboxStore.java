package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.json;
import static io.hitl.gateway.store.Json.odt;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Notification jobs, written in the same transaction as the state change they announce (SPEC I3). */
public final class OutboxStore {
  private static final String INSERT = "INSERT INTO outbox (approval_id, channel, kind, payload, status, attempts, "
    + "next_attempt_at, created_at, updated_at) VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5, $5)";

  public record Job(UUID approvalId, String channel, String kind, Map<String, Object> payload) {
  }

  public Future<Void> insert(SqlClient c, List<Job> jobs, Instant at) {
    if (jobs.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>();
    for (Job j : jobs) {
      batch.add(Tuple.of(j.approvalId(), j.channel(), j.kind(), json(j.payload()), odt(at)));
    }
    return c.preparedQuery(INSERT).executeBatch(batch).mapEmpty();
  }
}
