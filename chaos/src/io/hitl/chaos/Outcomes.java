package io.hitl.chaos;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** Reads, straight from PostgreSQL, how many terminal outcomes each request has in the journal and its status. */
final class Outcomes {
  /** Journal entries that end a request: out of PENDING into a terminal state, not a refusal. */
  static final String TERMINAL = "error_code IS NULL AND upper(new_state) IN ('APPROVED','REJECTED','EXPIRED',"
    + "'CANCELLED') AND upper(coalesce(previous_state, 'PENDING')) = 'PENDING'";

  private Outcomes() {
  }

  /** Request id → number of terminal journal entries (absent: the request does not exist). */
  static Map<String, Long> terminalEntries(String dbUrl, Collection<String> ids) throws SQLException {
    Map<String, Long> out = new HashMap<>();
    try (Connection c = Env.jdbc(dbUrl)) {
      Array arr = c.createArrayOf("uuid", ids.toArray());
      try (PreparedStatement ps = c.prepareStatement("SELECT a.id::text, (SELECT count(*) FROM journal j "
          + "WHERE j.approval_id = a.id AND " + TERMINAL + ") FROM approvals a WHERE a.id = ANY(?)")) {
        ps.setArray(1, arr);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.put(rs.getString(1), rs.getLong(2));
          }
        }
      }
    }
    return out;
  }

  /** Request id → status, for the given ids that exist. */
  static Map<String, String> statuses(String dbUrl, Collection<String> ids) throws SQLException {
    Map<String, String> out = new HashMap<>();
    try (Connection c = Env.jdbc(dbUrl)) {
      Array arr = c.createArrayOf("uuid", ids.toArray());
      try (PreparedStatement ps = c.prepareStatement("SELECT id::text, upper(status) FROM approvals WHERE id = ANY(?)")) {
        ps.setArray(1, arr);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.put(rs.getString(1), rs.getString(2));
          }
        }
      }
    }
    return out;
  }

  /** Waits until none of {@code ids} is PENDING, or {@code maxMs} passes; returns how many still are. */
  static long awaitSettled(String dbUrl, Collection<String> ids, long maxMs) throws Exception {
    long deadline = System.currentTimeMillis() + maxMs;
    long pending;
    do {
      pending = statuses(dbUrl, ids).values().stream().filter("PENDING"::equals).count();
      if (pending == 0) {
        return 0;
      }
      Thread.sleep(500);
    } while (System.currentTimeMillis() < deadline);
    return pending;
  }
}
