package io.hitl.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.core.guard.DecisionGuards;
import io.hitl.gateway.core.guard.GuardianSource;
import io.hitl.gateway.core.guard.GuardianState;
import io.hitl.gateway.core.guard.Lockout;
import io.hitl.gateway.core.guard.LockoutSource;
import io.hitl.gateway.core.guard.Quote;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** SPEC §5 order with the trading guards: roles, Guardian and lockout, operators, pending/expiry, slippage, quorum. */
class DecisionRulesGuardsTest {
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final Actor ALICE = new Actor("alice", EnumSet.of(Role.APPROVER));
  private static final DecisionRules.Operators ANYONE = new DecisionRules.Operators(Set.of(), false);
  private static final GuardianState OPEN = new GuardianState(false, null, GuardianSource.INITIAL, "system", NOW, 0, 0);
  private static final GuardianState LOCKED = new GuardianState(true, "drawdown", GuardianSource.MANUAL, "carol", NOW,
    0, 1);
  private static final Lockout LOCKOUT = new Lockout(UUID.randomUUID(), "7203.T", "earnings", LockoutSource.MANUAL,
    "carol", NOW, NOW.plusSeconds(600), null, null, null);
  private static final Duration AGE = Duration.ofSeconds(5);
  private static final BigDecimal HALF = new BigDecimal("0.5");

  private static Approval trade(ApprovalStatus status, Instant expires) {
    Map<String, Object> ctx = new LinkedHashMap<>();
    ctx.put("ticker", "7203.T");
    ctx.put("action", "BUY");
    ctx.put("price", "2850");
    return new Approval(UUID.randomUUID(), ApprovalTypes.TRADE_EXECUTION, "BUY 100 7203.T", null, ctx, null, "engine",
      null, null, null, null, status, 1, expires, null, 0, null, null, null, null, null, null, null, null,
      NOW.minusSeconds(10)).withRowHash();
  }

  private static Quote quote(String ask) {
    return new Quote("7203.T", new BigDecimal(ask), new BigDecimal(ask), NOW, NOW, "api");
  }

  private static ErrorCode code(Runnable r) {
    try {
      r.run();
    } catch (GatewayException e) {
      return e.code();
    }
    return null;
  }

  @Test
  void roleComesBeforeTheGuardianAndTheGuardianBeforeTheOperatorAllowlist() {
    Approval a = trade(ApprovalStatus.PENDING, NOW.plusSeconds(60));
    DecisionGuards locked = new DecisionGuards(LOCKED, null, quote("2850"), AGE, HALF);
    Actor viewer = new Actor("vic", EnumSet.of(Role.VIEWER));
    assertThat(code(() -> DecisionRules.decide(a, Set.of(), viewer, Decision.APPROVE, NOW, ANYONE, locked)))
      .isEqualTo(ErrorCode.SEC_002);
    DecisionRules.Operators onlyBob = new DecisionRules.Operators(Set.of("bob"), false);
    assertThat(code(() -> DecisionRules.decide(a, Set.of(), ALICE, Decision.REJECT, NOW, onlyBob, locked)))
      .isEqualTo(ErrorCode.SEC_020);
    Approval decided = trade(ApprovalStatus.APPROVED, NOW.plusSeconds(60));
    assertThat(code(() -> DecisionRules.decide(decided, Set.of(), ALICE, Decision.APPROVE, NOW, ANYONE, locked)))
      .isEqualTo(ErrorCode.SEC_020);
  }

  @Test
  void aLockoutBlocksApprovingButNotRejecting() {
    Approval a = trade(ApprovalStatus.PENDING, NOW.plusSeconds(60));
    DecisionGuards g = new DecisionGuards(OPEN, LOCKOUT, quote("2850"), AGE, HALF);
    assertThat(code(() -> DecisionRules.decide(a, Set.of(), ALICE, Decision.APPROVE, NOW, ANYONE, g)))
      .isEqualTo(ErrorCode.SEC_021);
    assertThat(DecisionRules.decide(a, Set.of(), ALICE, Decision.REJECT, NOW, ANYONE, g).kind())
      .isEqualTo(DecisionRules.Kind.REJECTED);
  }

  @Test
  void slippageIsJudgedAfterPendingAndExpiryAndBeforeQuorum() {
    DecisionGuards moved = new DecisionGuards(OPEN, null, quote("2900"), AGE, HALF);
    Approval expired = trade(ApprovalStatus.PENDING, NOW.minusSeconds(1));
    assertThat(DecisionRules.decide(expired, Set.of(), ALICE, Decision.APPROVE, NOW, ANYONE, moved).kind())
      .isEqualTo(DecisionRules.Kind.EXPIRE_NOW);
    Approval done = trade(ApprovalStatus.REJECTED, NOW.plusSeconds(60));
    assertThat(code(() -> DecisionRules.decide(done, Set.of(), ALICE, Decision.APPROVE, NOW, ANYONE, moved)))
      .isEqualTo(ErrorCode.SEC_012);
    Approval a = trade(ApprovalStatus.PENDING, NOW.plusSeconds(60));
    assertThat(code(() -> DecisionRules.decide(a, Set.of(), ALICE, Decision.APPROVE, NOW, ANYONE, moved)))
      .isEqualTo(ErrorCode.SEC_050);
    assertThat(DecisionRules.decide(a, Set.of(), ALICE, Decision.REJECT, NOW, ANYONE, moved).kind())
      .isEqualTo(DecisionRules.Kind.REJECTED);
    DecisionGuards none = new DecisionGuards(OPEN, null, null, AGE, HALF);
    assertThat(code(() -> DecisionRules.decide(a, Set.of(), ALICE, Decision.APPROVE, NOW, ANYONE, none)))
      .isEqualTo(ErrorCode.SEC_051);
    DecisionGuards ok = new DecisionGuards(OPEN, null, quote("2864.25"), AGE, HALF);
    assertThat(DecisionRules.decide(a, Set.of(), ALICE, Decision.APPROVE, NOW, ANYONE, ok).kind())
      .isEqualTo(DecisionRules.Kind.APPROVED);
  }

  @Test
  void requestsThatAreNotTradesNeedNoQuote() {
    Approval a = new Approval(UUID.randomUUID(), "CONFIG_UPDATE", "raise limit", null, Map.of(), null, "engine", null,
      null, null, null, ApprovalStatus.PENDING, 1, NOW.plusSeconds(60), null, 0, null, null, null, null, null, null,
      null, null, NOW).withRowHash();
    DecisionGuards none = new DecisionGuards(OPEN, null, null, AGE, HALF);
    assertThat(DecisionRules.decide(a, Set.of(), ALICE, Decision.APPROVE, NOW, ANYONE, none).kind())
      .isEqualTo(DecisionRules.Kind.APPROVED);
    assertThatThrownBy(() -> DecisionRules.decide(a, Set.of(), ALICE, Decision.APPROVE, NOW, ANYONE,
      new DecisionGuards(LOCKED, null, null, AGE, HALF))).isInstanceOf(GatewayException.class);
  }
}
