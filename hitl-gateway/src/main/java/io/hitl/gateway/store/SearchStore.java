package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.odt;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.HistoryFilter;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowStream;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * History searches over approvals: one filter (status, type, approver, ticker, creation range) turned into one
 * WHERE clause with `$n` parameters, used for the page (keyset, newest first), the total and the export cursor.
 * The indexes of V26 serve each filter.
 */
public final class SearchStore {
  private static final String FROM = " FROM approvals a WHERE true";
  private static final String STATUS = " AND a.status = ANY($%d)";
  private static final String TYPE = " AND a.type = $%d";
  /** Who decided it, or anyone who voted on it (a quorum has several approvers). */
  private static final String APPROVER = " AND (a.decided_by = $%1$d OR EXISTS (SELECT 1 FROM approval_votes v "
    + "WHERE v.approval_id = a.id AND v.approver = $%1$d))";
  private static final String TICKER = " AND (a.context ->> 'ticker') = $%d";
  private static final String CREATED_FROM = " AND a.created_at >= $%d";
  private static final String CREATED_TO = " AND a.created_at < $%d";
  private static final String AFTER = " AND (a.created_at, a.id) < ($%d, $%d)";
  private static final String NEWEST_FIRST = " ORDER BY a.created_at DESC, a.id DESC";
  private static final String LIMIT = " LIMIT $%d";
  private static final String COUNT = "SELECT count(*)";

  /** A WHERE clause and its parameters. */
  record Where(String sql, List<Object> params) {
  }

  static Where where(HistoryFilter f, boolean withCursor) {
    List<Object> p = new ArrayList<>();
    StringBuilder sql = new StringBuilder(FROM);
    if (!f.statuses().isEmpty()) {
      p.add(f.statuses().stream().map(ApprovalStatus::name).sorted().toArray(String[]::new));
      sql.append(String.format(STATUS, p.size()));
    }
    if (f.type() != null) {
      p.add(f.type());
      sql.append(String.format(TYPE, p.size()));
    }
    if (f.approver() != null) {
      p.add(f.approver());
      sql.append(String.format(APPROVER, p.size()));
    }
    if (f.ticker() != null) {
      p.add(f.ticker());
      sql.append(String.format(TICKER, p.size()));
    }
    if (f.from() != null) {
      p.add(odt(f.from()));
      sql.append(String.format(CREATED_FROM, p.size()));
    }
    if (f.to() != null) {
      p.add(odt(f.to()));
      sql.append(String.format(CREATED_TO, p.size()));
    }
    if (withCursor && f.cursor() != null) {
      p.add(odt(f.cursor().createdAt()));
      p.add(f.cursor().id());
      sql.append(String.format(AFTER, p.size() - 1, p.size()));
    }
    return new Where(sql.toString(), p);
  }

  private static String columns() {
    StringBuilder sb = new StringBuilder("SELECT ");
    String[] cols = ApprovalStore.COLUMNS.split(",\\s*");
    for (int i = 0; i < cols.length; i++) {
      sb.append(i == 0 ? "" : ", ").append("a.").append(cols[i]);
    }
    return sb.toString();
  }

  /** One page of {@code f.limit()} rows after its cursor, plus one more to tell whether another page follows. */
  public Future<List<Approval>> page(SqlClient c, HistoryFilter f) {
    Where w = where(f, true);
    List<Object> p = new ArrayList<>(w.params());
    p.add(f.limit() + 1);
    String sql = columns() + w.sql() + NEWEST_FIRST + String.format(LIMIT, p.size());
    return c.preparedQuery(sql).execute(Tuple.from(p)).map(rs -> {
      List<Approval> l = new ArrayList<>();
      rs.forEach(r -> l.add(ApprovalStore.map(r)));
      return l;
    });
  }

  /** How many requests match, whatever the page. */
  public Future<Long> count(SqlClient c, HistoryFilter f) {
    Where w = where(f, false);
    return c.preparedQuery(COUNT + w.sql()).execute(Tuple.from(w.params()))
      .map(rs -> rs.iterator().next().getLong(0));
  }

  /**
   * Every matching row, newest first, from a cursor fetching {@code fetch} rows at a time; call it inside a
   * transaction on {@code c} (PostgreSQL cursors live in one) and close the stream when done.
   */
  public Future<RowStream<Row>> stream(SqlConnection c, HistoryFilter f, int fetch) {
    Where w = where(f, false);
    return c.prepare(columns() + w.sql() + NEWEST_FIRST).map(ps -> ps.createStream(fetch, Tuple.from(w.params())));
  }

  /** One streamed row as an approval. */
  public static Approval approval(Row r) {
    return ApprovalStore.map(r);
  }
}
