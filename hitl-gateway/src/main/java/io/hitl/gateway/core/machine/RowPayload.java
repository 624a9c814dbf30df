package io.hitl.gateway.core.machine;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.Times;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** An approval row as the `created` entry carries it: plain JSON values, instants as ISO-8601 UTC strings. */
final class RowPayload {
  private RowPayload() {
  }

  static Map<String, Object> of(Approval a) {
    Map<String, Object> m = new LinkedHashMap<>();
    a.contentFields().forEach((k, v) -> m.put(k, v instanceof Instant ? Times.format((Instant) v) : v));
    return m;
  }

  @SuppressWarnings("unchecked")
  static Approval row(Map<String, Object> m) {
    return new Approval(UUID.fromString((String) m.get("id")), (String) m.get("type"), (String) m.get("title"),
      (String) m.get("description"), (Map<String, Object>) m.get("context"), (String) m.get("trade_id"),
      (String) m.get("requested_by"), (String) m.get("correlation_id"), (String) m.get("idempotency_key"),
      (Map<String, Object>) m.get("policy"), (String) m.get("policy_hash"),
      ApprovalStatus.valueOf((String) m.get("status")), integer(m.get("required_approvals")),
      instant(m.get("expires_at")), instant(m.get("escalate_at")), integer(m.get("escalation_level")),
      m.get("lineage_id") == null ? null : UUID.fromString((String) m.get("lineage_id")),
      instant(m.get("decided_at")), (String) m.get("decided_by"), (String) m.get("decision_channel"),
      (String) m.get("decision_reason"), (String) m.get("decision_comment"), (Map<String, Object>) m.get("overrides"),
      null, instant(m.get("created_at")));
  }

  static Instant instant(Object v) {
    if (v == null) {
      return null;
    }
    return v instanceof Instant ? (Instant) v : Instant.parse((String) v);
  }

  static int integer(Object v) {
    return v == null ? 0 : ((Number) v).intValue();
  }
}
