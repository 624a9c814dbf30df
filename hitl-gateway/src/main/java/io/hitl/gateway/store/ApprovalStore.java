package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.instant;
import static io.hitl.gateway.store.Json.json;
import static io.hitl.gateway.store.Json.odt;
import static io.hitl.gateway.store.Json.plainMap;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.ApprovalTypes;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** SQL for approvals and votes; every write goes through the approval verticle's transactions. */
public final class ApprovalStore {
  static final String COLUMNS = "id, type, title, description, context, trade_id, requested_by, "
    + "correlation_id, idempotency_key, policy, policy_hash, status, required_approvals, expires_at, escalate_at, "
    + "escalation_level, lineage_id, decided_at, decided_by, decision_channel, decision_reason, decision_comment, "
    + "overrides, row_hash, created_at, journal_seq, journal_hash, row_hash_version";

  private static final String INSERT = "INSERT INTO approvals (" + COLUMNS + ", request_hash) VALUES ($1, $2, $3, "
    + "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, "
    + "$27, $28, $29) "
    + "ON CONFLICT DO NOTHING RETURNING id";
  private static final String SELECT_BY_ID = "SELECT " + COLUMNS + " FROM approvals WHERE id = $1";
  private static final String SELECT_BY_IDS = "SELECT " + COLUMNS + " FROM approvals WHERE id = ANY($1)";
  private static final String SELECT_FOR_UPDATE = SELECT_BY_ID + " FOR UPDATE";
  /** The linearization point of every terminal outcome (SPEC I1). */
  private static final String UPDATE_TERMINAL = "UPDATE approvals SET status = $2, decided_at = $3, decided_by = $4, "
    + "decision_channel = $5, decision_reason = $6, decision_comment = $7, row_hash = $8, overrides = $9 "
    + "WHERE id = $1 AND status = 'PENDING'";
  /** Links a row to the journal entry that produced it, with the row hash that covers the link. */
  private static final String LINK = "UPDATE approvals SET journal_seq = $2, journal_hash = $3, row_hash = $4, "
    + "row_hash_version = 2 WHERE id = $1";
  /** Writes back the row its journal gives, over a row that was found edited (conditional on what was read). */
  private static final String RESTORE = "UPDATE approvals SET type = $2, title = $3, description = $4, context = $5, "
    + "trade_id = $6, requested_by = $7, correlation_id = $8, idempotency_key = $9, policy = $10, policy_hash = $11, "
    + "status = $12, required_approvals = $13, expires_at = $14, escalate_at = $15, escalation_level = $16, "
    + "lineage_id = $17, decided_at = $18, decided_by = $19, decision_channel = $20, decision_reason = $21, "
    + "decision_comment = $22, overrides = $23, row_hash = $24, created_at = $25, journal_seq = $26, "
    + "journal_hash = $27, row_hash_version = $28 WHERE id = $1 AND row_hash IS NOT DISTINCT FROM $29";
  private static final String DELETE_VOTES = "DELETE FROM approval_votes WHERE approval_id = $1";
  /** A vote, with its request's created_at (the approver's history index is ordered by it). */
  private static final String INSERT_VOTE = "INSERT INTO approval_votes (approval_id, approver, decision, channel, "
    + "comment, created_at, approval_created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING";
  private static final String SELECT_APPROVERS = "SELECT approver FROM approval_votes "
    + "WHERE approval_id = $1 AND decision = 'APPROVE' ORDER BY created_at, approver";
  private static final String PAGE_BY_ID = "SELECT " + COLUMNS + " FROM approvals WHERE id > $1 ORDER BY id LIMIT $2";
  /** A batch of pending requests, row-locked, for the Guardian lock cascade. */
  private static final String PENDING_FOR_UPDATE = "SELECT " + COLUMNS + " FROM approvals WHERE status = 'PENDING' "
    + "ORDER BY id LIMIT $1 FOR UPDATE";
  /**
   * Pending trades whose context (or one trade of a batch) carries {@code $1} = {@code $2}, after id {@code $3}:
   * what a scoped switch rejects.
   */
  private static final String PENDING_IN_SCOPE_FOR_UPDATE = "SELECT " + COLUMNS + " FROM approvals "
    + "WHERE status = 'PENDING' AND type = '" + ApprovalTypes.TRADE_EXECUTION + "' AND (context->>$1 = $2 "
    + "OR context->'trades' @> jsonb_build_array(jsonb_build_object($1::text, $2::text))) AND id > $3 "
    + "ORDER BY id LIMIT $4 FOR UPDATE";
  private static final String SELECT_VOTES = "SELECT approver, decision, channel, comment, created_at "
    + "FROM approval_votes WHERE approval_id = $1 ORDER BY created_at, approver";

  public Future<Boolean> insert(SqlClient c, Approval a) {
    return insert(c, a, null);
  }

