package io.hitl.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GroupCommitConfigTest {

  @Test
  void defaultsBatchUpToThirtyTwoChangesAndCachePreparedStatements() {
    GatewayConfig c = GatewayConfig.of(Map.of());
    assertThat(c.groupCommitMax).isEqualTo(32);
    assertThat(c.dbCachePrepared).isTrue();
    GatewayConfig off = GatewayConfig.of(Map.of("HITL_GROUP_COMMIT_MAX", "1", "HITL_DB_CACHE_PREPARED", "false"));
    assertThat(off.groupCommitMax).isEqualTo(1);
    assertThat(off.dbCachePrepared).isFalse();
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
    "HITL_GROUP_COMMIT_MAX|0|must be between 1 and 64",
    "HITL_GROUP_COMMIT_MAX|65|must be between 1 and 64",
    "HITL_GROUP_COMMIT_MAX|many|must be a whole number",
    "HITL_DB_CACHE_PREPARED|sometimes|must be true or false"})
  void badValuesStopStartWithSec040NamingTheSetting(String key, String value, String problem) {
    assertThatThrownBy(() -> GatewayConfig.of(Map.of(key, value)))
      .isInstanceOfSatisfying(ConfigException.class, e -> {
        assertThat(e.setting()).isEqualTo(key);
        assertThat(e.getMessage()).startsWith("SEC-040").contains(key).contains(problem);
      });
  }
}
