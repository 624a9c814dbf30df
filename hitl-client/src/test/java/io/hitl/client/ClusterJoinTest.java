package io.hitl.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterJoinTest {

  @Test
  void theClusterSettingsOfTheEnvironmentShapeTheHazelcastConfiguration() {
    ClusterJoin.Settings s = ClusterJoin.Settings.fromEnv(Map.of("HITL_CLUSTER_NAME", "desk-eu",
      "HITL_CLUSTER_MEMBERS", "10.0.0.1:5701, 10.0.0.2:5701", "HITL_CLUSTER_PORT", "5710",
      "HITL_CLUSTER_HOST", "10.0.0.9", "HITL_CLUSTER_FAILURE_TIMEOUT_SECONDS", "10", "OTHER", "x"));
    assertThat(s.members()).containsExactly("10.0.0.1:5701", "10.0.0.2:5701");
    Config hz = ClusterJoin.hazelcastConfig(s, true);
    assertThat(hz.getClusterName()).isEqualTo("desk-eu");
    assertThat(hz.isLiteMember()).isTrue();
    assertThat(hz.getNetworkConfig().getPort()).isEqualTo(5710);
    assertThat(hz.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled()).isTrue();
    assertThat(hz.getNetworkConfig().getJoin().getTcpIpConfig().getMembers())
      .containsExactly("10.0.0.1:5701", "10.0.0.2:5701");
    assertThat(hz.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("10.0.0.9");
    assertThat(hz.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("10");
    assertThat(ClusterJoin.vertxOptions(s).getEventBusOptions().getHost()).isEqualTo("10.0.0.9");
  }

  @Test
  void badValuesAreRefusedNamingTheSetting() {
    assertThatThrownBy(() -> ClusterJoin.Settings.fromEnv(Map.of("HITL_CLUSTER_PORT", "70000")))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HITL_CLUSTER_PORT");
    assertThatThrownBy(() -> ClusterJoin.Settings.fromEnv(Map.of("HITL_CLUSTER_JOIN", "multicast")))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HITL_CLUSTER_JOIN");
    assertThat(ClusterJoin.join(Map.of("HITL_CLUSTER_BUS_PORT", "x")).failed()).isTrue();
    assertThat(ClusterJoin.Settings.fromEnv(Map.of()).members()).isEqualTo(List.of());
  }

  @Test
  void retryAfterIsReadAsSecondsOrAnHttpDate() {
    Instant now = Instant.parse("2026-11-21T14:00:00Z");
    assertThat(RetryAfter.parse("5", now)).isEqualTo(Duration.ofSeconds(5));
    assertThat(RetryAfter.parse("0.25", now)).isEqualTo(Duration.ofMillis(250));
    assertThat(RetryAfter.parse("Sat, 21 Nov 2026 14:00:30 GMT", now)).isEqualTo(Duration.ofSeconds(30));
    assertThat(RetryAfter.parse("Sat, 21 Nov 2026 13:00:00 GMT", now)).isEqualTo(Duration.ZERO);
    assertThat(RetryAfter.parse("soon", now)).isNull();
    assertThat(RetryAfter.parse("-3", now)).isNull();
    assertThat(RetryAfter.parse(null, now)).isNull();
  }
}
