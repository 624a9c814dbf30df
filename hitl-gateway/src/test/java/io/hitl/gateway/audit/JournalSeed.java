package io.hitl.gateway.audit;

import io.hitl.gateway.core.Hashing;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.support.TestDb;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/** Appends many journal entries straight in SQL, each hashed and linked as the gateway links them. */
final class JournalSeed {
  private JournalSeed() {
  }

  /** Appends {@code n} entries after the current head, {@code noteChars} of text in each payload; returns the last seq. */
  static long append(String dbUrl, int n, int noteChars, Instant at) throws SQLException {
    String note = "x".repeat(noteChars);
    try (Connection c = TestDb.jdbc(dbUrl)) {
      c.setAutoCommit(false);
      long seq;
      String prev;
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT seq, hash FROM journal_head WHERE id = 1 FOR UPDATE")) {
        rs.next();
        seq = rs.getLong(1);
        prev = rs.getString(2);
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO journal (seq, approval_id, target, actor, action, "
          + "previous_state, new_state, payload, correlation_id, error_code, created_at, prev_hash, hash) "
          + "VALUES (?, NULL, ?, ?, ?, NULL, NULL, ?::jsonb, ?, NULL, ?, ?, ?)")) {
        for (int i = 0; i < n; i++) {
          seq++;
          Map<String, Object> payload = new LinkedHashMap<>();
          payload.put("n", i);
          payload.put("note", note);
          JournalEntry e = JournalEntry.of(null, "seed", "engine-" + (i % 7), i % 2 == 0 ? "seeded" : "seeded_odd", null,
            null, payload, "corr-" + i, null, at.plusMillis(i));
          String hash = Hashing.chainHash(prev, seq, Hashing.contentHash(e));
          ps.setLong(1, seq);
          ps.setString(2, e.target());
          ps.setString(3, e.actor());
          ps.setString(4, e.action());
          ps.setString(5, new JsonObject(payload).encode());
          ps.setString(6, e.correlationId());
          ps.setObject(7, e.createdAt().atOffset(ZoneOffset.UTC));
          ps.setString(8, prev);
          ps.setString(9, hash);
          ps.addBatch();
          prev = hash;
          if (i % 1000 == 999) {
            ps.executeBatch();
          }
        }
        ps.executeBatch();
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE journal_head SET seq = ?, hash = ?, prev_hash = "
          + "(SELECT prev_hash FROM journal WHERE seq = ?) WHERE id = 1")) {
        ps.setLong(1, seq);
        ps.setString(2, prev);
        ps.setLong(3, seq);
        ps.executeUpdate();
      }
      c.commit();
      return seq;
    }
  }
}