  /** {@code requestHash}: the fingerprint of the create's body, checked when the request is created again. */
  public Future<Boolean> insert(SqlClient c, Approval a, String requestHash) {
    return c.preparedQuery(INSERT).execute(Tuple.from(new Object[] {
      a.id(), a.type(), a.title(), a.description(), json(a.context()), a.tradeId(), a.requestedBy(),
      a.correlationId(), a.idempotencyKey(), json(a.policy()), a.policyHash(), a.status().name(),
      a.requiredApprovals(), odt(a.expiresAt()), odt(a.escalateAt()), a.escalationLevel(), a.lineageId(),
      odt(a.decidedAt()), a.decidedBy(), a.decisionChannel(), a.decisionReason(), a.decisionComment(),
      json(a.overrides()), a.rowHash(), odt(a.createdAt()), linkSeq(a), a.journalHash(), (short) a.hashVersion(),
      requestHash
    })).map(rs -> rs.rowCount() == 1);
  }

  private static Long linkSeq(Approval a) {
    return a.journalSeq() == 0 ? null : a.journalSeq();
  }

  public Future<Approval> find(SqlClient c, UUID id) {
    return c.preparedQuery(SELECT_BY_ID).execute(Tuple.of(id)).map(ApprovalStore::first);
  }

  /** The requests with these ids (those that exist), in no particular order. */
  public Future<List<Approval>> findAll(SqlClient c, java.util.Collection<UUID> ids) {
    return c.preparedQuery(SELECT_BY_IDS).execute(Tuple.of((Object) ids.toArray(new UUID[0]))).map(rs -> {
      List<Approval> l = new ArrayList<>();
      rs.forEach(r -> l.add(map(r)));
      return l;
    });
  }

  /** Every approval in id order, a page at a time (for verification and recovery). */
  public Future<List<Approval>> pageById(SqlClient c, UUID after, int limit) {
    return c.preparedQuery(PAGE_BY_ID).execute(Tuple.of(after, limit)).map(rs -> {
      List<Approval> l = new ArrayList<>();
      rs.forEach(r -> l.add(map(r)));
      return l;
    });
  }

  public Future<Approval> findForUpdate(SqlClient c, UUID id) {
    return c.preparedQuery(SELECT_FOR_UPDATE).execute(Tuple.of(id)).map(ApprovalStore::first);
  }


  /** Conditional write: true only for the one caller that moved the request out of PENDING. */
  public Future<Boolean> updateTerminal(SqlClient c, Approval a) {
    return c.preparedQuery(UPDATE_TERMINAL).execute(Tuple.from(new Object[] {
      a.id(), a.status().name(), odt(a.decidedAt()), a.decidedBy(), a.decisionChannel(), a.decisionReason(),
      a.decisionComment(), a.rowHash(), json(a.overrides())
    })).map(rs -> rs.rowCount() == 1);
  }

