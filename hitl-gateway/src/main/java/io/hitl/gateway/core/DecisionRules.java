package io.hitl.gateway.core;

import io.hitl.gateway.core.guard.DecisionGuards;
import io.hitl.gateway.core.policy.SelfApproval;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SPEC §5 rules for a decision on one request, in their order; the trading guards (rules 2 and 5)
 * judge what the caller read for them. Everything here is pure.
 */
public final class DecisionRules {

  public enum Kind {
    /** Terminal: quorum reached. */
    APPROVED,
    /** Terminal: a reject is a veto. */
    REJECTED,
    /** Still pending: an approval counted towards the quorum. */
    VOTE_COUNTED,
    /** Still pending: this approver had already approved; nothing changes. */
    DUPLICATE_VOTE,
    /** The deadline has passed: the request must expire now and the decision is refused (SEC-013). */
    EXPIRE_NOW
  }

  /**
   * The outcome of one decision: its kind, the distinct approvals counted so far, whether the requester
   * approved their own request, and whether a super-approver decided it alone.
   */
  public record Verdict(Kind kind, int approvals, boolean selfApproval, boolean superApproval) {
    public Verdict(Kind kind, int approvals) {
      this(kind, approvals, false, false);
    }
  }

  /** One decision as cast: who, approve or reject, and the reason given (self-approval may need one). */
  public record Ballot(Actor actor, Decision decision, String reason) {
  }

  /**
   * Who may decide: the desk-wide allowlist {@code fence} (empty means every approver), the policy's
   * approvers (users and roles; both empty means every approver), its super-approvers (one approval
   * suffices) and its self-approval mode.
   */
  public record Operators(Set<String> fence, Set<String> users, Set<String> roles, Set<String> superApprovers,
      SelfApproval selfApproval) {
    public Operators {
      fence = Set.copyOf(fence);
      users = Set.copyOf(users);
      roles = Set.copyOf(roles);
      superApprovers = Set.copyOf(superApprovers);
    }

    public Operators(Set<String> allowed, boolean selfApprovalAllowed) {
      this(allowed, Set.of(), Set.of(), Set.of(), selfApprovalAllowed ? SelfApproval.ALLOW : SelfApproval.FORBID);
    }

    public boolean allows(Actor actor) {
      if (!fence.isEmpty() && !fence.contains(actor.subject())) {
        return false;
      }
      if (superApprovers.contains(actor.subject()) || (users.isEmpty() && roles.isEmpty())) {
        return true;
      }
      return users.contains(actor.subject()) || roles.stream().anyMatch(actor::holds);
    }

    public boolean isSuper(String subject) {
      return superApprovers.contains(subject);
    }
  }

  private DecisionRules() {
  }

  public static Verdict decide(Approval a, Set<String> approvedBy, Actor actor, Decision d, Instant now,
      Operators operators, DecisionGuards guards) {
    return decide(a, approvedBy, new Ballot(actor, d, null), now, operators, guards, List.of());
  }

  /** Outside the trading guards (no Guardian, lockout or price to consult), for rules that concern none of them. */
  public static Verdict decide(Approval a, Set<String> approvedBy, Actor actor, Decision d, Instant now,
      Operators operators) {
    return decide(a, approvedBy, new Ballot(actor, d, null), now, operators, null, List.of());
  }

  /** One ballot outside the trading guards. */
  public static Verdict decide(Approval a, Set<String> approvedBy, Ballot ballot, Instant now, Operators operators,
      List<String> missingAcknowledgements) {
    return decide(a, approvedBy, ballot, now, operators, null, missingAcknowledgements);
  }

