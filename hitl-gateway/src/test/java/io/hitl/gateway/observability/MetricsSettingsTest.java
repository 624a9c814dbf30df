package io.hitl.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.config.ConfigException;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** HITL_METRICS_* settings: defaults, validation, and a gateway with metrics switched off. */
class MetricsSettingsTest {

  @Test
  void defaultsServeOpenMetricsRefreshedAtMostEveryFiveSeconds() {
    GatewayConfig c = GatewayConfig.of(Map.of());
    assertThat(c.metricsEnabled).isTrue();
    assertThat(c.metricsToken).isNull();
    assertThat(c.metricsDbRefreshSeconds).isEqualTo(5);
  }

  @Test
  void badValuesAreSec040NamingTheSetting() {
    assertThatThrownBy(() -> GatewayConfig.of(Map.of("HITL_METRICS_ENABLED", "maybe")))
      .isInstanceOf(ConfigException.class).hasMessageContaining("HITL_METRICS_ENABLED");
    assertThatThrownBy(() -> GatewayConfig.of(Map.of("HITL_METRICS_TOKEN", "short")))
      .isInstanceOf(ConfigException.class).hasMessageContaining("HITL_METRICS_TOKEN");
    assertThatThrownBy(() -> GatewayConfig.of(Map.of("HITL_METRICS_DB_REFRESH_SECONDS", "-1")))
      .isInstanceOf(ConfigException.class).hasMessageContaining("HITL_METRICS_DB_REFRESH_SECONDS");
    assertThatThrownBy(() -> GatewayConfig.of(Map.of("HITL_METRICS_DB_REFRESH_SECONDS", "3601")))
      .isInstanceOf(ConfigException.class).hasMessageContaining("HITL_METRICS_DB_REFRESH_SECONDS");
  }

  @Test
  void theMetricsTokenIsASecretOfTheStartLine() {
    GatewayConfig c = GatewayConfig.of(Map.of("HITL_METRICS_TOKEN", "0123456789abcdef-token"));
    assertThat(c.toString()).contains("HITL_METRICS_TOKEN=****").doesNotContain("0123456789abcdef-token");
  }

  @Test
  void withMetricsSwitchedOffThereIsNoMetricsEndpointAndTheApiWorksAsBefore() {
    try (TestGateway gw = TestGateway.start(TestDb.freshEmbedded(), Map.of("HITL_METRICS_ENABLED", "false"))) {
      Response metrics = gw.call("GET", "/metrics", null, null);
      assertThat(metrics.status()).isEqualTo(404);
      assertThat(metrics.json().getString("code")).isEqualTo("SEC-011");
      assertThat(gw.call("POST", "/api/v1/approvals/trade", gw.token("engine-1", "submitter"), TestGateway.trade())
        .status()).isEqualTo(201);
    }
  }
}
