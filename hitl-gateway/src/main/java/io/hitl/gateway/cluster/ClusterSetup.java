package io.hitl.gateway.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import io.hitl.client.ClusterJoin;
import io.hitl.gateway.config.ConfigKeys;
import io.hitl.gateway.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Map;
import java.util.TreeMap;

/**
 * The clustered Vert.x of a gateway node or of an event-bus client: Hazelcast configured by
 * {@code cluster.xml} (on the classpath, at the root of the jar; {@code -Dvertx.hazelcast.config=FILE}
 * to use another), with each {@code HITL_CLUSTER_*} setting that is set applied over it.
 */
public final class ClusterSetup {
  public static final String JOIN_TCP = ClusterJoin.JOIN_TCP;
  public static final String JOIN_KUBERNETES = ClusterJoin.JOIN_KUBERNETES;
  static final String SETTING_PREFIX = ConfigKeys.HITL_CLUSTER + "_";

  private ClusterSetup() {
  }

  /** The Hazelcast configuration; a lite member (event-bus clients) holds none of the cluster's data. */
  public static Config hazelcastConfig(GatewayConfig c, boolean liteMember) {
    return ClusterJoin.hazelcastConfig(settings(c), liteMember);
  }

  /** The validated settings in the client library's form, which builds the Hazelcast configuration for both. */
  static ClusterJoin.Settings settings(GatewayConfig c) {
    return new ClusterJoin.Settings(c.clusterName, c.clusterMembers, c.clusterPort, c.clusterHost, c.clusterJoin,
      c.clusterK8sService, c.clusterK8sNamespace, c.clusterFailureTimeoutSeconds, c.clusterBusPort);
  }

  public static VertxOptions vertxOptions(GatewayConfig c) {
    return ClusterJoin.vertxOptions(settings(c));
  }

  public static Future<Vertx> join(GatewayConfig c, HazelcastClusterManager manager) {
    return ClusterJoin.join(settings(c), manager);
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
