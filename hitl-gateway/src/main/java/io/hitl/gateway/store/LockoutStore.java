package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.instant;
import static io.hitl.gateway.store.Json.odt;

import io.hitl.gateway.core.guard.Lockout;
import io.hitl.gateway.core.guard.LockoutSource;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Symbol lockouts; "active" is always judged against the gateway clock passed in, never the database's. */
public final class LockoutStore {
  private static final String COLUMNS = "id, ticker, reason, source, created_by, created_at, until, removed_at, "
    + "removed_by, removed_reason";
  private static final String INSERT = "INSERT INTO symbol_lockouts (" + COLUMNS + ") "
    + "VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, NULL)";
  private static final String ACTIVE_FOR = "SELECT " + COLUMNS + " FROM symbol_lockouts "
    + "WHERE ticker = $1 AND removed_at IS NULL AND until > $2 ORDER BY until DESC, id LIMIT 1";
  private static final String ACTIVE = "SELECT " + COLUMNS + " FROM symbol_lockouts "
    + "WHERE removed_at IS NULL AND until > $1 ORDER BY ticker, until DESC, id LIMIT $2";
  private static final String PAGE = "SELECT " + COLUMNS + " FROM symbol_lockouts WHERE id > $1 ORDER BY id LIMIT $2";
  private static final String FOR_UPDATE = "SELECT " + COLUMNS + " FROM symbol_lockouts WHERE id = $1 FOR UPDATE";
  private static final String REMOVE = "UPDATE symbol_lockouts SET removed_at = $2, removed_by = $3, "
    + "removed_reason = $4 WHERE id = $1 AND removed_at IS NULL RETURNING " + COLUMNS;

  public Future<Void> insert(SqlClient c, Lockout l) {
    return c.preparedQuery(INSERT).execute(Tuple.from(new Object[] {
      l.id(), l.ticker(), l.reason(), l.source().json(), l.createdBy(), odt(l.createdAt()), odt(l.until())
    })).mapEmpty();
  }

  /** The lockout of {@code ticker} that lasts longest, or null when none applies at {@code now}. */
  public Future<Lockout> activeFor(SqlClient c, String ticker, Instant now) {
    return c.preparedQuery(ACTIVE_FOR).execute(Tuple.of(ticker, odt(now))).map(LockoutStore::first);
  }

  public Future<List<Lockout>> active(SqlClient c, Instant now, int limit) {
    return c.preparedQuery(ACTIVE).execute(Tuple.of(odt(now), limit)).map(rs -> {
      List<Lockout> l = new ArrayList<>();
      rs.forEach(r -> l.add(map(r)));
      return l;
    });
  }

  /** Lockouts with ids after {@code afterId}, in id order, removed ones too: a page of a full read. */
  public Future<List<Lockout>> pageAfter(SqlClient c, UUID afterId, int limit) {
    return c.preparedQuery(PAGE).execute(Tuple.of(afterId, limit)).map(rs -> {
      List<Lockout> l = new ArrayList<>();
      rs.forEach(r -> l.add(map(r)));
      return l;
    });
  }

  public Future<Lockout> forUpdate(SqlClient c, UUID id) {
    return c.preparedQuery(FOR_UPDATE).execute(Tuple.of(id)).map(LockoutStore::first);
  }

  public Future<Lockout> remove(SqlClient c, UUID id, String by, String reason, Instant at) {
    return c.preparedQuery(REMOVE).execute(Tuple.of(id, odt(at), by, reason)).map(LockoutStore::first);
  }

  private static Lockout first(RowSet<Row> rs) {
    return rs.iterator().hasNext() ? map(rs.iterator().next()) : null;
  }

  static Lockout map(Row r) {
    return new Lockout(r.getUUID("id"), r.getString("ticker"), r.getString("reason"),
      LockoutSource.parse(r.getString("source")), r.getString("created_by"), instant(r.getOffsetDateTime("created_at")),
      instant(r.getOffsetDateTime("until")), instant(r.getOffsetDateTime("removed_at")), r.getString("removed_by"),
      r.getString("removed_reason"));
  }
}
