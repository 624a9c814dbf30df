package io.hitl.gateway.core.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GuardianRulesTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  private static GuardianState state(boolean locked, GuardianSource source) {
    return new GuardianState(locked, null, source, "x", T0, 0, 0);
  }

  @Test
  void anySourceLocksAnUnlockedSwitchAndALockedOneStaysAsItIs() {
    for (GuardianSource s : GuardianSource.values()) {
      assertThat(GuardianRules.changes(state(false, GuardianSource.INITIAL), true, s)).isTrue();
      assertThat(GuardianRules.changes(state(true, GuardianSource.HTTP), true, s)).isFalse();
    }
  }

  @Test
  void aManualLockIsLiftedOnlyByAnAdmin() {
    GuardianState manual = state(true, GuardianSource.MANUAL);
    assertThat(GuardianRules.changes(manual, false, GuardianSource.HTTP)).isFalse();
    assertThat(GuardianRules.changes(manual, false, GuardianSource.BUS)).isFalse();
    assertThat(GuardianRules.changes(manual, false, GuardianSource.MANUAL)).isTrue();
  }

  @Test
  void automaticLocksAreLiftedByTheGuardianOrAnAdmin() {
    for (GuardianSource lockedBy : new GuardianSource[] {GuardianSource.HTTP, GuardianSource.BUS,
        GuardianSource.FAIL_CLOSED}) {
      assertThat(GuardianRules.changes(state(true, lockedBy), false, GuardianSource.HTTP)).isTrue();
      assertThat(GuardianRules.changes(state(true, lockedBy), false, GuardianSource.BUS)).isTrue();
      assertThat(GuardianRules.changes(state(true, lockedBy), false, GuardianSource.MANUAL)).isTrue();
    }
    assertThat(GuardianRules.changes(state(false, GuardianSource.HTTP), false, GuardianSource.MANUAL)).isFalse();
  }

  @Test
  void theWatchFailsClosedOnlyAfterTheGraceSinceTheLastGoodAnswer() {
    GuardianWatch w = new GuardianWatch(Duration.ofSeconds(30), T0);
    assertThat(w.answered(new GuardianStatus(false, null), T0.plusSeconds(10)).kind())
      .isEqualTo(GuardianWatch.Kind.UNLOCK);
    assertThat(w.failed("connection refused", T0.plusSeconds(20)).kind()).isEqualTo(GuardianWatch.Kind.NONE);
    assertThat(w.failed("connection refused", T0.plusSeconds(40)).kind()).isEqualTo(GuardianWatch.Kind.NONE);
    GuardianWatch.Action a = w.failed("timeout", T0.plusSeconds(41));
    assertThat(a.kind()).isEqualTo(GuardianWatch.Kind.FAIL_CLOSED);
    assertThat(a.reason()).contains("unreachable for 31 s").contains("failing closed").contains("timeout");
    assertThat(w.failingSince()).isEqualTo(T0.plusSeconds(20));
    assertThat(w.answered(new GuardianStatus(true, "risk limit"), T0.plusSeconds(50)))
      .isEqualTo(new GuardianWatch.Action(GuardianWatch.Kind.LOCK, "risk limit"));
    assertThat(w.failingSince()).isNull();
  }

  @Test
  void aGuardianNeverReachedCountsFromStartUp() {
    GuardianWatch w = new GuardianWatch(Duration.ofSeconds(5), T0);
    assertThat(w.failed("refused", T0.plusSeconds(5)).kind()).isEqualTo(GuardianWatch.Kind.NONE);
    assertThat(w.failed("refused", T0.plusSeconds(6)).kind()).isEqualTo(GuardianWatch.Kind.FAIL_CLOSED);
  }

  @Test
  void statusBodiesAreStrict() {
    assertThat(GuardianStatus.parse(Map.of("state", "locked", "reason", "drawdown")))
      .isEqualTo(new GuardianStatus(true, "drawdown"));
    assertThat(GuardianStatus.parse(Map.of("state", "UNLOCKED"))).isEqualTo(new GuardianStatus(false, null));
    Map<String, Object> bad = new HashMap<>();
    bad.put("state", "MAYBE");
    assertThatThrownBy(() -> GuardianStatus.parse(bad))
      .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SEC_010));
    assertThatThrownBy(() -> GuardianStatus.parse(Map.of("state", true)))
      .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SEC_010));
  }
}
