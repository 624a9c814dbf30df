package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.instant;
import static io.hitl.gateway.store.Json.odt;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL of persona acknowledgements; written by the approval service under the request's row lock. */
public final class AcknowledgementStore {
  private static final String INSERT = "INSERT INTO approval_acknowledgements (approval_id, persona, acknowledged_by, "
    + "comment, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";
  private static final String SELECT = "SELECT persona, acknowledged_by, comment, created_at "
    + "FROM approval_acknowledgements WHERE approval_id = $1 ORDER BY created_at, persona";

  private static final String OF_MANY = "SELECT approval_id, persona, acknowledged_by, comment, created_at "
    + "FROM approval_acknowledgements WHERE approval_id = ANY($1) ORDER BY created_at, persona";

  public record Acknowledgement(String persona, String by, String comment, Instant at) {
  }

  /** The acknowledgements of these requests, by request (requests with none are absent). */
  public Future<java.util.Map<UUID, List<Acknowledgement>>> byRequests(SqlClient c, java.util.Collection<UUID> ids) {
    return c.preparedQuery(OF_MANY).execute(Tuple.of(ids.toArray(new UUID[0]))).map(rs -> {
      java.util.Map<UUID, List<Acknowledgement>> m = new java.util.HashMap<>();
      rs.forEach(r -> m.computeIfAbsent(r.getUUID("approval_id"), k -> new ArrayList<>()).add(new Acknowledgement(
        r.getString("persona"), r.getString("acknowledged_by"), r.getString("comment"),
        instant(r.getOffsetDateTime("created_at")))));
      return m;
    });
  }

  /** True when this persona's box was not ticked yet. */
  public Future<Boolean> insert(SqlClient c, UUID id, String persona, String by, String comment, Instant at) {
    return c.preparedQuery(INSERT).execute(Tuple.of(id, persona, by, comment, odt(at))).map(rs -> rs.rowCount() == 1);
  }

  public Future<List<Acknowledgement>> list(SqlClient c, UUID id) {
    return c.preparedQuery(SELECT).execute(Tuple.of(id)).map(rs -> {
      List<Acknowledgement> l = new ArrayList<>();
      rs.forEach(r -> l.add(new Acknowledgement(r.getString("persona"), r.getString("acknowledged_by"),
        r.getString("comment"), instant(r.getOffsetDateTime("created_at")))));
      return l;
    });
  }
}
