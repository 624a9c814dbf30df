package io.hitl.gateway.support;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** HITL_CLUSTER_* settings for nodes and clients of one test cluster on loopback, isolated by its name. */
public final class ClusterSettings {
  public static final String SECRET = "cluster-secret-0123456789-abcdefghijkl";

  public final String name = "hitl-test-" + UUID.randomUUID().toString().substring(0, 8);
  public final List<Integer> memberPorts;

  public ClusterSettings(int nodes) {
    this.memberPorts = IntStream.range(0, nodes).mapToObj(i -> TestGateway.freePort()).toList();
  }

  public String members() {
    return memberPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  /** Settings of gateway node {@code i} (0-based). */
  public Map<String, String> node(int i) {
    Map<String, String> m = common(memberPorts.get(i));
    m.put("HITL_CLUSTER", "true");
    m.put("HITL_CLUSTER_SECRET", SECRET);
    return m;
  }

  /** Settings of an event-bus client joining on its own free port. */
  public Map<String, String> client() {
    return common(TestGateway.freePort());
  }

  private Map<String, String> common(int port) {
    Map<String, String> m = new HashMap<>();
    m.put("HITL_CLUSTER_NAME", name);
    m.put("HITL_CLUSTER_HOST", "127.0.0.1");
    m.put("HITL_CLUSTER_PORT", String.valueOf(port));
    m.put("HITL_CLUSTER_MEMBERS", members());
    m.put("HITL_CLUSTER_FAILURE_TIMEOUT_SECONDS", "6");
    return m;
  }
}
