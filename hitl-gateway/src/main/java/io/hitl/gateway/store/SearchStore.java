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
 * History searches over approvals: one filter (status, type, approver, ticker, creation range) turned into SQL with
 * `$n` parameters, used for the page (keyset, newest first), the total and the export cursor. Each filter reads an
 * index in the page's order (V1, V26, V41), so a page stops after its rows whatever the table holds:
 *
 * <ul>
 *   <li>without {@code approver}, one leg over approvals;</li>
 *   <li>with it, two legs merged in order: the requests the approver decided (by decider, newest first) and those
 *   the approver voted on (the approver's votes, by their request's created_at). A request the approver both
 *   decided and voted on comes from both legs with the same sort key, so the two copies are adjacent in the merged
 *   order and {@code DISTINCT ON} the key keeps one without reading ahead. Excluding them from the votes' leg
 *   instead ({@code decided_by <> approver}) made that leg read every vote of an approver who decides what they
 *   vote on before finding its first row (377 ms at 10,000,000 requests). A single
 *   {@code decided_by = $1 OR EXISTS (vote)} condition could use neither index and read the whole table for an
 *   approver with few requests.</li>
 * </ul>
 *
 * <p>The total is counted up to {@link #COUNT_CAP} matches; past that it is "at least" the cap, so a search
 * matching millions answers as fast as one matching a few.
 */
public final class SearchStore {
  /** Matches counted at most; a larger set's total is reported as at least this many. */
  public static final int COUNT_CAP = 1_000;
  private static final String STATUS = " AND a.status = ANY($%d)";
  private static final String TYPE = " AND a.type = $%d";
  private static final String TICKER = " AND (a.context ->> 'ticker') = $%d";
  private static final String FROM_AT = " AND %s >= $%d";
  private static final String TO_AT = " AND %s < $%d";
  private static final String AFTER = " AND (%s, %s) < ($%d, $%d)";
  private static final String DECIDED = " FROM approvals a WHERE a.decided_by = $%d";
  private static final String VOTED = " FROM approval_votes v JOIN approvals a ON a.id = v.approval_id "
    + "WHERE v.approver = $%1$d";
  private static final String ORDER = " ORDER BY %s DESC, %s DESC";
  private static final String NEWEST_FIRST = " ORDER BY created_at DESC, id DESC";
  /** The bound of an export's legs: none in practice, but a LIMIT keeps each leg an ordered subquery to merge. */
  private static final long ALL = Long.MAX_VALUE;

  /** How many requests match: exact up to {@link #COUNT_CAP}, otherwise at least that many. */
  public record Total(long count, boolean exact) {
  }

  /**
   * One leg: its FROM and WHERE, and the expressions of its sort key (the request's created_at and id, read from
   * the index the leg walks).
   */
  record Leg(String sql, String createdAt, String id) {
  }

  /** The legs of a filter over the shared parameters {@code p}. */
  record Where(List<Leg> legs, List<Object> params) {
  }

  static Where where(HistoryFilter f, boolean withCursor) {
    List<Object> p = new ArrayList<>();
    StringBuilder common = new StringBuilder();
    if (!f.statuses().isEmpty()) {
      p.add(f.statuses().stream().map(ApprovalStatus::name).sorted().toArray(String[]::new));
      common.append(String.format(STATUS, p.size()));
    }
    if (f.type() != null) {
      p.add(f.type());
      common.append(String.format(TYPE, p.size()));
    }
    if (f.ticker() != null) {
      p.add(f.ticker());
      common.append(String.format(TICKER, p.size()));
    }
    int from = f.from() == null ? 0 : add(p, odt(f.from()));
    int to = f.to() == null ? 0 : add(p, odt(f.to()));
    int after = 0;
    if (withCursor && f.cursor() != null) {
      add(p, odt(f.cursor().createdAt()));
      after = add(p, f.cursor().id()) - 1;
    }
    List<Leg> legs = new ArrayList<>();
    if (f.approver() == null) {
      legs.add(leg(" FROM approvals a WHERE true", common, "a.created_at", "a.id", from, to, after));
    } else {
      int who = add(p, f.approver());
      legs.add(leg(String.format(DECIDED, who), common, "a.created_at", "a.id", from, to, after));
      legs.add(leg(String.format(VOTED, who), common, "v.approval_created_at", "v.approval_id", from, to, after));
    }
    return new Where(legs, p);
  }

  private static int add(List<Object> p, Object value) {
    p.add(value);
    return p.size();
  }

  private static Leg leg(String head, CharSequence common, String createdAt, String id, int from, int to, int after) {
    StringBuilder sql = new StringBuilder(head).append(common);
    if (from > 0) {
      sql.append(String.format(FROM_AT, createdAt, from));
    }
    if (to > 0) {
      sql.append(String.format(TO_AT, createdAt, to));
    }
    if (after > 0) {
      sql.append(String.format(AFTER, createdAt, id, after, after + 1));
    }
    return new Leg(sql.toString(), createdAt, id);
  }

  /** The approval columns of a leg, its sort key read from the leg's own index (same values as the row's). */
  private static String columns(Leg leg) {
    StringBuilder sb = new StringBuilder("SELECT ");
    String[] cols = ApprovalStore.COLUMNS.split(",\\s*");
    for (int i = 0; i < cols.length; i++) {
      sb.append(i == 0 ? "" : ", ");
      if (cols[i].equals("id")) {
        sb.append(leg.id()).append(" AS id");
      } else if (cols[i].equals("created_at")) {
        sb.append(leg.createdAt()).append(" AS created_at");
      } else {
        sb.append("a.").append(cols[i]);
      }
    }
    return sb.toString();
  }

  /**
   * The matching rows newest first, at most {@code $limit} (the parameter numbered {@code limit}): each leg in its
   * index's order, bounded, and the legs merged.
   */
  private static String ordered(Where w, int limit) {
    if (w.legs().size() == 1) {
      Leg leg = w.legs().get(0);
      return columns(leg) + leg.sql() + String.format(ORDER, leg.createdAt(), leg.id()) + " LIMIT $" + limit;
    }
    StringBuilder sql = new StringBuilder("SELECT DISTINCT ON (created_at, id) * FROM (");
    for (int i = 0; i < w.legs().size(); i++) {
      Leg leg = w.legs().get(i);
      sql.append(i == 0 ? "(" : " UNION ALL (").append(columns(leg)).append(leg.sql())
        .append(String.format(ORDER, leg.createdAt(), leg.id())).append(" LIMIT $").append(limit).append(")");
    }
    return sql.append(") u").append(NEWEST_FIRST).append(" LIMIT $").append(limit).toString();
  }

  /**
   * One page of {@code f.limit()} rows after its cursor, plus one more to tell whether another page follows, each
   * with its history ({@link HistoryStore#page}) read in the same statement.
   */
  public Future<List<HistoryStore.Read>> pageWithHistories(SqlClient c, HistoryFilter f, HistoryStore histories) {
    Where w = where(f, true);
    List<Object> p = new ArrayList<>(w.params());
    p.add(f.limit() + 1);
    return histories.page(c, ordered(w, p.size()), p, NEWEST_FIRST);
  }

  /**
   * How many requests match, whatever the page, counted up to {@link #COUNT_CAP}: each leg stops after one more
   * than the cap, and a request both legs hold counts once. If a leg stopped, at least cap + 1 distinct requests
   * match; if neither did, the count is exact.
   */
  public Future<Total> count(SqlClient c, HistoryFilter f) {
    Where w = where(f, false);
    List<Object> p = new ArrayList<>(w.params());
    p.add(COUNT_CAP + 1);
    StringBuilder sql = new StringBuilder("SELECT count(DISTINCT id) FROM (");
    for (int i = 0; i < w.legs().size(); i++) {
      Leg leg = w.legs().get(i);
      sql.append(i == 0 ? "(" : " UNION ALL (").append("SELECT ").append(leg.id()).append(" AS id").append(leg.sql())
        .append(" LIMIT $").append(p.size()).append(")");
    }
    sql.append(") c");
    return c.preparedQuery(sql.toString()).execute(Tuple.from(p)).map(rs -> {
      long n = rs.iterator().next().getLong(0);
      return new Total(Math.min(n, COUNT_CAP), n <= COUNT_CAP);
    });
  }

  /**
   * Every matching row, newest first, from a cursor fetching {@code fetch} rows at a time; call it inside a
   * transaction on {@code c} (PostgreSQL cursors live in one) and close the stream when done. The transaction
   * plans for the first rows rather than for all of them (sorting off), so the rows come in the order of the
   * indexes the filter reads and the first ones leave at once, whatever the set's size.
   */
  public Future<RowStream<Row>> stream(SqlConnection c, HistoryFilter f, int fetch) {
    Where w = where(f, false);
    List<Object> p = new ArrayList<>(w.params());
    p.add(ALL);
    return c.query("SET LOCAL enable_sort = off").execute()
      .compose(v -> c.prepare(ordered(w, p.size())))
      .map(ps -> ps.createStream(fetch, Tuple.from(p)));
  }

  /** One streamed row as an approval. */
  public static Approval approval(Row r) {
    return ApprovalStore.map(r);
  }
}
