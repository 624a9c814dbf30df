package io.hitl.gateway.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.KubernetesConfig;
import com.hazelcast.config.NetworkConfig;
import io.hitl.gateway.config.ConfigKeys;
import io.hitl.gateway.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;

/**
 * The clustered Vert.x of a gateway node or of an event-bus client: Hazelcast configured by
 * {@code cluster.xml} (on the classpath, at the root of the jar; {@code -Dvertx.hazelcast.config=FILE}
 * to use another), with each {@code HITL_CLUSTER_*} setting that is set applied over it.
 */
public final class ClusterSetup {
  public static final String JOIN_TCP = "tcp";
  public static final String JOIN_KUBERNETES = "kubernetes";
  static final String SETTING_PREFIX = ConfigKeys.HITL_CLUSTER + "_";

  private ClusterSetup() {
  }

  /** The Hazelcast configuration; a lite member (event-bus clients) holds none of the cluster's data. */
  public static Config hazelcastConfig(GatewayConfig c, boolean liteMember) {
    Config hz = ConfigUtil.loadConfig();
    if (hz == null) {
      throw new IllegalStateException("cluster.xml could not be read from the classpath");
    }
    if (c.clusterName != null) {
      hz.setClusterName(c.clusterName);
    }
    NetworkConfig net = hz.getNetworkConfig();
    if (c.clusterPort != null) {
      net.setPort(c.clusterPort).setPortAutoIncrement(false);
    }
    if (c.clusterHost != null) {
      net.getInterfaces().clear().setEnabled(true).addInterface(c.clusterHost);
    }
    JoinConfig join = net.getJoin();
    String mode = c.clusterJoin != null ? c.clusterJoin : c.clusterMembers.isEmpty() ? null : JOIN_TCP;
    if (JOIN_KUBERNETES.equals(mode)) {
      join.getMulticastConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(false);
      KubernetesConfig k8s = join.getKubernetesConfig().setEnabled(true);
      if (c.clusterK8sService != null) {
        k8s.setProperty("service-name", c.clusterK8sService);
      }
      if (c.clusterK8sNamespace != null) {
        k8s.setProperty("namespace", c.clusterK8sNamespace);
      }
      if (c.clusterPort != null) {
        k8s.setProperty("service-port", Integer.toString(c.clusterPort));
      }
      if (c.clusterHost == null) {
        // the pod's own address, found by Hazelcast, instead of the loopback of the local default
        net.getInterfaces().setEnabled(false);
      }
    } else if (JOIN_TCP.equals(mode)) {
      join.getMulticastConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(true);
      if (!c.clusterMembers.isEmpty()) {
        join.getTcpIpConfig().setMembers(new ArrayList<>(c.clusterMembers));
      }
    }
    if (c.clusterFailureTimeoutSeconds != null) {
      int timeout = c.clusterFailureTimeoutSeconds;
      hz.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(timeout));
      hz.setProperty("hazelcast.heartbeat.interval.seconds", Integer.toString(Math.max(1, timeout / 5)));
    }
    hz.setLiteMember(liteMember);
    return hz;
  }

  public static VertxOptions vertxOptions(GatewayConfig c) {
    EventBusOptions bus = new EventBusOptions().setPort(c.clusterBusPort);
    if (c.clusterHost != null) {
      bus.setHost(c.clusterHost);
    }
    return new VertxOptions().setEventBusOptions(bus);
  }

  public static Future<Vertx> join(GatewayConfig c, HazelcastClusterManager manager) {
    return Vertx.builder().with(vertxOptions(c)).withClusterManager(manager).buildClustered();
  }

  /**
   * Joins the gateway's cluster from another JVM as a lite member, configured like the gateway by the
   * {@code HITL_CLUSTER_*} variables found in {@code env} (bad values: ConfigException, SEC-040).
   */
  public static Future<Vertx> joinAsClient(Map<String, String> env) {
    Map<String, String> settings = new TreeMap<>();
    env.forEach((k, v) -> {
      if (k.startsWith(SETTING_PREFIX)) {
        settings.put(k, v);
      }
    });
    GatewayConfig c = GatewayConfig.of(settings);
    return join(c, new HazelcastClusterManager(hazelcastConfig(c, true)));
  }

  /** Gateway nodes in the cluster: the members that hold data (event-bus clients join as lite members). */
  public static int dataMembers(HazelcastClusterManager manager) {
    if (!manager.isActive()) {
      return 0;
    }
    int n = 0;
    for (Member m : manager.getHazelcastInstance().getCluster().getMembers()) {
      if (!m.isLiteMember()) {
        n++;
      }
    }
    return n;
  }
}
