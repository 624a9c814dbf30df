package io.hitl.gateway.core;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** One audit journal entry; seq, prev_hash and hash are assigned when it is appended. */
public record JournalEntry(
  long seq,
  UUID approvalId,
  String target,
  String actor,
  String action,
  String previousState,
  String newState,
  Map<String, Object> payload,
  String correlationId,
  String errorCode,
  String prevHash,
  String hash,
  Instant createdAt) {

  public static JournalEntry of(UUID approvalId, String target, String actor, String action, String previousState,
      String newState, Map<String, Object> payload, String correlationId, String errorCode, Instant at) {
    return new JournalEntry(0, approvalId, target, actor, action, previousState, newState,
      payload == null ? Map.of() : payload, correlationId, errorCode, null, null, Times.micros(at));
  }

  /** This entry with {@code key} added to its payload (before it is appended: the hash covers the payload). */
  public JournalEntry withPayload(String key, Object value) {
    Map<String, Object> p = new LinkedHashMap<>(payload);
    p.put(key, value);
    return new JournalEntry(seq, approvalId, target, actor, action, previousState, newState, p, correlationId,
      errorCode, prevHash, hash, createdAt);
  }

  public Map<String, Object> canonicalFields() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("approval_id", approvalId == null ? null : approvalId.toString());
    m.put("target", target);
    m.put("actor", actor);
    m.put("action", action);
    m.put("previous_state", previousState);
    m.put("new_state", newState);
    m.put("payload", payload);
    m.put("correlation_id", correlationId);
    m.put("error_code", errorCode);
    m.put("created_at", createdAt);
    return m;
  }
}