  /** Sets the journal link (and the row hash covering it) of each row, in one batch. */
  public Future<Void> link(SqlClient c, java.util.Collection<Approval> linked) {
    if (linked.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> rows = new ArrayList<>();
    for (Approval a : linked) {
      rows.add(Tuple.of(a.id(), a.journalSeq(), a.journalHash(), a.rowHash()));
    }
    return c.preparedQuery(LINK).executeBatch(rows).mapEmpty();
  }

  /**
   * Replaces {@code stored} (as read, under its lock) by {@code restored} and its votes by {@code votes};
   * false when the row is no longer the one read.
   */
  public Future<Boolean> restore(SqlClient c, Approval stored, Approval restored,
      List<io.hitl.gateway.core.machine.VoteRow> votes) {
    Approval a = restored;
    return c.preparedQuery(RESTORE).execute(Tuple.from(new Object[] {
      a.id(), a.type(), a.title(), a.description(), json(a.context()), a.tradeId(), a.requestedBy(),
      a.correlationId(), a.idempotencyKey(), json(a.policy()), a.policyHash(), a.status().name(),
      a.requiredApprovals(), odt(a.expiresAt()), odt(a.escalateAt()), a.escalationLevel(), a.lineageId(),
      odt(a.decidedAt()), a.decidedBy(), a.decisionChannel(), a.decisionReason(), a.decisionComment(),
      json(a.overrides()), a.rowHash(), odt(a.createdAt()), linkSeq(a), a.journalHash(), (short) a.hashVersion(),
      stored.rowHash()
    })).compose(rs -> {
      if (rs.rowCount() != 1) {
        return Future.succeededFuture(false);
      }
      return c.preparedQuery(DELETE_VOTES).execute(Tuple.of(a.id())).compose(x -> {
        if (votes.isEmpty()) {
          return Future.succeededFuture(true);
        }
        List<Tuple> rows = new ArrayList<>();
        for (io.hitl.gateway.core.machine.VoteRow v : votes) {
          rows.add(Tuple.from(new Object[] {
            a.id(), v.approver(), v.decision(), v.channel(), v.comment(), odt(v.at()), odt(a.createdAt())
          }));
        }
        return c.preparedQuery(INSERT_VOTE).executeBatch(rows).map(true);
      });
    });
  }

  /** A vote on {@code request} (its id and created_at) by {@code approver}; false if that approver had voted. */
  public Future<Boolean> insertVote(SqlClient c, Approval request, String approver, String decision, String channel,
      String comment, Instant at) {
    return c.preparedQuery(INSERT_VOTE)
      .execute(Tuple.from(new Object[] {
        request.id(), approver, decision, channel, comment, odt(at), odt(request.createdAt())
      }))
      .map(rs -> rs.rowCount() == 1);
  }

  /** Who approved so far, in vote order. */
  public Future<Set<String>> approvers(SqlClient c, UUID id) {
    return c.preparedQuery(SELECT_APPROVERS).execute(Tuple.of(id)).map(rs -> {
      Set<String> s = new LinkedHashSet<>();
      rs.forEach(r -> s.add(r.getString(0)));
      return s;
    });
  }

  public Future<List<Vote>> votes(SqlClient c, UUID id) {
    return c.preparedQuery(SELECT_VOTES).execute(Tuple.of(id)).map(rs -> {
      List<Vote> l = new ArrayList<>();
      rs.forEach(r -> l.add(new Vote(r.getString("approver"), r.getString("decision"), r.getString("channel"),
        r.getString("comment"), instant(r.getOffsetDateTime("created_at")))));
      return l;
    });
  }

  /** Pending trades whose context (or a batch's trade) has {@code key} = {@code value}, locked, in id order. */
  public Future<List<Approval>> pendingInScopeForUpdate(SqlClient c, String key, String value, UUID after, int limit) {
    return c.preparedQuery(PENDING_IN_SCOPE_FOR_UPDATE).execute(Tuple.of(key, value, after, limit)).map(rs -> {
      List<Approval> l = new ArrayList<>();
      rs.forEach(r -> l.add(map(r)));
      return l;
    });
  }

  public Future<List<Approval>> pendingForUpdate(SqlClient c, int limit) {
    return c.preparedQuery(PENDING_FOR_UPDATE).execute(Tuple.of(limit)).map(rs -> {
      List<Approval> l = new ArrayList<>();
      rs.forEach(r -> l.add(map(r)));
      return l;
    });
  }

  public record Vote(String approver, String decision, String channel, String comment, Instant at) {
  }

  /** Keyset page: pending requests by expiry, others newest first, each with its history read in the same statement. */
  public Future<List<HistoryStore.Read>> listWithHistories(SqlClient c, ListQuery q, HistoryStore histories) {
    List<Object> params = new ArrayList<>();
    String page = listSql(q, params);
    return histories.page(c, page, params, listOrder(q));
  }

  private static String listOrder(ListQuery q) {
    return q.status() == ApprovalStatus.PENDING ? " ORDER BY expires_at, id" : " ORDER BY created_at DESC, id DESC";
  }

  /** The statement of a list page; its parameters are added to {@code params}. */
  private static String listSql(ListQuery q, List<Object> params) {
    StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM approvals WHERE true");
    if (q.status() != null) {
      params.add(q.status().name());
      sql.append(" AND status = $").append(params.size());
    }
    if (q.type() != null) {
      params.add(q.type());
      sql.append(" AND type = $").append(params.size());
    }
    boolean byExpiry = q.status() == ApprovalStatus.PENDING;
    if (q.cursor() != null) {
      params.add(odt(q.cursor().at()));
      params.add(q.cursor().id());
      sql.append(byExpiry ? " AND (expires_at, id) > ($" : " AND (created_at, id) < ($")
        .append(params.size() - 1).append(", $").append(params.size()).append(")");
    }
    sql.append(listOrder(q));
    params.add(q.limit());
    sql.append(" LIMIT $").append(params.size());
    return sql.toString();
  }

  /** A list filter with its keyset cursor (the sort key and id of the last row of the previous page). */
  public record ListQuery(ApprovalStatus status, String type, int limit, Cursor cursor) {
  }

  public record Cursor(Instant at, UUID id) {
  }

  private static Approval first(RowSet<Row> rs) {
    return rs.iterator().hasNext() ? map(rs.iterator().next()) : null;
  }

  static Approval map(Row r) {
    return new Approval(
      r.getUUID("id"),
      r.getString("type"),
      r.getString("title"),
      r.getString("description"),
      plainMap(r.getJsonObject("context")),
      r.getString("trade_id"),
      r.getString("requested_by"),
      r.getString("correlation_id"),
      r.getString("idempotency_key"),
      plainMap(r.getJsonObject("policy")),
      r.getString("policy_hash"),
      ApprovalStatus.valueOf(r.getString("status")),
      r.getInteger("required_approvals"),
      instant(r.getOffsetDateTime("expires_at")),
      instant(r.getOffsetDateTime("escalate_at")),
      r.getInteger("escalation_level"),
      r.getUUID("lineage_id"),
      instant(r.getOffsetDateTime("decided_at")),
      r.getString("decided_by"),
      r.getString("decision_channel"),
      r.getString("decision_reason"),
      r.getString("decision_comment"),
      plainMap(r.getJsonObject("overrides")),
      r.getString("row_hash"),
      instant(r.getOffsetDateTime("created_at")),
      r.getLong("journal_seq") == null ? 0 : r.getLong("journal_seq"),
      r.getString("journal_hash"),
      r.getShort("row_hash_version"));
  }
}
