package io.hitl.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.NodeCluster;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateway nodes (separate JVMs, one PostgreSQL), each keeping the policy document it read last: a version
 * saved on one node is the one the other node's next create uses, and while versions are saved on one node
 * under a stream of creates on the other, no create uses a version older than one whose save had returned
 * before the create was sent, and each create carries the quorum of the version it names.
 */
class PolicyClusterTest {
  static String dbUrl;
  static NodeCluster cluster;
  static String admin;
  static String engine;

  @BeforeAll
  static void start() {
    dbUrl = TestDb.freshEmbedded();
    cluster = NodeCluster.start(2, dbUrl, Map.of());
    admin = cluster.token("ops-admin", "admin");
    engine = cluster.token("engine-1", "submitter");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** A document whose default quorum tells which version a create used: 1, 2 or 3 approvals by version. */
  static JsonObject document(int n) {
    return new JsonObject().put("policies", new JsonArray()).put("default", new JsonObject()
      .put("required_approvals", quorum(n)).put("approvers", new JsonObject().put("users", new JsonArray()
        .add("a-" + n).add("b-" + n).add("c-" + n))));
  }

  static int quorum(int version) {
    return version % 3 + 1;
  }

  static int put(NodeCluster.Node node, int n) {
    TestGateway.Response r = node.call("PUT", "/api/v1/policies", admin, document(n));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getInteger("version");
  }

  static JsonObject trade(String id) {
    return new JsonObject().put("ticker", "POL").put("action", "BUY").put("quantity", 10).put("price", "10")
      .put("strategy", "s-1").put("account", "acct-1").put("trade_id", id);
  }

  static JsonObject create(NodeCluster.Node node, String id) {
    TestGateway.Response r = node.call("POST", "/api/v1/approvals/trade", engine, trade(id));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  @Test
  void aVersionSavedOnOneNodeIsTheOneTheOtherNodesNextCreateUses() {
    int seq = 0;
    for (int round = 0; round < 6; round++) {
      NodeCluster.Node saver = cluster.node(round % 2);
      NodeCluster.Node creator = cluster.node((round + 1) % 2);
      // the creating node has read the version before (its own create), so it holds it when the other saves
      create(creator, "seq-before-" + round);
      int n = ++seq;
      int v = put(saver, n);
      JsonObject created = create(creator, "seq-after-" + round);
      assertThat(created.getInteger("policy_version")).as("round %d", round).isEqualTo(v);
      assertThat(created.getInteger("required_approvals")).isEqualTo(quorum(n));
    }
  }

  @Test
  void whileVersionsAreSavedOnOneNodeNoCreateOnTheOtherUsesAnOlderVersionThanOneAlreadySaved() throws Exception {
    int first = put(cluster.node(1), 100);
    Map<Integer, Integer> quorumOf = new ConcurrentHashMap<>();
    quorumOf.put(first, quorum(100));
    AtomicInteger saved = new AtomicInteger(first);
    AtomicBoolean saving = new AtomicBoolean(true);
    List<CompletableFuture<List<int[]>>> senders = new ArrayList<>();
    for (int s = 0; s < 6; s++) {
      int sender = s;
      senders.add(CompletableFuture.supplyAsync(() -> {
        List<int[]> seen = new ArrayList<>();
        for (int i = 0; saving.get() || i < 5; i++) {
          int floor = saved.get();
          JsonObject c = create(cluster.node(0), "race-" + sender + "-" + i);
          seen.add(new int[] {floor, c.getInteger("policy_version"), c.getInteger("required_approvals")});
        }
        return seen;
      }));
    }
    for (int n = 101; n <= 115; n++) {
      int v = put(cluster.node(1), n);
      quorumOf.put(v, quorum(n));
      saved.set(v);
    }
    saving.set(false);
    List<int[]> all = new ArrayList<>();
    for (CompletableFuture<List<int[]>> f : senders) {
      all.addAll(f.get(120, TimeUnit.SECONDS));
    }
    assertThat(all).hasSizeGreaterThanOrEqualTo(30);
    for (int[] c : all) {
      assertThat(c[1]).as("version used by a create sent after version %d was saved", c[0]).isGreaterThanOrEqualTo(c[0]);
      assertThat(c[2]).as("quorum of a create that names version %d", c[1]).isEqualTo(quorumOf.get(c[1]));
    }
    assertThat(all.stream().mapToInt(c -> c[1]).distinct().count()).as("versions seen by the creates").isGreaterThan(1);
  }
}
