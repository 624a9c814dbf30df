package io.hitl.gateway.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.Decision;
import io.hitl.gateway.core.DecisionRules;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.Role;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Quorum under a policy's approver rules, for any order of ballots with duplicates, strangers, the
 * requester and a super-approver: applied one at a time as the row lock serializes them.
 */
class QuorumProperties {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final String REQUESTER = "engine";
  static final String BOSS = "boss";
  static final Set<String> ALLOWED = Set.of("a", "b", "c", "d", "e", REQUESTER);

  record Ballot(String who, Decision decision) {
  }

  @Provide
  Arbitrary<Ballot> ballots() {
    return Combinators.combine(Arbitraries.of("a", "b", "c", "d", "e", "stranger", REQUESTER, BOSS),
      Arbitraries.frequency(net.jqwik.api.Tuple.of(4, Decision.APPROVE), net.jqwik.api.Tuple.of(1, Decision.REJECT)))
      .as(Ballot::new);
  }

  /** What a run of ballots did: the final request, who counted towards it, the terminal outcomes, the refusals. */
  record Run(Approval approval, List<String> counted, int terminals, List<ErrorCode> refusals, boolean bySuper,
      int firstRejectAt, int approvedAt) {
  }

  static Run run(int required, boolean withSuper, SelfApproval self, List<Ballot> ballots) {
    Approval a = pending(required);
    DecisionRules.Operators ops = new DecisionRules.Operators(Set.of(), ALLOWED, Set.of(),
      withSuper ? Set.of(BOSS) : Set.of(), self);
    Set<String> approvedBy = new LinkedHashSet<>();
    List<ErrorCode> refusals = new ArrayList<>();
    int terminals = 0;
    boolean bySuper = false;
    int firstRejectAt = -1;
    int approvedAt = -1;
    for (int i = 0; i < ballots.size(); i++) {
      Ballot b = ballots.get(i);
      Actor actor = new Actor(b.who(), EnumSet.of(Role.APPROVER));
      try {
        DecisionRules.Verdict v = DecisionRules.decide(a, approvedBy, new DecisionRules.Ballot(actor, b.decision(),
          "because"), T0, ops, List.of());
        switch (v.kind()) {
          case APPROVED:
            approvedBy.add(b.who());
            a = a.decided(ApprovalStatus.APPROVED, T0, b.who(), "api", null, null);
            bySuper = v.superApproval();
            approvedAt = i;
            terminals++;
            break;
          case REJECTED:
            a = a.decided(ApprovalStatus.REJECTED, T0, b.who(), "api", null, null);
            firstRejectAt = i;
            terminals++;
            break;
          case VOTE_COUNTED:
            approvedBy.add(b.who());
            break;
          default:
            break;
        }
      } catch (GatewayException e) {
        refusals.add(e.code());
      }
    }
    return new Run(a, new ArrayList<>(approvedBy), terminals, refusals, bySuper, firstRejectAt, approvedAt);
  }

  static Approval pending(int required) {
    return new Approval(UUID.randomUUID(), "CONFIG_UPDATE", "t", null, Map.of(), null, REQUESTER, null, null, null,
      null, ApprovalStatus.PENDING, required, T0.plusSeconds(300), null, 0, null, null, null, null, null, null, null,
      null, T0).withRowHash();
  }

  @Property
  void quorumNeverApprovesWithFewerThanRequiredDistinctAllowedApprovers(
      @ForAll @IntRange(min = 1, max = 5) int required, @ForAll SelfApproval self,
      @ForAll @Size(max = 30) List<@From("ballots") Ballot> ballots) {
    Run r = run(required, false, self, ballots);
    assertThat(r.terminals()).isLessThanOrEqualTo(1);
    if (r.approval().status() == ApprovalStatus.APPROVED) {
      assertThat(r.counted()).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(required);
      assertThat(ALLOWED).containsAll(r.counted());
      long distinctAllowedApprovals = ballots.subList(0, r.approvedAt() + 1).stream()
        .filter(b -> b.decision() == Decision.APPROVE && ALLOWED.contains(b.who())).map(Ballot::who).distinct().count();
      assertThat(distinctAllowedApprovals).isGreaterThanOrEqualTo(required);
    }
  }

