package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.plainMap;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.machine.ApprovalEntry;
import io.hitl.gateway.core.machine.VoteRow;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The record of a request as the approval machine reads it: its machine journal entries in seq order
 * (over journal_by_approval) and its vote rows. A read gets the row and both in one statement, so they
 * come from one snapshot.
 */
public final class HistoryStore {
  private static final String ENTRY_JSON = "json_build_object('seq', j.seq, 'approval_id', j.approval_id, "
    + "'target', j.target, 'actor', j.actor, 'action', j.action, 'previous_state', j.previous_state, "
    + "'new_state', j.new_state, 'payload', j.payload, 'correlation_id', j.correlation_id, "
    + "'error_code', j.error_code, 'prev_hash', j.prev_hash, 'hash', j.hash, 'created_at', j.created_at)";
  private static final String VOTE_JSON = "json_build_object('approver', v.approver, 'decision', v.decision, "
    + "'channel', v.channel, 'comment', v.comment, 'created_at', v.created_at, "
    + "'approval_created_at', v.approval_created_at)";
  /**
   * The machine's entries with its actions written into the statement, for the reads of fixed shape: an array
   * parameter of unknown length made PostgreSQL plan a one-request read for its values on some connections (18 % of
   * the decisions' history reads in one run) instead of keeping its plan.
   */
  private static final String ENTRIES_IN = entries("IN (" + ApprovalEntry.ACTIONS.stream().sorted()
    .map(a -> "'" + a.replace("'", "''") + "'").collect(java.util.stream.Collectors.joining(", ")) + ")");
  private static final String VOTES_OF = "(SELECT coalesce(json_agg(" + VOTE_JSON + " ORDER BY v.created_at, "
    + "v.approver), '[]') FROM approval_votes v WHERE v.approval_id = a.id) AS votes";
  private static final String WITH_HISTORY = "SELECT " + prefixed() + ", " + ENTRIES_IN + ", " + VOTES_OF
    + " FROM approvals a WHERE a.id = $1";
  private static final String HISTORIES = "SELECT a.id, " + ENTRIES_IN + ", " + VOTES_OF
    + " FROM approvals a WHERE a.id = ANY($1)";
  /**
   * One request's history. Not {@link #HISTORIES} with one id: PostgreSQL prices {@code = ANY($1)} over an array of
   * unknown length above the plan it makes for the values, so it planned that statement again on every decision.
   */
  private static final String HISTORY_OF = "SELECT " + ENTRIES_IN + ", " + VOTES_OF + " FROM approvals a WHERE a.id = $1";
  private static final String[] ACTIONS = ApprovalEntry.ACTIONS.toArray(new String[0]);

  /** The journal entries of the machine about one request, and its vote rows. */
  public record History(List<JournalEntry> entries, List<VoteRow> votes) {
  }

  /** A row with its history, read together. */
  public record Read(Approval row, History history) {
  }

  /** The machine entries of approval {@code a} as one JSON array, those whose action passes {@code actionTest}. */
  private static String entries(String actionTest) {
    return "(SELECT coalesce(json_agg(" + ENTRY_JSON + " ORDER BY j.seq), '[]') "
      + "FROM journal j WHERE j.approval_id = a.id AND j.action " + actionTest + ") AS history";
  }

  /**
   * The rows {@code page} reads (a statement over approvals that selects {@link ApprovalStore#COLUMNS} and orders
   * and limits itself, with {@code params}), each with its history, in {@code order}: the rows and their histories
   * in one statement, so one round trip and one snapshot.
   */
  public Future<List<Read>> page(SqlClient c, String page, List<Object> params, String order) {
    List<Object> p = new ArrayList<>(params);
    p.add(ACTIONS);
    // the actions as a parameter: a page's statement is as long as its filters, and is kept or not by that length
    String sql = "SELECT a.*, " + entries("= ANY($" + p.size() + ")") + ", " + VOTES_OF + " FROM (" + page + ") a" + order;
    return c.preparedQuery(sql).execute(Tuple.from(p)).map(rs -> {
      List<Read> l = new ArrayList<>();
      rs.forEach(r -> l.add(new Read(ApprovalStore.map(r), history(r))));
      return l;
    });
  }

  private static String prefixed() {
    StringBuilder sb = new StringBuilder();
    for (String c : ApprovalStore.COLUMNS.split(",\\s*")) {
      sb.append(sb.length() == 0 ? "" : ", ").append("a.").append(c);
    }
    return sb.toString();
  }

  /** The row and its history in one statement, or null when there is no such row. */
  public Future<Read> find(SqlClient c, UUID id) {
    return c.preparedQuery(WITH_HISTORY).execute(Tuple.of(id)).map(rs -> {
      var it = rs.iterator();
      if (!it.hasNext()) {
        return null;
      }
      Row r = it.next();
      return new Read(ApprovalStore.map(r), history(r));
    });
  }

  /** The histories of these requests (those that exist); call it after locking their rows. */
  public Future<Map<UUID, History>> histories(SqlClient c, Collection<UUID> ids) {
    return c.preparedQuery(HISTORIES).execute(Tuple.tuple().addArrayOfUUID(ids.toArray(new UUID[0]))).map(rs -> {
      Map<UUID, History> m = new HashMap<>();
      rs.forEach(r -> m.put(r.getUUID("id"), history(r)));
      return m;
    });
  }

  /** The history of one request (none when it does not exist); call it after locking its row. */
  public Future<History> history(SqlClient c, UUID id) {
    return c.preparedQuery(HISTORY_OF).execute(Tuple.of(id)).map(rs -> {
      var it = rs.iterator();
      return it.hasNext() ? history(it.next()) : new History(List.of(), List.of());
    });
  }

  private static History history(Row r) {
    List<JournalEntry> entries = new ArrayList<>();
    for (Object o : asArray(r.getValue("history"))) {
      JsonObject j = (JsonObject) o;
      entries.add(new JournalEntry(j.getLong("seq"), uuid(j.getString("approval_id")), j.getString("target"),
        j.getString("actor"), j.getString("action"), j.getString("previous_state"), j.getString("new_state"),
        plainMap(j.getJsonObject("payload")), j.getString("correlation_id"), j.getString("error_code"),
        j.getString("prev_hash"), j.getString("hash"), instant(j.getString("created_at"))));
    }
    List<VoteRow> votes = new ArrayList<>();
    for (Object o : asArray(r.getValue("votes"))) {
      JsonObject v = (JsonObject) o;
      votes.add(new VoteRow(v.getString("approver"), v.getString("decision"), v.getString("channel"),
        v.getString("comment"), instant(v.getString("created_at")), instant(v.getString("approval_created_at"))));
    }
    return new History(entries, votes);
  }

  private static JsonArray asArray(Object v) {
    if (v instanceof JsonArray) {
      return (JsonArray) v;
    }
    return v == null ? new JsonArray() : new JsonArray(v.toString());
  }

  private static UUID uuid(String s) {
    return s == null ? null : UUID.fromString(s);
  }

  private static Instant instant(String s) {
    return s == null ? null : OffsetDateTime.parse(s).toInstant();
  }
}