  /**
   * SPEC §5 for one ballot: rules 1, 2 ({@code guards}), 3, 4, 5 ({@code guards}) and 6, in that order.
   * {@code missingAcknowledgements} are the personas still to tick their box: an approval is refused
   * (SEC-030) until there are none; a reject is never held back.
   */
  public static Verdict decide(Approval a, Set<String> approvedBy, Ballot ballot, Instant now, Operators operators,
      DecisionGuards guards, List<String> missingAcknowledgements) {
    Actor actor = ballot.actor();
    Decision d = ballot.decision();
    actor.require(Role.APPROVER, "decide approval requests");
    if (guards != null) {
      guards.requireOpen(d);
    }
    if (!operators.allows(actor)) {
      throw new GatewayException(ErrorCode.SEC_090,
        "Operator '" + actor.subject() + "' is not allowed to decide requests under policy "
          + policyName(a));
    }
    boolean self = d == Decision.APPROVE && actor.subject().equals(a.requestedBy());
    if (self && operators.selfApproval() == SelfApproval.FORBID) {
      throw new GatewayException(ErrorCode.SEC_091, "The requester may not approve their own request");
    }
    if (self && operators.selfApproval() == SelfApproval.ALLOW_WITH_REASON
        && (ballot.reason() == null || ballot.reason().isBlank())) {
      throw new GatewayException(ErrorCode.SEC_091,
        "The requester may approve their own request only with a reason (break-glass)");
    }
    requirePending(a);
    if (!now.isBefore(a.expiresAt())) {
      return new Verdict(Kind.EXPIRE_NOW, approvedBy.size());
    }
    if (d == Decision.REJECT) {
      return new Verdict(Kind.REJECTED, approvedBy.size());
    }
    if (!missingAcknowledgements.isEmpty()) {
      throw new GatewayException(ErrorCode.SEC_030, "Request " + a.id() + " cannot be approved before "
        + String.join(", ", missingAcknowledgements) + " acknowledge it",
        Map.of("missing_acknowledgements", List.copyOf(missingAcknowledgements)));
    }
    if (approvedBy.contains(actor.subject())) {
      return new Verdict(Kind.DUPLICATE_VOTE, approvedBy.size(), self, false);
    }
    if (guards != null) {
      guards.requirePriceHolds(a, now);
    }
    int count = approvedBy.size() + 1;
    if (operators.isSuper(actor.subject())) {
      return new Verdict(Kind.APPROVED, count, self, true);
    }
    return new Verdict(count >= a.requiredApprovals() ? Kind.APPROVED : Kind.VOTE_COUNTED, count, self, false);
  }

  private static String policyName(Approval a) {
    Object n = a.policy() == null ? null : a.policy().get(PolicyKeys.POLICY_NAME);
    return n == null ? "(settings)" : "'" + n + "'";
  }

  /** Cancel: the requester or an admin, while pending. */
  public static boolean cancelExpiresInstead(Approval a, Actor actor, Instant now) {
    if (!actor.has(Role.ADMIN) && !(actor.has(Role.SUBMITTER) && actor.subject().equals(a.requestedBy()))) {
      throw new GatewayException(ErrorCode.SEC_002, "Only the requester or an admin may cancel a request");
    }
    requirePending(a);
    return !now.isBefore(a.expiresAt());
  }

  /** SEC-012 (or SEC-013 for an expired request) with the outcome in the problem body. */
  public static void requirePending(Approval a) {
    if (a.status() == ApprovalStatus.PENDING) {
      return;
    }
    Map<String, Object> outcome = new LinkedHashMap<>();
    outcome.put("status", a.status().json());
    outcome.put("decided_by", a.decidedBy());
    outcome.put("decided_at", Times.format(a.decidedAt()));
    outcome.put("decision_channel", a.decisionChannel());
    outcome.put("decision_reason", a.decisionReason());
    if (a.status() == ApprovalStatus.EXPIRED) {
      throw new GatewayException(ErrorCode.SEC_013, "Request " + a.id() + " expired at " + Times.format(a.expiresAt()),
        Map.of("outcome", outcome));
    }
    throw new GatewayException(ErrorCode.SEC_012,
      "Request " + a.id() + " was already " + a.status().json() + " by " + a.decidedBy(), Map.of("outcome", outcome));
  }
}
