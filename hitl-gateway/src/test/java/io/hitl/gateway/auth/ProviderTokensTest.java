package io.hitl.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.OidcProvider;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * API tokens issued by a real OpenID Connect provider: verified against its JWKS (found by discovery), its groups
 * mapped to gateway and desk roles, its key rotated while the gateway runs.
 */
class ProviderTokensTest {
  static final OidcProvider idp = OidcProvider.start();

  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded().with(idp.settings())
    .with("HITL_OIDC_ROLE_MAP", "desk-approvers=approver,desk-approvers=viewer,desk-viewers=viewer,"
      + "risk-desk=risk,engines=submitter")
    .with("HITL_OIDC_JWKS_MIN_REFRESH_SECONDS", "60")
    .closeAfter(idp);

  static final Map<String, Object> APPROVERS = Map.of("groups", List.of("desk-approvers", "unmapped-group"));

  @Test
  void aProviderTokenWithTheApproverGroupApproves() {
    String id = created();
    String alice = idp.token("alice", OidcProvider.AUDIENCE, APPROVERS);
    Response approved = gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of());
    assertThat(approved.status()).as(approved.body()).isEqualTo(200);
    assertThat(approved.json().getString("decided_by")).isEqualTo("alice");
  }

  @Test
  void theRightIssuerWithTheWrongGroupCannotApprove() {
    String id = created();
    String viewer = idp.token("victor", OidcProvider.AUDIENCE, Map.of("groups", List.of("desk-viewers")));
    assertThat(gw.call("GET", "/api/v1/approvals/" + id, viewer, null).status()).isEqualTo(200);
    Response refused = gw.call("POST", "/api/v1/approvals/" + id + "/approve", viewer, Map.of());
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().getString("code")).isEqualTo("SEC-002");
    String nobody = idp.token("nora", OidcProvider.AUDIENCE, Map.of("groups", List.of("approver", "admin")));
    assertThat(gw.call("POST", "/api/v1/approvals/" + id + "/approve", nobody, Map.of()).status())
      .as("group names the mapping does not list give no role, even when they spell one").isEqualTo(403);
  }

  @Test
  void tokensOfAnotherIssuerOrAudienceAreRefused() {
    String otherIssuer = idp.token(idp.otherIssuerId(), "alice", OidcProvider.AUDIENCE, APPROVERS);
    String otherAudience = idp.token("alice", "some-other-app", APPROVERS);
    for (String t : List.of(otherIssuer, otherAudience)) {
      Response r = gw.call("GET", "/api/v1/approvals", t, null);
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.json().getString("code")).isEqualTo("SEC-001");
    }
  }

  @Test
  void wronglyTypedClaimsAreRefusalsNeverErrors() {
    for (Map<String, Object> claims : List.<Map<String, Object>>of(Map.of("groups", 42),
        Map.of("groups", List.of("desk-approvers", 7)), Map.of("groups", Map.of("a", "b")))) {
      Response r = gw.call("GET", "/api/v1/approvals", idp.token("alice", OidcProvider.AUDIENCE, claims), null);
      assertThat(r.status()).as(claims.toString()).isEqualTo(401);
      assertThat(r.json().getString("code")).isEqualTo("SEC-001");
    }
  }

  @Test
  void afterTheProviderRotatesItsKeyNewTokensAreAcceptedAndTokensOfTheRemovedKeyRefused() {
    String before = idp.token("alice", OidcProvider.AUDIENCE, APPROVERS);
    assertThat(gw.call("GET", "/api/v1/approvals", before, null).status()).isEqualTo(200);
    String oldKid = idp.currentKid();
    idp.rotate();
    assertThat(idp.currentKid()).isNotEqualTo(oldKid);
    String after = idp.token("alice", OidcProvider.AUDIENCE, APPROVERS);
    assertThat(gw.call("GET", "/api/v1/approvals", after, null).status()).as("a new key, fetched on its first use")
      .isEqualTo(200);
    Response old = gw.call("GET", "/api/v1/approvals", before, null);
    assertThat(old.status()).as("the removed key no longer verifies").isEqualTo(401);
    // a second rotation within the refresh interval: the keys are not fetched again until the interval has passed
    idp.rotate();
    String third = idp.token("alice", OidcProvider.AUDIENCE, APPROVERS);
    assertThat(gw.call("GET", "/api/v1/approvals", third, null).status()).isEqualTo(401);
    gw.clock().advance(java.time.Duration.ofSeconds(61));
    assertThat(gw.call("GET", "/api/v1/approvals", third, null).status()).isEqualTo(200);
  }

  @Test
  void deskRolesFromTheProviderReachTheGateway() {
    String rita = idp.token("rita", OidcProvider.AUDIENCE, Map.of("groups", List.of("risk-desk", "desk-viewers")));
    assertThat(gw.call("GET", "/api/v1/approvals", rita, null).status()).isEqualTo(200);
    String engine = idp.token("engine-7", OidcProvider.AUDIENCE, Map.of("groups", List.of("engines")));
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  private static String created() {
    Response r = gw.call("POST", "/api/v1/approvals/trade", gw.token("engine-1", "submitter"), TestGateway.trade());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("request_id");
  }
}
