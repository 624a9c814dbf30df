package io.hitl.bench;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.Times;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Writes pending requests straight into the database (valid row hashes, no journal) so that
 * restart and memory figures can be measured at 100,000+ pending without minutes of HTTP creates.
 */
final class Seeder {
  private Seeder() {
  }

  static void pending(String jdbcUrl, int count, Instant expiresFrom, long spreadMillis) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl + "?reWriteBatchedInserts=true", "postgres", null)) {
      c.setAutoCommit(false);
      String sql = "INSERT INTO approvals (id, type, title, description, context, trade_id, requested_by, "
        + "correlation_id, idempotency_key, policy, policy_hash, status, required_approvals, expires_at, escalate_at, "
        + "escalation_level, lineage_id, decided_at, decided_by, decision_channel, decision_reason, decision_comment, "
        + "overrides, row_hash, created_at) VALUES (?, ?, ?, NULL, ?::jsonb, NULL, ?, NULL, NULL, NULL, NULL, ?, 1, ?, "
        + "NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, ?, ?)";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        Instant now = Times.micros(Instant.now());
        for (int i = 0; i < count; i++) {
          Map<String, Object> ctx = new LinkedHashMap<>();
          ctx.put("ticker", "SEED" + (i % 500));
          ctx.put("action", i % 2 == 0 ? "BUY" : "SELL");
          ctx.put("quantity", String.valueOf(1 + i % 1000));
          ctx.put("price", "100.25");
          ctx.put("risk_level", "LOW");
          Instant expires = Times.micros(expiresFrom.plusMillis(spreadMillis <= 0 ? 0 : i % spreadMillis));
          Approval a = new Approval(UUID.randomUUID(), "TRADE_EXECUTION", "SEED " + i, null, ctx, null, "bench-seed",
            null, null, null, null, ApprovalStatus.PENDING, 1, expires, null, 0, null, null, null, null, null, null,
            null, null, now).withRowHash();
          ps.setObject(1, a.id());
          ps.setString(2, a.type());
          ps.setString(3, a.title());
          ps.setString(4, new JsonObject(ctx).encode());
          ps.setString(5, a.requestedBy());
          ps.setString(6, a.status().name());
          ps.setTimestamp(7, Timestamp.from(a.expiresAt()));
          ps.setString(8, a.rowHash());
          ps.setTimestamp(9, Timestamp.from(a.createdAt()));
          ps.addBatch();
          if (i % 5000 == 4999) {
            ps.executeBatch();
            c.commit();
          }
        }
        ps.executeBatch();
        c.commit();
      }
    }
  }

  static long count(String jdbcUrl, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", null);
         var rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
