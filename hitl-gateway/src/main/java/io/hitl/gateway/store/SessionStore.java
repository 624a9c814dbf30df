package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.instant;
import static io.hitl.gateway.store.Json.odt;

import io.hitl.gateway.core.session.EngineSession;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;

/**
 * Engine sessions and the requests bound to them. A create holds its session's row FOR SHARE while it binds
 * a request; the sweep holds it FOR UPDATE while it lapses the session and cancels what is bound, so a
 * request is either bound before the lapse (and cancelled by it) or refused.
 */
public final class SessionStore {
  private static final String COLUMNS = "id, owner, timeout_seconds, opened_at, last_seen_at, lapsed_at, closed_at, "
    + "cancelled";
  private static final String INSERT = "INSERT INTO engine_sessions (id, owner, timeout_seconds, opened_at, "
    + "last_seen_at) VALUES ($1, $2, $3, $4, $5)";
  private static final String FIND = "SELECT " + COLUMNS + " FROM engine_sessions WHERE id = $1";
  private static final String FOR_SHARE = FIND + " FOR SHARE";
  private static final String FOR_UPDATE = FIND + " FOR UPDATE";
  private static final String HEARTBEAT = "UPDATE engine_sessions SET last_seen_at = greatest(last_seen_at, $3) "
    + "WHERE id = $1 AND owner = $2 AND lapsed_at IS NULL AND closed_at IS NULL RETURNING " + COLUMNS;
  /** Open sessions past their deadline; each is lapsed in its own transaction, which checks it again. */
  private static final String DUE = "SELECT " + COLUMNS + " FROM engine_sessions WHERE lapsed_at IS NULL "
    + "AND closed_at IS NULL AND last_seen_at + make_interval(secs => timeout_seconds) < $1 "
    + "ORDER BY last_seen_at LIMIT $2";
  private static final String LAPSE = "UPDATE engine_sessions SET lapsed_at = $2, cancelled = $3 WHERE id = $1 "
    + "RETURNING " + COLUMNS;
  private static final String CLOSE = "UPDATE engine_sessions SET closed_at = $2, cancelled = $3 WHERE id = $1 "
    + "RETURNING " + COLUMNS;
  private static final String PAGE = "SELECT " + COLUMNS + " FROM engine_sessions WHERE id > $1 ORDER BY id LIMIT $2";
  private static final String BINDINGS_PAGE = "SELECT approval_id, session_id FROM session_requests "
    + "WHERE approval_id > $1 ORDER BY approval_id LIMIT $2";
  private static final String BIND = "INSERT INTO session_requests (approval_id, session_id) VALUES ($1, $2)";
  private static final String PENDING_BOUND = "SELECT a.id FROM session_requests r JOIN approvals a "
    + "ON a.id = r.approval_id WHERE r.session_id = $1 AND a.status = 'PENDING' ORDER BY a.id";
  private static final String CANCELLED = "SELECT a.id FROM session_requests r JOIN approvals a "
    + "ON a.id = r.approval_id WHERE r.session_id = $1 AND a.status = 'CANCELLED' AND a.decision_reason = $2 "
    + "ORDER BY a.decided_at, a.id LIMIT $3";

  public Future<Void> insert(SqlClient c, EngineSession s) {
    return c.preparedQuery(INSERT).execute(Tuple.of(s.id(), s.owner(), s.timeoutSeconds(), odt(s.openedAt()),
      odt(s.lastSeenAt()))).mapEmpty();
  }

  public Future<EngineSession> find(SqlClient c, UUID id) {
    return c.preparedQuery(FIND).execute(Tuple.of(id)).map(SessionStore::first);
  }

  public Future<EngineSession> forShare(SqlClient c, UUID id) {
    return c.preparedQuery(FOR_SHARE).execute(Tuple.of(id)).map(SessionStore::first);
  }

  public Future<EngineSession> forUpdate(SqlClient c, UUID id) {
    return c.preparedQuery(FOR_UPDATE).execute(Tuple.of(id)).map(SessionStore::first);
  }

  /** The session after a heartbeat; null when it is not the owner's or has lapsed. */
  public Future<EngineSession> heartbeat(SqlClient c, UUID id, String owner, Instant at) {
    return c.preparedQuery(HEARTBEAT).execute(Tuple.of(id, owner, odt(at))).map(SessionStore::first);
  }

  public Future<List<EngineSession>> due(SqlClient c, Instant now, int limit) {
    return c.preparedQuery(DUE).execute(Tuple.of(odt(now), limit)).map(rs -> {
      List<EngineSession> l = new ArrayList<>();
      rs.forEach(r -> l.add(map(r)));
      return l;
    });
  }

  public Future<EngineSession> lapse(SqlClient c, UUID id, Instant at, int cancelled) {
    return c.preparedQuery(LAPSE).execute(Tuple.of(id, odt(at), cancelled)).map(SessionStore::first);
  }

  public Future<EngineSession> close(SqlClient c, UUID id, Instant at, int cancelled) {
    return c.preparedQuery(CLOSE).execute(Tuple.of(id, odt(at), cancelled)).map(SessionStore::first);
  }

  /** Sessions by id after {@code afterId}, for verify's comparison with the journal. */
  public Future<List<EngineSession>> pageAfter(SqlClient c, UUID afterId, int limit) {
    return c.preparedQuery(PAGE).execute(Tuple.of(afterId, limit)).map(rs -> {
      List<EngineSession> l = new ArrayList<>();
      rs.forEach(r -> l.add(map(r)));
      return l;
    });
  }

  /** Bindings (request id → session id) by request id after {@code afterId}, in order. */
  public Future<LinkedHashMap<UUID, UUID>> bindingsAfter(SqlClient c, UUID afterId, int limit) {
    return c.preparedQuery(BINDINGS_PAGE).execute(Tuple.of(afterId, limit)).map(rs -> {
      LinkedHashMap<UUID, UUID> m = new LinkedHashMap<>();
      rs.forEach(r -> m.put(r.getUUID(0), r.getUUID(1)));
      return m;
    });
  }

  public Future<Void> bind(SqlClient c, UUID sessionId, UUID approvalId) {
    return c.preparedQuery(BIND).execute(Tuple.of(approvalId, sessionId)).mapEmpty();
  }

  public Future<List<UUID>> pendingBound(SqlClient c, UUID sessionId) {
    return c.preparedQuery(PENDING_BOUND).execute(Tuple.of(sessionId)).map(SessionStore::ids);
  }

  /** The session's requests cancelled because it ended (lapsed or closed: the reason says which), oldest first. */
  public Future<List<UUID>> cancelled(SqlClient c, UUID sessionId, String reason, int limit) {
    return c.preparedQuery(CANCELLED).execute(Tuple.of(sessionId, reason, limit)).map(SessionStore::ids);
  }

  private static List<UUID> ids(RowSet<Row> rs) {
    List<UUID> l = new ArrayList<>();
    rs.forEach(r -> l.add(r.getUUID(0)));
    return l;
  }

  private static EngineSession first(RowSet<Row> rs) {
    return rs.iterator().hasNext() ? map(rs.iterator().next()) : null;
  }

  static EngineSession map(Row r) {
    return new EngineSession(r.getUUID("id"), r.getString("owner"), r.getInteger("timeout_seconds"),
      instant(r.getOffsetDateTime("opened_at")), instant(r.getOffsetDateTime("last_seen_at")),
      instant(r.getOffsetDateTime("lapsed_at")), instant(r.getOffsetDateTime("closed_at")), r.getInteger("cancelled"));
  }
}
