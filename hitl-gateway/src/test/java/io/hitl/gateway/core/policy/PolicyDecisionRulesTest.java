package io.hitl.gateway.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.Decision;
import io.hitl.gateway.core.DecisionRules;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.Role;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** SPEC §5 rule 3 and 6 under a policy: approvers by user and role, super-approvers, self-approval, personas. */
class PolicyDecisionRulesTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  static Approval pending(int required, String requester) {
    return new Approval(UUID.randomUUID(), "CONFIG_UPDATE", "t", null, Map.of(), null, requester, null, null,
      Map.of("policy_name", "desk"), null, ApprovalStatus.PENDING, required, T0.plusSeconds(300), null, 0, null, null,
      null, null, null, null, null, null, T0).withRowHash();
  }

  static Actor approver(String who, String... deskRoles) {
    return new Actor(who, EnumSet.of(Role.APPROVER), Set.of(deskRoles));
  }

  static DecisionRules.Verdict decide(Approval a, Set<String> voters, Actor actor, Decision d, String reason,
      DecisionRules.Operators ops, List<String> missing) {
    return DecisionRules.decide(a, voters, new DecisionRules.Ballot(actor, d, reason), T0, ops, missing);
  }

  static void refused(Runnable r, ErrorCode code) {
    assertThatThrownBy(r::run).isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  @Test
  void approversAreTheListedUsersOrHoldersOfTheListedRoles() {
    DecisionRules.Operators ops = new DecisionRules.Operators(Set.of(), Set.of("alice"), Set.of("senior"), Set.of(),
      SelfApproval.FORBID);
    Approval a = pending(1, "engine");
    assertThat(decide(a, Set.of(), approver("alice"), Decision.APPROVE, null, ops, List.of()).kind())
      .isEqualTo(DecisionRules.Kind.APPROVED);
    assertThat(decide(a, Set.of(), approver("sam", "senior"), Decision.APPROVE, null, ops, List.of()).kind())
      .isEqualTo(DecisionRules.Kind.APPROVED);
    refused(() -> decide(a, Set.of(), approver("bob", "junior"), Decision.APPROVE, null, ops, List.of()),
      ErrorCode.SEC_090);
    refused(() -> decide(a, Set.of(), approver("bob"), Decision.REJECT, null, ops, List.of()), ErrorCode.SEC_090);
  }

  @Test
  void aPolicyRoleThatIsAGatewayRoleIsHeldByAdminsToo() {
    DecisionRules.Operators ops = new DecisionRules.Operators(Set.of(), Set.of(), Set.of("admin"), Set.of(),
      SelfApproval.FORBID);
    Actor root = new Actor("root", EnumSet.of(Role.ADMIN));
    assertThat(decide(pending(1, "engine"), Set.of(), root, Decision.APPROVE, null, ops, List.of()).kind())
      .isEqualTo(DecisionRules.Kind.APPROVED);
  }

  @Test
  void theDeskWideAllowlistFencesEvenSuperApprovers() {
    DecisionRules.Operators ops = new DecisionRules.Operators(Set.of("alice"), Set.of(), Set.of(), Set.of("boss"),
      SelfApproval.FORBID);
    refused(() -> decide(pending(2, "engine"), Set.of(), approver("boss"), Decision.APPROVE, null, ops, List.of()),
      ErrorCode.SEC_090);
  }

  @Test
  void aSuperApproverDecidesAloneEvenWhenNotAListedApprover() {
    DecisionRules.Operators ops = new DecisionRules.Operators(Set.of(), Set.of("alice", "bob", "carol"), Set.of(),
      Set.of("boss"), SelfApproval.FORBID);
    DecisionRules.Verdict v = decide(pending(3, "engine"), Set.of(), approver("boss"), Decision.APPROVE, null, ops,
      List.of());
    assertThat(v.kind()).isEqualTo(DecisionRules.Kind.APPROVED);
    assertThat(v.superApproval()).isTrue();
    assertThat(v.approvals()).isEqualTo(1);
    DecisionRules.Verdict plain = decide(pending(3, "engine"), Set.of(), approver("alice"), Decision.APPROVE, null,
      ops, List.of());
    assertThat(plain.kind()).isEqualTo(DecisionRules.Kind.VOTE_COUNTED);
    assertThat(plain.superApproval()).isFalse();
  }

  @Test
  void selfApprovalModes() {
    Approval own = pending(1, "alice");
    Actor alice = approver("alice");
    refused(() -> decide(own, Set.of(), alice, Decision.APPROVE, "urgent", ops(SelfApproval.FORBID), List.of()),
      ErrorCode.SEC_091);
    DecisionRules.Verdict allowed = decide(own, Set.of(), alice, Decision.APPROVE, null, ops(SelfApproval.ALLOW),
      List.of());
    assertThat(allowed.kind()).isEqualTo(DecisionRules.Kind.APPROVED);
    assertThat(allowed.selfApproval()).isTrue();
    refused(() -> decide(own, Set.of(), alice, Decision.APPROVE, "  ", ops(SelfApproval.ALLOW_WITH_REASON),
      List.of()), ErrorCode.SEC_091);
    assertThat(decide(own, Set.of(), alice, Decision.APPROVE, "market closes in 2 minutes",
      ops(SelfApproval.ALLOW_WITH_REASON), List.of()).selfApproval()).isTrue();
    assertThat(decide(own, Set.of(), alice, Decision.REJECT, null, ops(SelfApproval.FORBID), List.of()).kind())
      .as("withdrawing one's own request is not a self-approval").isEqualTo(DecisionRules.Kind.REJECTED);
  }

  @Test
  void approvalWaitsForEveryPersonaButARejectNeverWaits() {
    Approval a = pending(1, "engine");
    assertThatThrownBy(() -> decide(a, Set.of(), approver("alice"), Decision.APPROVE, null, ops(SelfApproval.FORBID),
      List.of("risk", "compliance"))).isInstanceOfSatisfying(GatewayException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.SEC_030);
        assertThat(e.extensions()).containsEntry("missing_acknowledgements", List.of("risk", "compliance"));
      });
    assertThat(decide(a, Set.of(), approver("alice"), Decision.REJECT, null, ops(SelfApproval.FORBID),
      List.of("risk")).kind()).isEqualTo(DecisionRules.Kind.REJECTED);
  }

  @Test
  void operatorRulesComeBeforeThePendingCheck() {
    Approval done = pending(1, "engine").decided(ApprovalStatus.APPROVED, T0, "x", "api", null, null);
    DecisionRules.Operators ops = new DecisionRules.Operators(Set.of(), Set.of("alice"), Set.of(), Set.of(),
      SelfApproval.FORBID);
    refused(() -> decide(done, Set.of(), approver("bob"), Decision.APPROVE, null, ops, List.of()), ErrorCode.SEC_090);
    refused(() -> decide(done, Set.of(), approver("alice"), Decision.APPROVE, null, ops, List.of()), ErrorCode.SEC_012);
  }

  static DecisionRules.Operators ops(SelfApproval self) {
    return new DecisionRules.Operators(Set.of(), Set.of(), Set.of(), Set.of(), self);
  }
}
