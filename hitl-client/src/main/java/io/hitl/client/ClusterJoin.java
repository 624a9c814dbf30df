package io.hitl.client;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.KubernetesConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Joins the gateway's clustered event bus: Hazelcast configured by {@code cluster.xml} (at the root of this jar;
 * {@code -Dvertx.hazelcast.config=FILE} for another) with the {@code HITL_CLUSTER_*} settings applied over it.
 * Gateway nodes build their configuration here too, so a client joins exactly as a node does. Needs
 * vertx-hazelcast on the class path (an optional dependency of this library).
 */
public final class ClusterJoin {
  public static final String JOIN_TCP = "tcp";
  public static final String JOIN_KUBERNETES = "kubernetes";

  /** The cluster settings (docs/operations.md); null or empty means "as cluster.xml says". */
  public record Settings(String name, List<String> members, Integer port, String host, String join,
      String k8sService, String k8sNamespace, Integer failureTimeoutSeconds, int busPort) {
    public Settings {
      members = members == null ? List.of() : List.copyOf(members);
    }

    /** From {@code HITL_CLUSTER_NAME}, {@code _MEMBERS}, {@code _PORT}, {@code _HOST}, {@code _JOIN}, {@code _K8S_*}. */
    public static Settings fromEnv(Map<String, String> env) {
      List<String> members = new ArrayList<>();
      String m = blankToNull(env.get("HITL_CLUSTER_MEMBERS"));
      if (m != null) {
        for (String part : m.split(",")) {
          if (!part.isBlank()) {
            members.add(part.trim());
          }
        }
      }
      String join = blankToNull(env.get("HITL_CLUSTER_JOIN"));
      if (join != null && !join.equals(JOIN_TCP) && !join.equals(JOIN_KUBERNETES)) {
        throw new IllegalArgumentException("HITL_CLUSTER_JOIN must be tcp or kubernetes");
      }
      Integer busPort = port(env, "HITL_CLUSTER_BUS_PORT", 0);
      return new Settings(blankToNull(env.get("HITL_CLUSTER_NAME")), members, port(env, "HITL_CLUSTER_PORT", 1),
        blankToNull(env.get("HITL_CLUSTER_HOST")), join, blankToNull(env.get("HITL_CLUSTER_K8S_SERVICE")),
        blankToNull(env.get("HITL_CLUSTER_K8S_NAMESPACE")), port(env, "HITL_CLUSTER_FAILURE_TIMEOUT_SECONDS", 2),
        busPort == null ? 0 : busPort);
    }

    private static Integer port(Map<String, String> env, String key, int min) {
      String v = blankToNull(env.get(key));
      if (v == null) {
        return null;
      }
      try {
        int p = Integer.parseInt(v.trim());
        if (p >= min && p <= 65_535) {
          return p;
        }
      } catch (NumberFormatException ignored) {
        // reported below with the name of the setting
      }
      throw new IllegalArgumentException(key + " must be a whole number from " + min + " to 65535");
    }

    private static String blankToNull(String s) {
      return s == null || s.isBlank() ? null : s.trim();
    }
  }

  private ClusterJoin() {
  }

  /** Joins as a lite member (holds none of the cluster's data) configured by {@code HITL_CLUSTER_*} in {@code env}. */
  public static Future<Vertx> join(Map<String, String> env) {
    Settings s;
    try {
      s = Settings.fromEnv(env);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return join(s, new HazelcastClusterManager(hazelcastConfig(s, true)));
  }

  public static Future<Vertx> join(Settings s, HazelcastClusterManager manager) {
    return Vertx.builder().with(vertxOptions(s)).withClusterManager(manager).buildClustered();
  }

  /** The event bus listens on {@code HITL_CLUSTER_BUS_PORT} (0: any free port) of {@code HITL_CLUSTER_HOST}. */
  public static VertxOptions vertxOptions(Settings s) {
    EventBusOptions bus = new EventBusOptions().setPort(s.busPort());
    if (s.host() != null) {
      bus.setHost(s.host());
    }
    return new VertxOptions().setEventBusOptions(bus);
  }

  /** The Hazelcast configuration; a lite member (event-bus clients) holds none of the cluster's data. */
  public static Config hazelcastConfig(Settings s, boolean liteMember) {
    Config hz = ConfigUtil.loadConfig();
    if (hz == null) {
      throw new IllegalStateException("cluster.xml could not be read from the classpath");
    }
    if (s.name() != null) {
      hz.setClusterName(s.name());
    }
    NetworkConfig net = hz.getNetworkConfig();
    if (s.port() != null) {
      net.setPort(s.port()).setPortAutoIncrement(false);
    }
    if (s.host() != null) {
      net.getInterfaces().clear().setEnabled(true).addInterface(s.host());
    }
    JoinConfig join = net.getJoin();
    String mode = s.join() != null ? s.join() : s.members().isEmpty() ? null : JOIN_TCP;
    if (JOIN_KUBERNETES.equals(mode)) {
      join.getMulticastConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(false);
      KubernetesConfig k8s = join.getKubernetesConfig().setEnabled(true);
      if (s.k8sService() != null) {
        k8s.setProperty("service-name", s.k8sService());
      }
      if (s.k8sNamespace() != null) {
        k8s.setProperty("namespace", s.k8sNamespace());
      }
      if (s.port() != null) {
        k8s.setProperty("service-port", Integer.toString(s.port()));
      }
      if (s.host() == null) {
        // the pod's own address, found by Hazelcast, instead of the loopback of the local default
        net.getInterfaces().setEnabled(false);
      }
    } else if (JOIN_TCP.equals(mode)) {
      join.getMulticastConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(true);
      if (!s.members().isEmpty()) {
        join.getTcpIpConfig().setMembers(new ArrayList<>(s.members()));
      }
    }
    if (s.failureTimeoutSeconds() != null) {
      int timeout = s.failureTimeoutSeconds();
      hz.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(timeout));
      hz.setProperty("hazelcast.heartbeat.interval.seconds", Integer.toString(Math.max(1, timeout / 5)));
    }
    hz.setLiteMember(liteMember);
    return hz;
  }
}
