package io.hitl.gateway.core.machine;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.Times;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The journal entries of the approval machine, one record per action. Each converts to the journal row
 * it is stored as ({@link #toJournal}) and back ({@link #of}); the payload keeps the keys notifications
 * and readers use, and adds what {@link ApprovalMachine#apply} needs to rebuild the row and its votes.
 */
public sealed interface ApprovalEntry {
  String CREATED = "created";
  String VOTE = "vote";
  String APPROVED = "approved";
  String REJECTED = "rejected";
  String EXPIRED = "expired";
  String CANCELLED = "cancelled";
  String INTEGRITY_FAILURE = "integrity_failure";
  String ESCALATED = "escalated";
  String REMINDER = "reminder";
  String SELF_APPROVAL = "self_approval";
  String ACKNOWLEDGED = "acknowledged";
  String EDITS_APPLIED = "edits_applied";
  String RE_REQUESTED = "re_requested";
  /** Every action the machine writes; other entries about a request (refusals, trades, chat links) change no row. */
  Set<String> ACTIONS = Set.of(CREATED, VOTE, APPROVED, REJECTED, EXPIRED, CANCELLED, INTEGRITY_FAILURE, ESCALATED,
    REMINDER, SELF_APPROVAL, ACKNOWLEDGED, EDITS_APPLIED, RE_REQUESTED);
  String ROW = "row";

  String action();

  /** The status before this entry, as the journal row records it; most entries leave a request pending. */
  default ApprovalStatus from() {
    return ApprovalStatus.PENDING;
  }

  /** The status after this entry. */
  default ApprovalStatus to() {
    return ApprovalStatus.PENDING;
  }

  Map<String, Object> payload();

  default JournalEntry toJournal(UUID approvalId, String actor, String corr, String errorCode, Instant at) {
    return JournalEntry.of(approvalId, approvalId.toString(), actor, action(), from() == null ? null : from().name(),
      to() == null ? null : to().name(), payload(), corr, errorCode, at);
  }

  /** A new request: the whole row as inserted, plus what readers of the entry are told. */
  record Created(Approval row, Map<String, Object> details) implements ApprovalEntry {
    public String action() {
      return CREATED;
    }

    public ApprovalStatus from() {
      return null;
    }

    public Map<String, Object> payload() {
      Map<String, Object> m = new LinkedHashMap<>(details);
      m.put(ROW, RowPayload.of(row));
      return m;
    }
  }

  /** A counted approval that did not reach the quorum yet. */
  record Voted(String approver, String channel, String comment, Map<String, Object> progress) implements ApprovalEntry {
    public String action() {
      return VOTE;
    }

    public Map<String, Object> payload() {
      Map<String, Object> m = new LinkedHashMap<>(progress);
      m.put("channel", channel);
      m.put("comment", comment);
      return m;
    }
  }

  /**
   * A terminal outcome (approved, rejected, expired, cancelled): who, when, where, why; {@code vote} is the
   * ballot stored with it (APPROVE or REJECT for a person's decision, null for system outcomes and cancels).
   * The record of what was decided goes with it: {@code policyHash} of the policy snapshot it was decided
   * under, {@code payloadHash} of the parameters decided ({@link #payloadHash}) and the final approvers in
   * vote order (null in entries written before they were recorded).
   */
  record Decided(ApprovalStatus to, String decidedBy, Instant decidedAt, String channel, String reason,
      String comment, String vote, String policyHash, String payloadHash, List<String> approvers)
      implements ApprovalEntry {
    public Decided {
      approvers = approvers == null ? null : List.copyOf(approvers);
    }

    public String action() {
      switch (to) {
        case APPROVED:
          return APPROVED;
        case REJECTED:
          return REJECTED;
        case EXPIRED:
          return EXPIRED;
        default:
          return CANCELLED;
      }
    }

    public Map<String, Object> payload() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("reason", reason);
      m.put("channel", channel);
      if (comment != null) {
        m.put("comment", comment);
      }
      m.put("decided_by", decidedBy);
      m.put("decided_at", Times.format(decidedAt));
      if (vote != null) {
        m.put("vote", vote);
      }
      if (policyHash != null) {
        m.put("policy_hash", policyHash);
      }
      if (payloadHash != null) {
        m.put("payload_hash", payloadHash);
      }
      if (approvers != null) {
        m.put("approvers", new java.util.ArrayList<>(approvers));
      }
      return m;
    }

    /**
     * SHA-256 over the canonical JSON of the parameters a decision covers: the final parameters of an
     * approval with edits, else the request's context.
     */
    public static String payloadHash(Approval a) {
      Object edited = a.overrides() == null ? null : a.overrides().get("final_parameters");
      return io.hitl.gateway.core.Hashing.sha256Hex(io.hitl.gateway.core.CanonicalJson.write(
        edited instanceof Map ? edited : a.context()));
    }
  }

  /** An escalation (stage "level": new deadline, one level up) or its notice (stage "notice"). */
  record Escalated(String stage, int level, Instant expiresAt, Instant escalateAt, Instant previousExpiresAt,
      String timeoutAction, List<String> targets) implements ApprovalEntry {
    public String action() {
      return ESCALATED;
    }

    public Map<String, Object> payload() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("stage", stage);
      m.put("escalation_level", level);
      if (previousExpiresAt != null) {
        m.put("previous_expires_at", Times.format(previousExpiresAt));
      }
      m.put("expires_at", Times.format(expiresAt));
      m.put("escalate_at", Times.format(escalateAt));
      m.put("timeout_action", timeoutAction);
      m.put("targets", targets);
      return m;
    }
  }

  /** A reminder went out; the row does not change. */
  record Reminded(int reminder, Instant expiresAt, int level) implements ApprovalEntry {
    public String action() {
      return REMINDER;
    }

    public Map<String, Object> payload() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("reminder", reminder);
      m.put("expires_at", Times.format(expiresAt));
      m.put("escalation_level", level);
      return m;
    }
  }

  /** A break-glass self-approval, recorded before the vote it goes with. */
  record SelfApproved(Map<String, Object> details) implements ApprovalEntry {
    public String action() {
      return SELF_APPROVAL;
    }

    public Map<String, Object> payload() {
      return new LinkedHashMap<>(details);
    }
  }

  /** A persona ticked its box. */
  record Acknowledged(String persona, Map<String, Object> details) implements ApprovalEntry {
    public String action() {
      return ACKNOWLEDGED;
    }

    public Map<String, Object> payload() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("persona", persona);
      m.putAll(details);
      return m;
    }
  }

  /** The overrides an approval with edits stored on the row (the payload is the overrides themselves). */
  record EditsApplied(Map<String, Object> overrides) implements ApprovalEntry {
    public String action() {
      return EDITS_APPLIED;
    }

    public Map<String, Object> payload() {
      return new LinkedHashMap<>(overrides);
    }
  }

  /** On a request asked again: the id of the new request; the row does not change. */
  record ReRequested(ApprovalStatus status, Map<String, Object> details) implements ApprovalEntry {
    public String action() {
      return RE_REQUESTED;
    }

    public ApprovalStatus from() {
      return status;
    }

    public ApprovalStatus to() {
      return status;
    }

    public Map<String, Object> payload() {
      return new LinkedHashMap<>(details);
    }
  }

  /**
   * A request whose row did not match its record. The evidence names what differed; for a pending request
   * the rejection follows as its own entry, so this one changes no row.
   */
  record IntegrityFailure(ApprovalStatus from, ApprovalStatus to, Map<String, Object> evidence)
      implements ApprovalEntry {
    public String action() {
      return INTEGRITY_FAILURE;
    }

    public Map<String, Object> payload() {
      return new LinkedHashMap<>(evidence);
    }
  }

  /** The typed form of a journal entry of the machine, or null for any other entry. */
  @SuppressWarnings("unchecked")
  static ApprovalEntry of(JournalEntry e) {
    Map<String, Object> p = e.payload();
    switch (e.action()) {
      case CREATED: {
        Map<String, Object> details = new LinkedHashMap<>(p);
        Object row = details.remove(ROW);
        return new Created(row instanceof Map ? RowPayload.row((Map<String, Object>) row) : null, details);
      }
      case VOTE: {
        Map<String, Object> progress = new LinkedHashMap<>(p);
        String channel = (String) progress.remove("channel");
        String comment = (String) progress.remove("comment");
        return new Voted(e.actor(), channel, comment, progress);
      }
      case APPROVED:
      case REJECTED:
      case EXPIRED:
      case CANCELLED:
        return new Decided(ApprovalStatus.valueOf(e.newState()), p.containsKey("decided_by")
          ? (String) p.get("decided_by") : e.actor(), p.containsKey("decided_at")
          ? RowPayload.instant(p.get("decided_at")) : e.createdAt(), (String) p.get("channel"),
          (String) p.get("reason"), (String) p.get("comment"), (String) p.get("vote"), (String) p.get("policy_hash"),
          (String) p.get("payload_hash"), (List<String>) p.get("approvers"));
      case ESCALATED:
        return new Escalated((String) p.get("stage"), RowPayload.integer(p.get("escalation_level")),
          RowPayload.instant(p.get("expires_at")), RowPayload.instant(p.get("escalate_at")),
          RowPayload.instant(p.get("previous_expires_at")), (String) p.get("timeout_action"),
          (List<String>) p.get("targets"));
      case REMINDER:
        return new Reminded(RowPayload.integer(p.get("reminder")), RowPayload.instant(p.get("expires_at")),
          RowPayload.integer(p.get("escalation_level")));
      case SELF_APPROVAL:
        return new SelfApproved(p);
      case ACKNOWLEDGED: {
        Map<String, Object> details = new LinkedHashMap<>(p);
        return new Acknowledged((String) details.remove("persona"), details);
      }
      case EDITS_APPLIED:
        return new EditsApplied(p);
      case RE_REQUESTED:
        return new ReRequested(status(e.newState()), p);
      case INTEGRITY_FAILURE:
        return new IntegrityFailure(status(e.previousState()), status(e.newState()), p);
      default:
        return null;
    }
  }

  private static ApprovalStatus status(String s) {
    return s == null ? null : ApprovalStatus.valueOf(s);
  }

  /** Whether a journal action is one of the machine's. */
  static boolean isMachine(String action) {
    return ACTIONS.contains(action);
  }
}
