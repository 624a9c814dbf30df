package io.hitl.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.core.guard.DecisionGuards;
import io.hitl.gateway.core.guard.GuardianSource;
import io.hitl.gateway.core.guard.GuardianState;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The state machine and quorum rules, driven by arbitrary sequences of votes. */
class ApprovalStateProperties {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final DecisionRules.Operators ANYONE = new DecisionRules.Operators(Set.of(), false);
  /** Guardian unlocked, no lockout: these properties are about the state machine and quorum. */
  static final DecisionGuards OPEN = new DecisionGuards(new GuardianState(false, null, GuardianSource.INITIAL,
    "system", T0, 0, 0), null, null, java.time.Duration.ofSeconds(5), new java.math.BigDecimal("0.5"));

  record Vote(String who, Decision decision) {
  }

  @Provide
  Arbitrary<Vote> votes() {
    return Combinators.combine(Arbitraries.of("a", "b", "c", "d", "e"), Arbitraries.of(Decision.values()))
      .as(Vote::new);
  }

  /** Applies votes in order as the approval service does, returning the final request and terminal count. */
  static Result run(int required, List<Vote> votes) {
    Approval a = pending(required);
    Set<String> approvedBy = new HashSet<>();
    int terminals = 0;
    for (Vote v : votes) {
      Actor actor = new Actor(v.who(), EnumSet.of(Role.APPROVER));
      try {
        DecisionRules.Verdict verdict = DecisionRules.decide(a, approvedBy, actor, v.decision(), T0, ANYONE, OPEN);
        switch (verdict.kind()) {
          case APPROVED:
            approvedBy.add(v.who());
            a = a.decided(ApprovalStatus.APPROVED, T0, v.who(), "api", null, null);
            terminals++;
            break;
          case REJECTED:
            a = a.decided(ApprovalStatus.REJECTED, T0, v.who(), "api", null, null);
            terminals++;
            break;
          case VOTE_COUNTED:
            approvedBy.add(v.who());
            break;
          default:
            break;
        }
      } catch (GatewayException e) {
        assertThat(e.code()).isEqualTo(ErrorCode.SEC_012);
        assertThat(a.status().terminal()).isTrue();
      }
    }
    return new Result(a, terminals, approvedBy);
  }

  record Result(Approval approval, int terminals, Set<String> approvedBy) {
  }

  static Approval pending(int required) {
    return new Approval(UUID.randomUUID(), "CONFIG_UPDATE", "t", null, Map.of(), null, "engine", null, null, null,
      null, ApprovalStatus.PENDING, required, T0.plusSeconds(300), null, 0, null, null, null, null, null, null, null,
      null, T0).withRowHash();
  }

  @Property
  void atMostOneTerminalOutcomeWhateverTheVotes(@ForAll @IntRange(min = 1, max = 4) int required,
      @ForAll @Size(max = 20) List<@net.jqwik.api.From("votes") Vote> votes) {
    Result r = run(required, votes);
    assertThat(r.terminals()).isLessThanOrEqualTo(1);
    assertThat(r.approval().status().terminal()).isEqualTo(r.terminals() == 1);
  }

  @Property
  void quorumNeverApprovesWithFewerThanRequiredDistinctApprovers(@ForAll @IntRange(min = 1, max = 5) int required,
      @ForAll @Size(max = 25) List<@net.jqwik.api.From("votes") Vote> votes) {
    Result r = run(required, votes);
    if (r.approval().status() == ApprovalStatus.APPROVED) {
      assertThat(r.approvedBy()).hasSizeGreaterThanOrEqualTo(required);
      long distinctBeforeApproval = votes.stream().filter(v -> v.decision() == Decision.APPROVE).map(Vote::who)
        .distinct().count();
      assertThat(distinctBeforeApproval).isGreaterThanOrEqualTo(required);
    }
  }

  @Property
  void aRejectBeforeQuorumIsAVetoThatLaterApprovalsCannotUndo(@ForAll @IntRange(min = 2, max = 5) int required,
      @ForAll @Size(max = 10) List<@net.jqwik.api.From("votes") Vote> after) {
    List<Vote> votes = new java.util.ArrayList<>();
    votes.add(new Vote("a", Decision.APPROVE));
    votes.add(new Vote("b", Decision.REJECT));
    votes.addAll(after);
    Result r = run(required, votes);
    assertThat(r.approval().status()).isEqualTo(ApprovalStatus.REJECTED);
    assertThat(r.approval().decidedBy()).isEqualTo("b");
  }

  @Property
  void terminalStatesRefuseEveryFurtherDecisionWithTheOutcome(@ForAll("terminal") ApprovalStatus status,
      @ForAll Decision decision) {
    Approval a = pending(1).decided(status, T0, "x", "api", null, null);
    Actor bob = new Actor("bob", EnumSet.of(Role.APPROVER));
    assertThatThrownBy(() -> DecisionRules.decide(a, Set.of(), bob, decision, T0, ANYONE, OPEN))
      .isInstanceOfSatisfying(GatewayException.class, e -> {
        assertThat(e.code()).isEqualTo(status == ApprovalStatus.EXPIRED ? ErrorCode.SEC_013 : ErrorCode.SEC_012);
        assertThat(e.extensions()).containsKey("outcome");
      });
  }

  @Provide
  Arbitrary<ApprovalStatus> terminal() {
    return Arbitraries.of(ApprovalStatus.APPROVED, ApprovalStatus.REJECTED, ApprovalStatus.EXPIRED,
      ApprovalStatus.CANCELLED);
  }

  @Property
  void aDecisionAtOrAfterTheDeadlineExpiresInsteadOfDeciding(@ForAll @IntRange(min = 0, max = 100_000) int lateMs,
      @ForAll Decision decision) {
    Approval a = pending(1);
    Actor bob = new Actor("bob", EnumSet.of(Role.APPROVER));
    DecisionRules.Verdict v = DecisionRules.decide(a, Set.of(), bob, decision, a.expiresAt().plusMillis(lateMs),
      ANYONE, OPEN);
    assertThat(v.kind()).isEqualTo(DecisionRules.Kind.EXPIRE_NOW);
  }

  @Property
  void rulesApplyInSpecOrder(@ForAll boolean hasRole, @ForAll boolean allowed, @ForAll boolean self,
      @ForAll boolean decided) {
    Approval a = pending(1);
    if (decided) {
      a = a.decided(ApprovalStatus.APPROVED, T0, "x", "api", null, null);
    }
    String who = self ? a.requestedBy() : "bob";
    Actor actor = new Actor(who, hasRole ? EnumSet.of(Role.APPROVER) : EnumSet.of(Role.VIEWER));
    DecisionRules.Operators ops = new DecisionRules.Operators(allowed ? Set.of() : Set.of("someone-else"), false);
    ErrorCode expected = !hasRole ? ErrorCode.SEC_002 : !allowed ? ErrorCode.SEC_090 : self ? ErrorCode.SEC_091
      : decided ? ErrorCode.SEC_012 : null;
    Approval subject = a;
    if (expected == null) {
      assertThat(DecisionRules.decide(subject, Set.of(), actor, Decision.APPROVE, T0, ops, OPEN).kind())
        .isEqualTo(DecisionRules.Kind.APPROVED);
    } else {
      assertThatThrownBy(() -> DecisionRules.decide(subject, Set.of(), actor, Decision.APPROVE, T0, ops, OPEN))
        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(expected));
    }
  }
}
