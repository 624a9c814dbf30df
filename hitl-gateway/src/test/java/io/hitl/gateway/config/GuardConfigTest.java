package io.hitl.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class GuardConfigTest {
  @Test
  void guardSettingsHaveDefaults() {
    GatewayConfig c = GatewayConfig.of(Map.of());
    assertThat(c.guardianUrl).isNull();
    assertThat(c.guardianPollSeconds).isEqualTo(5);
    assertThat(c.guardianGraceSeconds).isEqualTo(30);
    assertThat(c.quoteUrl).isNull();
    assertThat(c.quoteMaxAgeSeconds).isEqualTo(5);
  }

  @Test
  void badGuardSettingsAreSec040NamingTheSetting() {
    assertThatThrownBy(() -> GatewayConfig.of(Map.of("HITL_GUARDIAN_URL", "ftp://guardian")))
      .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).isEqualTo("HITL_GUARDIAN_URL"));
    assertThatThrownBy(() -> GatewayConfig.of(Map.of("HITL_GUARDIAN_POLL_SECONDS", "0")))
      .hasMessageContaining("SEC-040").hasMessageContaining("HITL_GUARDIAN_POLL_SECONDS");
    assertThatThrownBy(() -> GatewayConfig.of(Map.of("HITL_GUARDIAN_GRACE_SECONDS", "-1")))
      .hasMessageContaining("HITL_GUARDIAN_GRACE_SECONDS");
    assertThatThrownBy(() -> GatewayConfig.of(Map.of("HITL_QUOTE_URL", "http://quotes/latest")))
      .hasMessageContaining("HITL_QUOTE_URL").hasMessageContaining("{ticker}");
    assertThatThrownBy(() -> GatewayConfig.of(Map.of("HITL_QUOTE_URL", "quotes/{ticker}")))
      .hasMessageContaining("HITL_QUOTE_URL").hasMessageContaining("http(s)");
    assertThatThrownBy(() -> GatewayConfig.of(Map.of("HITL_QUOTE_MAX_AGE_SECONDS", "soon")))
      .hasMessageContaining("HITL_QUOTE_MAX_AGE_SECONDS");
  }

  @Test
  void endpointUrlsAreKeptOutOfTheLogBecauseTheyMayCarryKeys() {
    GatewayConfig c = GatewayConfig.of(Map.of("HITL_QUOTE_URL", "https://md.example/q/{ticker}?apikey=s3cret",
      "HITL_GUARDIAN_URL", "https://guardian.example/status?token=t0k"));
    assertThat(c.quoteUrl).isEqualTo("https://md.example/q/{ticker}?apikey=s3cret");
    assertThat(c.toString()).doesNotContain("s3cret").doesNotContain("t0k");
  }
}
