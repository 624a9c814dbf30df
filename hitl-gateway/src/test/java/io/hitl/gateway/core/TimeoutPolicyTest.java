package io.hitl.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimeoutPolicyTest {
  private static final TimeoutPolicy DEFAULTS = new TimeoutPolicy(TimeoutAction.REJECT, 300, 60, 0, 2, 300,
    List.of("risk-desk"));
  private static final TimeoutPolicy.Bounds BOUNDS = new TimeoutPolicy.Bounds(1, 86_400);

  @Test
  void defaultsApplyWhenTheBodySetsNothing() {
    TimeoutPolicy p = TimeoutPolicy.resolve(Map.of(), 300, DEFAULTS, BOUNDS);
    assertThat(p).isEqualTo(DEFAULTS);
  }

  @Test
  void aDefaultNoticeLongerThanTheRequestTimeoutIsDropped() {
    TimeoutPolicy p = TimeoutPolicy.resolve(Map.of(), 30, DEFAULTS, BOUNDS);
    assertThat(p.timeoutSeconds()).isEqualTo(30);
    assertThat(p.escalateBeforeSeconds()).isZero();
  }

  @Test
  void bodyOverridesEachSetting() {
    Map<String, Object> body = Map.of("timeout_action", "Escalate", "escalate_before_seconds", 20,
      "reminder_interval_seconds", 45, "max_escalation_level", 3, "escalation_extension_seconds", 600,
      "escalation_targets", List.of(" bob ", "U123", "bob"));
    TimeoutPolicy p = TimeoutPolicy.resolve(body, 120, DEFAULTS, BOUNDS);
    assertThat(p).isEqualTo(new TimeoutPolicy(TimeoutAction.ESCALATE, 120, 20, 45, 3, 600, List.of("bob", "U123")));
  }

  @Test
  void zeroTurnsTheNoticeAndRemindersOff() {
    TimeoutPolicy p = TimeoutPolicy.resolve(Map.of("escalate_before_seconds", 0, "reminder_interval_seconds", 0),
      300, new TimeoutPolicy(TimeoutAction.REJECT, 300, 60, 30, 2, 300, List.of()), BOUNDS);
    assertThat(p.escalateBeforeSeconds()).isZero();
    assertThat(p.reminderIntervalSeconds()).isZero();
  }

  @Test
  void zeroNegativeAbsurdAndMistypedValuesAreRefusedNamingTheirField() {
    assertRefused(Map.of("timeout_action", "ignore"), "timeout_action");
    assertRefused(Map.of("timeout_action", 1), "timeout_action");
    assertRefused(Map.of("escalate_before_seconds", -1), "escalate_before_seconds");
    assertRefused(Map.of("escalate_before_seconds", 300), "escalate_before_seconds");
    assertRefused(Map.of("escalate_before_seconds", "10"), "escalate_before_seconds");
    assertRefused(Map.of("reminder_interval_seconds", 5), "reminder_interval_seconds");
    assertRefused(Map.of("reminder_interval_seconds", -30), "reminder_interval_seconds");
    assertRefused(Map.of("reminder_interval_seconds", 86_401), "reminder_interval_seconds");
    assertRefused(Map.of("reminder_interval_seconds", 12.5), "reminder_interval_seconds");
    assertRefused(Map.of("max_escalation_level", 0), "max_escalation_level");
    assertRefused(Map.of("max_escalation_level", 11), "max_escalation_level");
    assertRefused(Map.of("escalation_extension_seconds", 0), "escalation_extension_seconds");
    assertRefused(Map.of("escalation_extension_seconds", new BigInteger("99999999999999999999999")),
      "escalation_extension_seconds");
    assertRefused(Map.of("escalation_extension_seconds", Long.MAX_VALUE), "escalation_extension_seconds");
    assertRefused(Map.of("escalation_targets", "bob"), "escalation_targets");
    assertRefused(Map.of("escalation_targets", List.of("")), "escalation_targets");
    assertRefused(Map.of("escalation_targets", List.of("a\u0007b")), "escalation_targets");
    assertRefused(Map.of("escalation_targets", List.of("x".repeat(129))), "escalation_targets");
    assertRefused(Map.of("escalation_targets", java.util.Collections.nCopies(21, "bob")), "escalation_targets");
  }

  @Test
  void everyBadFieldIsReportedAtOnce() {
    Map<String, Object> body = new HashMap<>();
    body.put("timeout_action", "later");
    body.put("max_escalation_level", -2);
    assertThatThrownBy(() -> TimeoutPolicy.resolve(body, 300, DEFAULTS, BOUNDS))
      .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(errors(e))
        .containsOnlyKeys("timeout_action", "max_escalation_level"));
  }

  @Test
  void theSnapshotRoundTripsAndItsHashIsStable() {
    TimeoutPolicy p = new TimeoutPolicy(TimeoutAction.ESCALATE, 120, 20, 45, 3, 600, List.of("bob"));
    Map<String, Object> snapshot = p.toSnapshot();
    assertThat(TimeoutPolicy.fromSnapshot(snapshot, DEFAULTS)).isEqualTo(p);
    assertThat(TimeoutPolicy.hash(snapshot)).isEqualTo(TimeoutPolicy.hash(p.toSnapshot())).hasSize(64);
    assertThat(TimeoutPolicy.hash(snapshot)).isNotEqualTo(TimeoutPolicy.hash(DEFAULTS.toSnapshot()));
  }

  @Test
  void olderSnapshotsFallBackToTheDefaults() {
    assertThat(TimeoutPolicy.fromSnapshot(null, DEFAULTS)).isEqualTo(DEFAULTS);
    assertThat(TimeoutPolicy.fromSnapshot(Map.of("timeout_action", "approve"), DEFAULTS).action())
      .isEqualTo(TimeoutAction.APPROVE);
  }

  private static void assertRefused(Map<String, Object> body, String field) {
    assertThatThrownBy(() -> TimeoutPolicy.resolve(body, 300, DEFAULTS, BOUNDS))
      .isInstanceOfSatisfying(GatewayException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.SEC_010);
        assertThat(errors(e)).containsOnlyKeys(field);
      });
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> errors(GatewayException e) {
    return (Map<String, String>) e.extensions().get("errors");
  }
}
