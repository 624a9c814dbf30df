package io.hitl.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineSessionConfigTest {
  @Test
  void theSweepRunsEverySecondUnlessSetWithinItsRange() {
    assertThat(GatewayConfig.of(Map.of()).engineSessionSweepMs).isEqualTo(1000);
    assertThat(GatewayConfig.of(Map.of("HITL_ENGINE_SESSION_SWEEP_MS", "250")).engineSessionSweepMs).isEqualTo(250);
    assertThat(GatewayConfig.of(Map.of("HITL_ENGINE_SESSION_SWEEP_MS", "50")).engineSessionSweepMs).isEqualTo(50);
    assertThat(GatewayConfig.of(Map.of("HITL_ENGINE_SESSION_SWEEP_MS", "60000")).engineSessionSweepMs)
      .isEqualTo(60_000);
  }

  @Test
  void aBadSweepPeriodRefusesToStartNamingTheSetting() {
    for (String bad : new String[] {"0", "49", "60001", "-1000", "1s", "1000.5"}) {
      assertThatThrownBy(() -> GatewayConfig.of(Map.of("HITL_ENGINE_SESSION_SWEEP_MS", bad))).as(bad)
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.setting()).isEqualTo("HITL_ENGINE_SESSION_SWEEP_MS");
          assertThat(e.getMessage()).startsWith("SEC-040").contains("HITL_ENGINE_SESSION_SWEEP_MS");
        });
    }
  }
}
