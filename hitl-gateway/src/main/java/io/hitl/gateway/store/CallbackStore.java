package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.odt;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.UUID;

/** The callback URL a request named at create (write-once; see V12). */
public final class CallbackStore {
  private static final String INSERT = "INSERT INTO approval_callbacks (approval_id, url, created_at) VALUES ($1, $2, $3)";
  private static final String COPY = "INSERT INTO approval_callbacks (approval_id, url, created_at) "
    + "SELECT $2, url, $3 FROM approval_callbacks WHERE approval_id = $1 RETURNING url";
  private static final String FIND = "SELECT url FROM approval_callbacks WHERE approval_id = $1";

  public Future<Void> insert(SqlClient c, UUID approvalId, String url, Instant now) {
    return c.preparedQuery(INSERT).execute(Tuple.of(approvalId, url, odt(now))).mapEmpty();
  }

  /** Gives request {@code to} the callback of request {@code from}; the URL copied, or null when there was none. */
  public Future<String> copy(SqlClient c, UUID from, UUID to, Instant now) {
    return c.preparedQuery(COPY).execute(Tuple.of(from, to, odt(now))).map(rs -> {
      for (Row r : rs) {
        return r.getString("url");
      }
      return null;
    });
  }

  /** The request's callback URL, or null when it named none. */
  public Future<String> find(SqlClient c, UUID approvalId) {
    return c.preparedQuery(FIND).execute(Tuple.of(approvalId)).map(rs -> {
      for (Row r : rs) {
        return r.getString("url");
      }
      return null;
    });
  }
}
