package io.hitl.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.core.TimeoutAction;
import io.hitl.gateway.core.TimeoutPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpiryConfigTest {
  @Test
  void defaultsRejectAtTheDeadlineWithNoNoticeAndNoReminders() {
    GatewayConfig c = GatewayConfig.of(Map.of());
    assertThat(c.timeoutDefaults()).isEqualTo(new TimeoutPolicy(TimeoutAction.REJECT, 300, 0, 0, 2, 300, List.of()));
    assertThat(c.expirySweepSeconds).isEqualTo(5);
  }

  @Test
  void settingsAreReadFromTheEnvironment() {
    GatewayConfig c = GatewayConfig.of(Map.of("HITL_TIMEOUT_SECONDS", "120", "HITL_TIMEOUT_ACTION", "ESCALATE",
      "HITL_ESCALATE_BEFORE_SECONDS", "30", "HITL_REMINDER_INTERVAL_SECONDS", "60", "HITL_ESCALATION_MAX_LEVEL", "3",
      "HITL_ESCALATION_TARGETS", "risk-desk, U123", "HITL_EXPIRY_SWEEP_SECONDS", "2"));
    assertThat(c.timeoutDefaults()).isEqualTo(new TimeoutPolicy(TimeoutAction.ESCALATE, 120, 30, 60, 3, 120,
      List.of("risk-desk", "U123")));
    assertThat(c.expirySweepSeconds).isEqualTo(2);
  }

  @Test
  void badValuesRefuseToStartNamingTheSetting() {
    assertBad("HITL_TIMEOUT_ACTION", "later");
    assertBad("HITL_ESCALATE_BEFORE_SECONDS", "-1");
    assertBad("HITL_REMINDER_INTERVAL_SECONDS", "3");
    assertBad("HITL_REMINDER_INTERVAL_SECONDS", "ten");
    assertBad("HITL_ESCALATION_MAX_LEVEL", "0");
    assertBad("HITL_ESCALATION_MAX_LEVEL", "11");
    assertBad("HITL_ESCALATION_EXTENSION_SECONDS", "0");
    assertBad("HITL_ESCALATION_TARGETS", "a\u0007b");
    assertBad("HITL_EXPIRY_SWEEP_SECONDS", "0");
  }

  private static void assertBad(String key, String value) {
    assertThatThrownBy(() -> GatewayConfig.of(Map.of(key, value)))
      .isInstanceOfSatisfying(ConfigException.class, e -> {
        assertThat(e.setting()).isEqualTo(key);
        assertThat(e.getMessage()).startsWith("SEC-040").contains(key);
      });
  }
}
