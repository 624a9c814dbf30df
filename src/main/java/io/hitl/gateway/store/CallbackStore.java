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
  private static final String FIND = "SELECT url FROM approval_callbacks WHERE approval_id = $1";

  public Future<Void> insert(SqlClient c, UUID approvalId, String url, Instant now) {
    return c.preparedQuery(INSERT).execute(Tuple.of(approvalId, url, odt(now))).mapEmpty();
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