  @Property
  void onlyASuperApproverApprovesBelowTheQuorumAndThenAlone(@ForAll @IntRange(min = 2, max = 5) int required,
      @ForAll @Size(max = 30) List<@From("ballots") Ballot> ballots) {
    Run r = run(required, true, SelfApproval.FORBID, ballots);
    if (r.approval().status() == ApprovalStatus.APPROVED && r.counted().size() < required) {
      assertThat(r.bySuper()).isTrue();
      assertThat(r.approval().decidedBy()).isEqualTo(BOSS);
    }
    if (r.bySuper()) {
      assertThat(r.approval().decidedBy()).isEqualTo(BOSS);
    }
  }

  @Property
  void aVetoBeforeTheQuorumWinsOverEveryLaterApproval(@ForAll @IntRange(min = 1, max = 5) int required,
      @ForAll boolean withSuper, @ForAll @Size(max = 30) List<@From("ballots") Ballot> ballots) {
    Run r = run(required, withSuper, SelfApproval.ALLOW, ballots);
    if (r.firstRejectAt() >= 0) {
      assertThat(r.approval().status()).isEqualTo(ApprovalStatus.REJECTED);
      assertThat(r.approval().decidedBy()).isEqualTo(ballots.get(r.firstRejectAt()).who());
      for (int i = r.firstRejectAt() + 1; i < ballots.size(); i++) {
        Run longer = run(required, withSuper, SelfApproval.ALLOW, ballots.subList(0, i + 1));
        assertThat(longer.approval().status()).isEqualTo(ApprovalStatus.REJECTED);
      }
    }
  }

  @Property
  void aRejectFromAnAllowedApproverAnywhereBeforeApprovalMakesItRejected(
      @ForAll @IntRange(min = 1, max = 5) int required, @ForAll @Size(max = 20) List<@From("ballots") Ballot> before,
      @ForAll @Size(max = 20) List<@From("ballots") Ballot> after) {
    List<Ballot> ballots = new ArrayList<>(before);
    ballots.add(new Ballot("a", Decision.REJECT));
    ballots.addAll(after);
    Run r = run(required, true, SelfApproval.FORBID, ballots);
    boolean approvedEarlier = r.approvedAt() >= 0 && r.approvedAt() < before.size();
    assertThat(r.approval().status()).isEqualTo(approvedEarlier ? ApprovalStatus.APPROVED : ApprovalStatus.REJECTED);
  }

  @Property
  void strangersAndAForbiddenRequesterAreRefusedAndNeverCounted(
      @ForAll @Size(max = 30) List<@From("ballots") Ballot> ballots) {
    Run r = run(6, false, SelfApproval.FORBID, ballots);
    assertThat(r.counted()).doesNotContain("stranger", REQUESTER, BOSS);
    long strangers = ballots.stream().filter(b -> b.who().equals("stranger") || b.who().equals(BOSS)).count();
    long selfApprovals = ballots.stream().filter(b -> b.who().equals(REQUESTER) && b.decision() == Decision.APPROVE)
      .count();
    if (r.terminals() == 0) {
      assertThat(r.refusals().stream().filter(c -> c == ErrorCode.SEC_090).count()).isEqualTo(strangers);
      assertThat(r.refusals().stream().filter(c -> c == ErrorCode.SEC_091).count()).isEqualTo(selfApprovals);
    }
  }

  @Property
  void theSameBallotsInAnyOrderWithoutRejectsReachTheSameOutcome(@ForAll @IntRange(min = 1, max = 5) int required,
      @ForAll @Size(max = 20) List<@From("ballots") Ballot> ballots, @ForAll java.util.Random random) {
    List<Ballot> approvals = ballots.stream().filter(b -> b.decision() == Decision.APPROVE).toList();
    List<Ballot> shuffled = new ArrayList<>(approvals);
    java.util.Collections.shuffle(shuffled, random);
    Run one = run(required, false, SelfApproval.FORBID, approvals);
    Run other = run(required, false, SelfApproval.FORBID, shuffled);
    assertThat(other.approval().status()).isEqualTo(one.approval().status());
  }
}
