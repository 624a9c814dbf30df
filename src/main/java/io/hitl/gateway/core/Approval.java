package io.hitl.gateway.core;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** One approval request as stored; immutable, changed by the `with*` copies. */
public record Approval(
  UUID id,
  String type,
  String title,
  String description,
  Map<String, Object> context,
  String tradeId,
  String requestedBy,
  String correlationId,
  String idempotencyKey,
  Map<String, Object> policy,
  String policyHash,
  ApprovalStatus status,
  int requiredApprovals,
  Instant expiresAt,
  Instant escalateAt,
  int escalationLevel,
  UUID lineageId,
  Instant decidedAt,
  String decidedBy,
  String decisionChannel,
  String decisionReason,
  String decisionComment,
  Map<String, Object> overrides,
  String rowHash,
  Instant createdAt) {

  /** Every stored column but row_hash, in a form CanonicalJson writes the same before and after storage. */
  public Map<String, Object> canonicalFields() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id.toString());
    m.put("type", type);
    m.put("title", title);
    m.put("description", description);
    m.put("context", context);
    m.put("trade_id", tradeId);
    m.put("requested_by", requestedBy);
    m.put("correlation_id", correlationId);
    m.put("idempotency_key", idempotencyKey);
    m.put("policy", policy);
    m.put("policy_hash", policyHash);
    m.put("status", status.name());
    m.put("required_approvals", requiredApprovals);
    m.put("expires_at", expiresAt);
    m.put("escalate_at", escalateAt);
    m.put("escalation_level", escalationLevel);
    m.put("lineage_id", lineageId == null ? null : lineageId.toString());
    m.put("decided_at", decidedAt);
    m.put("decided_by", decidedBy);
    m.put("decision_channel", decisionChannel);
    m.put("decision_reason", decisionReason);
    m.put("decision_comment", decisionComment);
    m.put("overrides", overrides);
    m.put("created_at", createdAt);
    return m;
  }

  /** This request with row_hash computed over its other fields. */
  public Approval withRowHash() {
    return new Approval(id, type, title, description, context, tradeId, requestedBy, correlationId,
      idempotencyKey, policy, policyHash, status, requiredApprovals, expiresAt, escalateAt, escalationLevel,
      lineageId, decidedAt, decidedBy, decisionChannel, decisionReason, decisionComment, overrides,
      Hashing.rowHash(this), createdAt);
  }

  /** The terminal copy of this request, hashed. */
  public Approval decided(ApprovalStatus to, Instant at, String by, String channel, String reason, String comment) {
    return new Approval(id, type, title, description, context, tradeId, requestedBy, correlationId,
      idempotencyKey, policy, policyHash, to, requiredApprovals, expiresAt, escalateAt, escalationLevel,
      lineageId, Times.micros(at), by, channel, reason, comment, overrides, null, createdAt).withRowHash();
  }

  /** This pending request with a new deadline, escalation notice time and level, hashed. */
  public Approval rescheduled(Instant newExpiresAt, Instant newEscalateAt, int newEscalationLevel) {
    return new Approval(id, type, title, description, context, tradeId, requestedBy, correlationId,
      idempotencyKey, policy, policyHash, status, requiredApprovals, Times.micros(newExpiresAt),
      Times.micros(newEscalateAt), newEscalationLevel, lineageId, decidedAt, decidedBy, decisionChannel,
      decisionReason, decisionComment, overrides, null, createdAt).withRowHash();
  }

  /** This request carrying the parameters and diff of an approval with edits; hashed by {@link #decided}. */
  public Approval withOverrides(Map<String, Object> newOverrides) {
    return new Approval(id, type, title, description, context, tradeId, requestedBy, correlationId,
      idempotencyKey, policy, policyHash, status, requiredApprovals, expiresAt, escalateAt, escalationLevel,
      lineageId, decidedAt, decidedBy, decisionChannel, decisionReason, decisionComment, newOverrides, null, createdAt);
  }

  public boolean integrityOk() {
    return rowHash != null && Hashing.same(rowHash, Hashing.rowHash(this));
  }

  public boolean isTrade() {
    return ApprovalTypes.TRADE_EXECUTION.equals(type);
  }
}
