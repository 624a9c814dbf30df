package io.hitl.gateway.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/** What {@code /readyz} reports about this node beyond the database: draining, and the cluster it is in. */
public final class NodeStatus implements Shareable {
  private static final String MAP = "hitl.node";
  private static final String KEY = "status";
  public static final String STANDALONE = "standalone";
  public static final String JOINED = "joined";
  public static final String DISCONNECTED = "disconnected";

  private final AtomicBoolean draining = new AtomicBoolean();
  private final BooleanSupplier clusterActive;
  private final IntSupplier clusterNodes;

  private NodeStatus(BooleanSupplier clusterActive, IntSupplier clusterNodes) {
    this.clusterActive = clusterActive;
    this.clusterNodes = clusterNodes;
  }

  /** Registers the status of a node; {@code clusterActive} and {@code clusterNodes} are null when standalone. */
  public static NodeStatus register(Vertx vertx, BooleanSupplier clusterActive, IntSupplier clusterNodes) {
    NodeStatus s = new NodeStatus(clusterActive, clusterNodes);
    vertx.sharedData().getLocalMap(MAP).put(KEY, s);
    return s;
  }

  /** The registered status, or a standalone one for a Vert.x that was set up without it. */
  public static NodeStatus of(Vertx vertx) {
    Object s = vertx.sharedData().getLocalMap(MAP).get(KEY);
    return s instanceof NodeStatus ? (NodeStatus) s : new NodeStatus(null, null);
  }

  /** From now on the node reports not ready, so load balancers stop sending it new work. */
  public void drain() {
    draining.set(true);
  }

  public boolean draining() {
    return draining.get();
  }

  public String cluster() {
    if (clusterActive == null) {
      return STANDALONE;
    }
    return clusterActive.getAsBoolean() ? JOINED : DISCONNECTED;
  }

  /** Gateway nodes in the cluster (this one included); 1 when standalone. */
  public int clusterNodes() {
    return clusterNodes == null ? 1 : clusterNodes.getAsInt();
  }
}
