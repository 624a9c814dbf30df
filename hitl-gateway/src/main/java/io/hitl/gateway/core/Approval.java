package io.hitl.gateway.core;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One approval request as stored; immutable, changed by the `with*` copies. {@code journalSeq} and
 * {@code journalHash} link the row to the last journal entry that produced it; rows of hash version 2
 * cover that link in their row hash, version 1 rows (written before the link existed) do not.
 */
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
  Instant createdAt,
  long journalSeq,
  String journalHash,
  int hashVersion) {

  /** The row hash version of rows written now: it covers the journal link. */
  public static final int HASH_VERSION = 2;

  /** A row not yet linked to the journal entry that will produce it (linked when that entry is appended). */
  public Approval(UUID id, String type, String title, String description, Map<String, Object> context, String tradeId,
      String requestedBy, String correlationId, String idempotencyKey, Map<String, Object> policy, String policyHash,
      ApprovalStatus status, int requiredApprovals, Instant expiresAt, Instant escalateAt, int escalationLevel,
      UUID lineageId, Instant decidedAt, String decidedBy, String decisionChannel, String decisionReason,
      String decisionComment, Map<String, Object> overrides, String rowHash, Instant createdAt) {
    this(id, type, title, description, context, tradeId, requestedBy, correlationId, idempotencyKey, policy,
      policyHash, status, requiredApprovals, expiresAt, escalateAt, escalationLevel, lineageId, decidedAt, decidedBy,
      decisionChannel, decisionReason, decisionComment, overrides, rowHash, createdAt, 0, null, HASH_VERSION);
  }

  /** Every stored column but row_hash (and the journal link below version 2), as CanonicalJson writes it. */
  public Map<String, Object> canonicalFields() {
    Map<String, Object> m = contentFields();
    if (hashVersion >= HASH_VERSION) {
      m.put("journal_seq", journalSeq);
      m.put("journal_hash", journalHash);
    }
    return m;
  }

  /** The columns the journal's entries carry: everything but row_hash, the journal link and the hash version. */
  public Map<String, Object> contentFields() {
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
      Hashing.rowHash(this), createdAt, journalSeq, journalHash, hashVersion);
  }

  /** This request with {@code hash} as its row_hash (a hash computed over the same values elsewhere). */
  public Approval withRowHash(String hash) {
    return new Approval(id, type, title, description, context, tradeId, requestedBy, correlationId,
      idempotencyKey, policy, policyHash, status, requiredApprovals, expiresAt, escalateAt, escalationLevel,
      lineageId, decidedAt, decidedBy, decisionChannel, decisionReason, decisionComment, overrides,
      hash, createdAt, journalSeq, journalHash, hashVersion);
  }

  /** This row linked to the journal entry {@code seq}/{@code hash} that produced it, at the current hash version. */
  public Approval linked(long seq, String hash) {
    return linkedUnhashed(seq, hash).withRowHash();
  }

  /**
   * {@link #linked} without its row hash (null): for a replay, which hashes only the state it ends in rather than
   * every state it passes through.
   */
  public Approval linkedUnhashed(long seq, String hash) {
    return new Approval(id, type, title, description, context, tradeId, requestedBy, correlationId,
      idempotencyKey, policy, policyHash, status, requiredApprovals, expiresAt, escalateAt, escalationLevel,
      lineageId, decidedAt, decidedBy, decisionChannel, decisionReason, decisionComment, overrides, null, createdAt,
      seq, hash, HASH_VERSION);
  }

  /** The terminal copy of this request, hashed. */
  public Approval decided(ApprovalStatus to, Instant at, String by, String channel, String reason, String comment) {
    return decidedUnhashed(to, at, by, channel, reason, comment).withRowHash();
  }

  /** {@link #decided} without its row hash (null), for a replay. */
  public Approval decidedUnhashed(ApprovalStatus to, Instant at, String by, String channel, String reason,
      String comment) {
    return new Approval(id, type, title, description, context, tradeId, requestedBy, correlationId,
      idempotencyKey, policy, policyHash, to, requiredApprovals, expiresAt, escalateAt, escalationLevel,
      lineageId, Times.micros(at), by, channel, reason, comment, overrides, null, createdAt, journalSeq, journalHash,
      hashVersion);
  }

  /** This pending request with a new deadline, escalation notice time and level, hashed. */
  public Approval rescheduled(Instant newExpiresAt, Instant newEscalateAt, int newEscalationLevel) {
    return rescheduledUnhashed(newExpiresAt, newEscalateAt, newEscalationLevel).withRowHash();
  }

  /** {@link #rescheduled} without its row hash (null), for a replay. */
  public Approval rescheduledUnhashed(Instant newExpiresAt, Instant newEscalateAt, int newEscalationLevel) {
    return new Approval(id, type, title, description, context, tradeId, requestedBy, correlationId,
      idempotencyKey, policy, policyHash, status, requiredApprovals, Times.micros(newExpiresAt),
      Times.micros(newEscalateAt), newEscalationLevel, lineageId, decidedAt, decidedBy, decisionChannel,
      decisionReason, decisionComment, overrides, null, createdAt, journalSeq, journalHash, hashVersion);
  }

  /** This request carrying the parameters and diff of an approval with edits; hashed by {@link #decided}. */
  public Approval withOverrides(Map<String, Object> newOverrides) {
    return new Approval(id, type, title, description, context, tradeId, requestedBy, correlationId,
      idempotencyKey, policy, policyHash, status, requiredApprovals, expiresAt, escalateAt, escalationLevel,
      lineageId, decidedAt, decidedBy, decisionChannel, decisionReason, decisionComment, newOverrides, null, createdAt,
      journalSeq, journalHash, hashVersion);
  }

  public boolean integrityOk() {
    return rowHash != null && Hashing.same(rowHash, Hashing.rowHash(this));
  }

  public boolean isTrade() {
    return ApprovalTypes.TRADE_EXECUTION.equals(type);
  }
}
