package io.hitl.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetentionConfigTest {
  @Test
  void retentionIsOffByDefaultAndArchivesUnderTheDataDirectory() {
    GatewayConfig c = GatewayConfig.of(Map.of("HITL_DATA_DIR", "/var/lib/hitl"));
    assertThat(c.retentionDays).isZero();
    assertThat(c.retentionCheckSeconds).isEqualTo(3600);
    assertThat(c.archiveDir).isEqualTo(Path.of("/var/lib/hitl/archive"));
    assertThat(c.pretradeKeepHours).isEqualTo(48);
  }

  @Test
  void settingsAreReadFromTheEnvironment() {
    GatewayConfig c = GatewayConfig.of(Map.of("HITL_RETENTION_DAYS", "365", "HITL_RETENTION_CHECK_SECONDS", "600",
      "HITL_ARCHIVE_DIR", "/mnt/audit-archive"));
    assertThat(c.retentionDays).isEqualTo(365);
    assertThat(c.retentionCheckSeconds).isEqualTo(600);
    assertThat(c.archiveDir).isEqualTo(Path.of("/mnt/audit-archive"));
  }

  @Test
  void badValuesRefuseToStartNamingTheSetting() {
    assertBad("HITL_RETENTION_DAYS", "-1");
    assertBad("HITL_RETENTION_DAYS", "36501");
    assertBad("HITL_RETENTION_DAYS", "a year");
    assertBad("HITL_RETENTION_CHECK_SECONDS", "0");
    assertBad("HITL_RETENTION_CHECK_SECONDS", "604801");
    assertBad("HITL_ARCHIVE_DIR", "bad\u0000path");
    // a day is the longest window a policy may declare: the purge keeps an hour more
    assertBad("HITL_PRETRADE_KEEP_HOURS", "24");
    assertBad("HITL_PRETRADE_KEEP_HOURS", "87601");
    assertThat(GatewayConfig.of(Map.of("HITL_PRETRADE_KEEP_HOURS", "25")).pretradeKeepHours).isEqualTo(25);
  }

  private static void assertBad(String key, String value) {
    assertThatThrownBy(() -> GatewayConfig.of(Map.of(key, value)))
      .isInstanceOfSatisfying(ConfigException.class, e -> {
        assertThat(e.setting()).isEqualTo(key);
        assertThat(e.getMessage()).startsWith("SEC-040").contains(key);
      });
  }
}
