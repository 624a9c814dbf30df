package io.hitl.gateway.cluster;

import io.hitl.gateway.support.Repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.hitl.gateway.config.ConfigException;
import io.hitl.gateway.config.GatewayConfig;
import io.vertx.core.VertxOptions;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ClusterSetupTest {
  static final Map<String, String> CLUSTERED = Map.of("HITL_CLUSTER", "true",
    "HITL_CLUSTER_SECRET", "cluster-secret-0123456789-abcdefghijkl",
    "HITL_DB_URL", "postgresql://hitl@db:5432/hitl",
    "HITL_JWT_SECRET", "jwt-secret-0123456789-abcdefghijklmnop");

  static GatewayConfig config(Map<String, String> extra) {
    Map<String, String> m = new HashMap<>(CLUSTERED);
    m.putAll(extra);
    return GatewayConfig.of(m);
  }

  @Test
  void theJarCarriesTheRepositorysClusterXmlAtItsRoot() throws Exception {
    try (InputStream in = ClusterSetupTest.class.getClassLoader().getResourceAsStream("cluster.xml")) {
      assertThat(in).isNotNull();
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo(Files.readString(Repo.path("cluster.xml"), StandardCharsets.UTF_8));
    }
  }

  @Test
  void byDefaultNodesJoinOverLoopbackTcpWithMulticastOffAndVertxStateKept() {
    Config hz = ClusterSetup.hazelcastConfig(config(Map.of()), false);
    assertThat(hz.getClusterName()).isEqualTo("hitl-gateway");
    JoinConfig join = hz.getNetworkConfig().getJoin();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.isAutoDetectionEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("127.0.0.1");
    assertThat(hz.getNetworkConfig().getInterfaces().isEnabled()).isTrue();
    assertThat(hz.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    assertThat(hz.getNetworkConfig().getPort()).isEqualTo(5701);
    assertThat(hz.getProperty("hazelcast.shutdownhook.enabled")).isEqualTo("false");
    assertThat(hz.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
    assertThat(hz.getMultiMapConfigs()).containsKey("__vertx.subs");
    assertThat(hz.getMultiMapConfig("__vertx.subs").getBackupCount()).isEqualTo(1);
    assertThat(hz.getMapConfigs()).containsKeys("__vertx.haInfo", "__vertx.nodeInfo");
    assertThat(hz.isLiteMember()).isFalse();
  }

  @Test
  void settingsOverrideTheFile() {
    Config hz = ClusterSetup.hazelcastConfig(config(Map.of("HITL_CLUSTER_NAME", "desk-eu",
      "HITL_CLUSTER_HOST", "10.0.0.7", "HITL_CLUSTER_PORT", "6000",
      "HITL_CLUSTER_MEMBERS", "10.0.0.7:6000, 10.0.0.8:6000,gw-3", "HITL_CLUSTER_FAILURE_TIMEOUT_SECONDS", "10")), false);
    assertThat(hz.getClusterName()).isEqualTo("desk-eu");
    assertThat(hz.getNetworkConfig().getPort()).isEqualTo(6000);
    assertThat(hz.getNetworkConfig().isPortAutoIncrement()).isFalse();
    assertThat(hz.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("10.0.0.7");
    assertThat(hz.getNetworkConfig().getJoin().getTcpIpConfig().getMembers())
      .containsExactly("10.0.0.7:6000", "10.0.0.8:6000", "gw-3");
    assertThat(hz.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("10");
    assertThat(hz.getProperty("hazelcast.heartbeat.interval.seconds")).isEqualTo("2");

    VertxOptions v = ClusterSetup.vertxOptions(config(Map.of("HITL_CLUSTER_HOST", "10.0.0.7",
      "HITL_CLUSTER_BUS_PORT", "17001")));
    assertThat(v.getEventBusOptions().getHost()).isEqualTo("10.0.0.7");
    assertThat(v.getEventBusOptions().getPort()).isEqualTo(17001);
  }

  @Test
  void kubernetesJoinUsesTheHeadlessServiceAndThePodAddress() {
    Config hz = ClusterSetup.hazelcastConfig(config(Map.of("HITL_CLUSTER_JOIN", "kubernetes",
      "HITL_CLUSTER_K8S_SERVICE", "hitl-gateway-hazelcast", "HITL_CLUSTER_K8S_NAMESPACE", "trading")), false);
    JoinConfig join = hz.getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("service-name")).isEqualTo("hitl-gateway-hazelcast");
    assertThat(join.getKubernetesConfig().getProperty("namespace")).isEqualTo("trading");
    assertThat(hz.getNetworkConfig().getInterfaces().isEnabled()).isFalse();
  }

  @Test
  void eventBusClientsJoinAsLiteMembersWithoutBeingGatewayNodes() {
    Config hz = ClusterSetup.hazelcastConfig(GatewayConfig.of(Map.of("HITL_CLUSTER_MEMBERS", "127.0.0.1:5701")), true);
    assertThat(hz.isLiteMember()).isTrue();
    assertThat(hz.getNetworkConfig().getJoin().getTcpIpConfig().getMembers()).containsExactly("127.0.0.1:5701");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
    "HITL_CLUSTER_SECRET|too-short|must be at least 32 characters",
    "HITL_CLUSTER_SECRET|''|is required when HITL_CLUSTER=true",
    "HITL_DB_URL|''|is required when HITL_CLUSTER=true",
    "HITL_CLUSTER_MEMBERS|127.0.0.1:99999|must be a comma-separated list of host[:port]",
    "HITL_CLUSTER_MEMBERS|a b|must be a comma-separated list of host[:port]",
    "HITL_CLUSTER_HOST|gateway.local|must be the IP address of a local interface",
    "HITL_CLUSTER_PORT|0|must be between 1 and 65535",
    "HITL_CLUSTER_BUS_PORT|-1|must be between 0 and 65535",
    "HITL_CLUSTER_JOIN|multicast|must be tcp or kubernetes",
    "HITL_CLUSTER_K8S_SERVICE|Hitl_Gateway|must be a Kubernetes service name",
    "HITL_CLUSTER_NAME|desk eu|must be 1-64 of letters",
    "HITL_CLUSTER_FAILURE_TIMEOUT_SECONDS|1|must be between 2 and 300",
    "HITL_CLUSTER_MAX_CLOCK_SKEW_SECONDS|0|must be between 1 and 600",
    "HITL_SHUTDOWN_GRACE_SECONDS|601|must be between 0 and 600",
    "HITL_SHUTDOWN_DELAY_SECONDS|x|must be a whole number"})
  void badClusterSettingsStopStartWithSec040NamingTheSetting(String key, String value, String problem) {
    assertThatThrownBy(() -> config(Map.of(key, value)))
      .isInstanceOfSatisfying(ConfigException.class, e -> {
        assertThat(e.setting()).isEqualTo(key);
        assertThat(e.getMessage()).startsWith("SEC-040").contains(problem);
      });
  }

  @Test
  void aClusteredNodeNeedsTokensEveryNodeCanVerify() {
    assertThatThrownBy(() -> config(Map.of("HITL_JWT_SECRET", "")))
      .isInstanceOfSatisfying(ConfigException.class, e -> {
        assertThat(e.setting()).isEqualTo("HITL_JWT_SECRET");
        assertThat(e.getMessage()).contains("HITL_JWT_PUBLIC_KEY");
      });
  }

  @Test
  void standaloneNeedsNoClusterSettingsAndTheSecretIsNeverPrinted() {
    GatewayConfig standalone = GatewayConfig.of(Map.of());
    assertThat(standalone.cluster).isFalse();
    assertThat(standalone.clusterSecret).isNull();
    assertThat(standalone.clusterMembers).isEmpty();
    assertThat(standalone.shutdownGraceSeconds).isEqualTo(20);
    assertThat(standalone.shutdownDelaySeconds).isZero();
    assertThat(standalone.clusterMaxClockSkewSeconds).isEqualTo(30);
    assertThat(config(Map.of()).toString()).doesNotContain("cluster-secret").contains("HITL_CLUSTER_SECRET=****");
  }

  @Test
  void everyAddressButRepliesIsGuardedWhateverItsPrefix() {
    assertThat(BusAuth.guarded("hitl.approvals.decide")).isTrue();
    assertThat(BusAuth.guarded("hitl.audit.verify")).isTrue();
    assertThat(BusAuth.guarded("hitl.events")).isTrue();
    assertThat(List.of("guardian.status", "market.quotes", "orders.new", "hitlx.a", "", "HITL.approvals.decide",
      "__vertx.other")).allMatch(BusAuth::guarded);
    assertThat(BusAuth.guarded("__vertx.reply.42")).isFalse();
    assertThat(BusAuth.guarded("__vertx.reply.3f2a9c1e-0b1d-4c3e-9f7a-1b2c3d4e5f60")).isFalse();
  }
}
