package io.hitl.gateway.cluster;

import static io.hitl.gateway.support.Futures.await;
import static io.hitl.gateway.support.Futures.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.client.ApprovalClient;
import io.hitl.client.ApprovalView;
import io.hitl.client.BusCredentials;
import io.hitl.client.Decision;
import io.hitl.client.contract.ErrorCodes;
import io.hitl.gateway.support.ClusterSettings;
import io.hitl.gateway.support.OidcProvider;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Event-bus requests carrying tokens the real OpenID Connect provider issued: verified against its JWKS as API
 * tokens are, its groups mapped to roles, its issuer journaled as the identity the actor acted under; another
 * issuer, another audience or a group without the role is refused and changes nothing.
 */
class BusProviderTokensTest {
  static final Map<String, Object> APPROVERS = Map.of("groups", List.of("desk-approvers"));
  static final Map<String, Object> ENGINES = Map.of("groups", List.of("engines"));
  static OidcProvider idp;
  static ClusterSettings cluster;
  static TestGateway gw;
  static Vertx client;

  @BeforeAll
  static void start() throws Exception {
    idp = OidcProvider.start();
    cluster = new ClusterSettings(1);
    Map<String, String> settings = new HashMap<>(cluster.node(0));
    settings.putAll(idp.settings());
    settings.put("HITL_OIDC_ROLE_MAP", "desk-approvers=approver,desk-approvers=viewer,desk-viewers=viewer,"
      + "engines=submitter");
    gw = TestGateway.start(TestDb.freshEmbedded(), settings);
    client = ClusterSetup.joinAsClient(cluster.client()).toCompletionStage().toCompletableFuture()
      .get(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (gw != null) {
      gw.close();
    }
    if (idp != null) {
      idp.close();
    }
  }

  private static ApprovalClient as(String token) {
    return ApprovalClient.create(client, BusCredentials.token(token));
  }

  @Test
  void providerTokensCreateAndDecideOverTheBusAndTheJournalNamesTheirIssuer() {
    ApprovalClient engine = as(idp.token("engine-7", OidcProvider.AUDIENCE, ENGINES));
    ApprovalClient alice = as(idp.token("alice", OidcProvider.AUDIENCE, APPROVERS));
    UUID id = await(engine.create(BusAuthTest.trade())).approval().requestId();
    ApprovalView decided = await(alice.decide(id, Decision.APPROVE, null, "fine"));
    assertThat(decided.decidedBy()).isEqualTo("alice");
    assertThat(decided.decisionChannel()).isEqualTo("bus");

    JsonArray entries = gw.call("GET", "/api/v1/audit?approval_id=" + id, gw.token("vera", "viewer"), null).json()
      .getJsonArray("entries");
    Map<String, JsonObject> byAction = new HashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      byAction.put(entries.getJsonObject(i).getString("action"), entries.getJsonObject(i));
    }
    assertThat(byAction.get("created").getString("actor")).isEqualTo("engine-7");
    assertThat(byAction.get("created").getJsonObject("payload").getJsonObject("identity").getMap())
      .containsOnly(Map.entry("subject", "engine-7"), Map.entry("issuer", idp.issuer()));
    assertThat(byAction.get("approved").getJsonObject("payload").getJsonObject("identity").getMap())
      .as("a bus call has no console session").containsOnly(Map.entry("subject", "alice"),
        Map.entry("issuer", idp.issuer()));
  }

  @Test
  void anotherIssuerAnotherAudienceOrTheWrongGroupIsRefusedOverTheBusAndChangesNothing() {
    ApprovalClient engine = as(idp.token("engine-7", OidcProvider.AUDIENCE, ENGINES));
    UUID id = await(engine.create(BusAuthTest.trade())).approval().requestId();
    for (String token : List.of(idp.token(idp.otherIssuerId(), "alice", OidcProvider.AUDIENCE, APPROVERS),
        idp.token("alice", "some-other-app", APPROVERS))) {
      assertThat(refusal(as(token).decide(id, Decision.APPROVE, null, null)).code()).isEqualTo(ErrorCodes.SEC_001);
    }
    ApprovalClient viewer = as(idp.token("victor", OidcProvider.AUDIENCE, Map.of("groups", List.of("desk-viewers"))));
    assertThat(refusal(viewer.decide(id, Decision.APPROVE, null, null)).code()).isEqualTo(ErrorCodes.SEC_002);
    assertThat(gw.call("GET", "/api/v1/approvals/" + id, gw.token("vera", "viewer"), null).json().getString("status"))
      .isEqualTo("pending");
  }

}
