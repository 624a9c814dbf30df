package io.hitl.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ConfigTest {

  @Test
  void defaultsFollowTheSpec() {
    GatewayConfig c = GatewayConfig.of(Map.of());
    assertThat(c.hitlEnabled).isTrue();
    assertThat(c.timeoutSeconds).isEqualTo(300);
    assertThat(c.slippageMaxPercent).isEqualByComparingTo(new BigDecimal("0.5"));
    assertThat(c.httpPort).isEqualTo(8080);
    assertThat(c.dbUrl).isNull();
    assertThat(c.dataDir.toString()).isEqualTo("./data");
    assertThat(c.cluster).isFalse();
    assertThat(c.slackApiBaseUrl).isEqualTo("https://slack.com/api");
    assertThat(c.discordApiBaseUrl).isEqualTo("https://discord.com/api/v10");
    assertThat(c.allowedOperators).isEmpty();
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
    "HITL_ENABLED|maybe|must be true or false",
    "HITL_TIMEOUT_SECONDS|0|must be between 1 and 86400",
    "HITL_TIMEOUT_SECONDS|ten|must be a whole number",
    "HITL_SLIPPAGE_MAX_PERCENT|-1|must be between 0 and 100",
    "HITL_SLIPPAGE_MAX_PERCENT|lots|must be a decimal number",
    "HITL_HTTP_PORT|70000|must be between 0 and 65535",
    "HITL_DB_URL|mysql://x/y|must look like postgresql://",
    "HITL_PUBLIC_URL|ftp://host|must be an http(s) URL",
    "SLACK_API_BASE_URL|not a url|must be an http(s) URL",
    "DISCORD_PUBLIC_KEY|abc|must be 64 hexadecimal characters",
    "HITL_JWT_SECRET|short|must be at least 32 characters",
    "HITL_JWT_PUBLIC_KEY|abc|must be a PEM public key",
    "HITL_CLUSTER|2|must be true or false"})
  void badValuesStopStartWithSec040NamingTheSetting(String key, String value, String problem) {
    assertThatThrownBy(() -> GatewayConfig.of(Map.of(key, value)))
      .isInstanceOfSatisfying(ConfigException.class, e -> {
        assertThat(e.setting()).isEqualTo(key);
        assertThat(e.getMessage()).startsWith("SEC-040").contains(key).contains(problem);
      });
  }

  @Test
  void environmentOverridesTheFileAndUnknownFileKeysAreRefused() {
    GatewayConfig c = GatewayConfig.from(Map.of("HITL_TIMEOUT_SECONDS", 120, "HITL_HTTP_PORT", 9000),
      Map.of("HITL_TIMEOUT_SECONDS", "60", "PATH", "/usr/bin"));
    assertThat(c.timeoutSeconds).isEqualTo(60);
    assertThat(c.httpPort).isEqualTo(9000);
    assertThatThrownBy(() -> GatewayConfig.from(Map.of("HITL_TIMEOUT_SECOND", 5), Map.of()))
      .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).isEqualTo("HITL_TIMEOUT_SECOND"));
  }

  @Test
  void secretsAreMaskedWhenTheConfigurationIsPrinted() {
    GatewayConfig c = GatewayConfig.of(Map.of("HITL_JWT_SECRET", "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t",
      "SLACK_BOT_TOKEN", "xoxb-very-secret", "HITL_DB_URL", "postgresql://u:pw@db:5432/hitl",
      "HITL_ALLOWED_OPERATORS", "alice, bob"));
    assertThat(c.toString()).doesNotContain("s3cr3t").doesNotContain("xoxb").doesNotContain("pw@")
      .contains("HITL_JWT_SECRET=****").contains("HITL_ALLOWED_OPERATORS=alice, bob");
    assertThat(c.allowedOperators).isEqualTo(Set.of("alice", "bob"));
  }
}
