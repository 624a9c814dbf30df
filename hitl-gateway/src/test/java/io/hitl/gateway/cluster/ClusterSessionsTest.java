package io.hitl.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.NodeCluster;
import io.hitl.gateway.support.OidcProvider;
import io.hitl.gateway.support.ProviderBrowser;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Console sessions on a cluster of two gateway processes: a sign-in through the provider on one node is a session
 * every node serves (Vert.x's clustered session store on the Hazelcast map), and sign-out on one node ends it on
 * the other.
 */
class ClusterSessionsTest {
  static OidcProvider idp;
  static NodeCluster cluster;

  @BeforeAll
  static void start() {
    idp = OidcProvider.interactive();
    Map<String, String> settings = new HashMap<>(idp.settings());
    settings.put("HITL_OIDC_ROLE_MAP", "desk-approvers=approver,desk-approvers=viewer");
    cluster = NodeCluster.start(2, TestDb.freshEmbedded(), settings);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
    if (idp != null) {
      idp.close();
    }
  }

  static String base(int node) {
    // the host each node's HITL_PUBLIC_URL names by default, so the provider's redirect returns to it
    return "http://localhost:" + cluster.node(node).httpPort;
  }

  @Test
  void aSessionSignedInOnOneNodeActsOnTheOtherAndSignOutThereEndsItEverywhere() {
    ProviderBrowser b = ProviderBrowser.signIn(base(0), idp, "alice", List.of("desk-approvers"));
    JsonObject session = b.session();
    String csrf = session.getString("csrf_token");

    Response read = b.callElsewhere(base(1), "GET", "/auth/session", Map.of());
    assertThat(read.status()).as("node 1 serves node 0's session: " + read.body()).isEqualTo(200);
    assertThat(read.json().getString("session")).isEqualTo(session.getString("session"));

    Response created = cluster.node(0).call("POST", "/api/v1/approvals/trade", cluster.token("engine-1", "submitter"),
      TestGateway.trade());
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().getString("request_id");
    Response approved = b.callElsewhere(base(1), "POST", "/api/v1/approvals/" + id + "/approve",
      Map.of("X-CSRF-Token", csrf));
    assertThat(approved.status()).as(approved.body()).isEqualTo(200);
    JsonArray journal = cluster.node(0).call("GET", "/api/v1/audit?approval_id=" + id,
      cluster.token("vera", "viewer"), null).json().getJsonArray("entries");
    JsonObject decision = journal.stream().map(JsonObject.class::cast).filter(e -> "approved".equals(e.getString("action")))
      .findFirst().orElseThrow(() -> new AssertionError(journal.encode()));
    assertThat(decision.getJsonObject("payload").getJsonObject("identity").getString("session"))
      .isEqualTo(session.getString("session"));

    Response out = b.callElsewhere(base(1), "POST", "/auth/logout", Map.of("X-CSRF-Token", csrf));
    assertThat(out.status()).as(out.body()).isEqualTo(200);
    for (int node = 0; node < 2; node++) {
      Response replayed = b.callElsewhere(base(node), "GET", "/api/v1/approvals?status=pending", Map.of());
      assertThat(replayed.status()).as("node " + node + " after sign-out on node 1").isEqualTo(401);
      assertThat(replayed.json().getString("code")).isEqualTo("SEC-001");
    }
  }
}
