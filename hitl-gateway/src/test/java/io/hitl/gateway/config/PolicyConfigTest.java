package io.hitl.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.core.policy.Policy;
import io.hitl.gateway.policy.PolicyCache;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyConfigTest {
  @Test
  void reRequestDefaultsAreAMinuteAndThreePerLineage() {
    GatewayConfig c = GatewayConfig.of(Map.of());
    assertThat(PolicyCache.limits(c).reRequest()).isEqualTo(new Policy.ReRequest(60, 3));
    GatewayConfig set = GatewayConfig.of(Map.of("HITL_REREQUEST_COOLDOWN_SECONDS", "0",
      "HITL_REREQUEST_MAX_PER_LINEAGE", "10"));
    assertThat(PolicyCache.limits(set).reRequest()).isEqualTo(new Policy.ReRequest(0, 10));
  }

  @Test
  void badValuesRefuseToStartNamingTheSetting() {
    assertBad("HITL_REREQUEST_COOLDOWN_SECONDS", "-1");
    assertBad("HITL_REREQUEST_COOLDOWN_SECONDS", "86401");
    assertBad("HITL_REREQUEST_MAX_PER_LINEAGE", "101");
    assertBad("HITL_REREQUEST_MAX_PER_LINEAGE", "some");
  }

  static void assertBad(String key, String value) {
    assertThatThrownBy(() -> GatewayConfig.of(Map.of(key, value))).isInstanceOf(ConfigException.class)
      .hasMessageContaining(key);
  }
}
