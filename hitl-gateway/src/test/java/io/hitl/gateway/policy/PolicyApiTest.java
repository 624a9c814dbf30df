package io.hitl.gateway.policy;

import static io.hitl.gateway.policy.PolicyTesting.create;
import static io.hitl.gateway.policy.PolicyTesting.document;
import static io.hitl.gateway.policy.PolicyTesting.policy;
import static io.hitl.gateway.policy.PolicyTesting.put;
import static io.hitl.gateway.policy.PolicyTesting.tickers;
import static io.hitl.gateway.policy.PolicyTesting.trade;
import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET/PUT/dry-run of policy documents, versions and hashes, hot reload on a second node, snapshot isolation. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PolicyApiTest {
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded();
  static final String admin = gw.token("ops-admin", "admin");
  static final String engine = gw.token("engine-1", "submitter");
  static final String alice = gw.token("alice", "approver");
  static final String bob = gw.token("bob", "approver");
  static final String viewer = gw.token("vic", "viewer");

  static JsonObject twoApprovals(String ticker) {
    return document(new JsonObject(), policy("pair", tickers(ticker)).put("required_approvals", 2));
  }

  @Test
  @Order(1)
  void theBuiltInDocumentIsInForceUntilTheFirstSave() {
    Response r = gw.call("GET", "/api/v1/policies", admin, null);
    assertThat(r.status()).isEqualTo(200);
    JsonObject p = r.json();
    assertThat(p.getInteger("version")).isZero();
    assertThat(p.getBoolean("built_in")).isTrue();
    assertThat(p.getString("hash")).hasSize(64);
    assertThat(p.getJsonObject("document").getJsonObject("default").getString("self_approval")).isEqualTo("forbid");
    JsonObject a = create(gw.get(), engine, TestGateway.trade());
    assertThat(a.getString("policy_name")).isEqualTo("default");
    assertThat(a.getInteger("policy_version")).isZero();
    assertThat(a.getInteger("required_approvals")).isEqualTo(1);
    assertThat(gw.call("GET", "/api/v1/policies/versions", admin, null).json().getJsonArray("items")).isEmpty();
  }

  @Test
  @Order(2)
  void aSavedDocumentIsANewVersionWithItsHashJournaledAndListed() {
    JsonObject saved = put(gw.get(), admin, twoApprovals("VER"));
    int v = saved.getInteger("version");
    assertThat(v).isPositive();
    assertThat(saved.getString("hash")).matches("[0-9a-f]{64}");
    assertThat(saved.getString("created_by")).isEqualTo("ops-admin");
    JsonObject again = put(gw.get(), admin, twoApprovals("VER"));
    assertThat(again.getInteger("version")).isEqualTo(v + 1);
    assertThat(again.getString("hash")).as("same content, same hash").isEqualTo(saved.getString("hash"));

    JsonObject current = gw.call("GET", "/api/v1/policies", admin, null).json();
    assertThat(current.getInteger("version")).isEqualTo(v + 1);
    assertThat(current.getBoolean("built_in")).isFalse();
    assertThat(current.getJsonObject("document").getJsonArray("policies").getJsonObject(0).getInteger(
      "required_approvals")).isEqualTo(2);
    Response old = gw.call("GET", "/api/v1/policies?version=" + v, admin, null);
    assertThat(old.status()).isEqualTo(200);
    assertThat(old.json().getInteger("version")).isEqualTo(v);
    JsonArray versions = gw.call("GET", "/api/v1/policies/versions?limit=2", admin, null).json().getJsonArray("items");
    assertThat(versions.getJsonObject(0).getInteger("version")).isEqualTo(v + 1);
    assertThat(versions.getJsonObject(1).getInteger("version")).isEqualTo(v);
    assertThat(versions.getJsonObject(0).getValue("document")).isNull();

    JsonArray journal = gw.call("GET", "/api/v1/audit?limit=20", admin, null).json().getJsonArray("entries");
    JsonObject updated = journal.stream().map(e -> (JsonObject) e)
      .filter(e -> "policy_updated".equals(e.getString("action"))).findFirst().orElseThrow();
    assertThat(updated.getJsonObject("payload").getInteger("version")).isEqualTo(v + 1);
    assertThat(updated.getJsonObject("payload").getString("hash")).isEqualTo(again.getString("hash"));
    assertThat(updated.getString("actor")).isEqualTo("ops-admin");
    assertThat(gw.call("GET", "/api/v1/audit/verify", admin, null).json().getBoolean("valid")).isTrue();
  }

  @Test
  @Order(3)
  void anInvalidDocumentIsRefusedFieldByFieldAndChangesNothing() {
    int before = gw.call("GET", "/api/v1/policies", admin, null).json().getInteger("version");
    JsonObject bad = document(new JsonObject().put("required_approvals", 0),
      policy("x", new JsonObject().put("risk_levels", new JsonArray().add("HUGE"))).put("self_approval", "sometimes"));
    Response r = gw.call("PUT", "/api/v1/policies", admin, bad);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    JsonObject errors = r.json().getJsonObject("errors");
    assertThat(errors.getString("default.required_approvals")).startsWith("must be a whole number between 1");
    assertThat(errors.getString("policies[0].match.risk_levels")).startsWith("must be a list of LOW");
    assertThat(errors.getString("policies[0].self_approval")).startsWith("must be forbid, allow");
    assertThat(gw.call("PUT", "/api/v1/policies", admin, "[1]").json().getString("code")).isEqualTo("SEC-010");
    assertThat(gw.call("GET", "/api/v1/policies", admin, null).json().getInteger("version")).isEqualTo(before);
  }

  @Test
  @Order(4)
  void onlyAdminsReadChangeOrDryRunPolicies() {
    for (String token : new String[] {alice, viewer, engine}) {
      assertThat(gw.call("GET", "/api/v1/policies", token, null).json().getString("code")).isEqualTo("SEC-002");
      Response p = gw.call("PUT", "/api/v1/policies", token, twoApprovals("NOPE"));
      assertThat(p.status()).isEqualTo(403);
      assertThat(gw.call("POST", "/api/v1/policies/dry-run", token, new JsonObject()).status()).isEqualTo(403);
      assertThat(gw.call("GET", "/api/v1/policies/versions", token, null).status()).isEqualTo(403);
    }
    assertThat(gw.call("GET", "/api/v1/policies", null, null).status()).isEqualTo(401);
    assertThat(gw.call("GET", "/api/v1/policies?version=99999", admin, null).json().getString("code"))
      .isEqualTo("SEC-011");
    assertThat(gw.call("GET", "/api/v1/policies?version=-1", admin, null).status()).isEqualTo(400);
    assertThat(gw.call("GET", "/api/v1/policies/versions?limit=0", admin, null).status()).isEqualTo(400);
  }

  @Test
  @Order(5)
  void aDryRunShowsWhichPolicyASampleMatchesAndItsSnapshot() {
    JsonObject doc = document(new JsonObject(),
      policy("paper", tickers("DRY")).put("auto_approve", new JsonObject()
        .put("when", new JsonObject().put("risk_levels", new JsonArray().add("LOW"))).put("reason", "tiny")),
      policy("big", new JsonObject().put("notional_min", "1000000")).put("required_approvals", 3));
    int version = put(gw.get(), admin, doc).getInteger("version");
    JsonObject sample = trade("DRY").put("type", "TRADE_EXECUTION").put("risk_pct", 0.5);
    Response r = gw.call("POST", "/api/v1/policies/dry-run", admin, new JsonObject().put("request", sample));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonObject d = r.json();
    assertThat(d.getBoolean("candidate")).isFalse();
    assertThat(d.getInteger("version")).isEqualTo(version);
    assertThat(d.getString("policy")).isEqualTo("paper");
    assertThat(d.getInteger("index")).isZero();
    assertThat(d.getJsonObject("auto_approve").getString("reason")).isEqualTo("tiny");
    assertThat(d.getJsonObject("facts").getString("notional")).isEqualTo("285050");
    assertThat(d.getJsonObject("snapshot").getString("policy_name")).isEqualTo("paper");
    assertThat(d.getString("policy_hash")).hasSize(64);

    JsonObject big = trade("ZZZ").put("type", "TRADE_EXECUTION").put("quantity", 1000).put("price", "1000");
    JsonObject bigRun = gw.call("POST", "/api/v1/policies/dry-run", admin, new JsonObject().put("request", big)).json();
    assertThat(bigRun.getString("policy")).isEqualTo("big");
    assertThat(bigRun.getInteger("required_approvals")).isEqualTo(3);
    JsonObject small = trade("ZZZ").put("type", "TRADE_EXECUTION");
    JsonObject smallRun = gw.call("POST", "/api/v1/policies/dry-run", admin, new JsonObject().put("request", small))
      .json();
    assertThat(smallRun.getString("policy")).isEqualTo("default");
    assertThat(smallRun.getValue("index")).isNull();

    JsonObject candidate = document(new JsonObject().put("required_approvals", 2));
    JsonObject c = gw.call("POST", "/api/v1/policies/dry-run", admin, new JsonObject().put("request", small)
      .put("document", candidate)).json();
    assertThat(c.getBoolean("candidate")).isTrue();
    assertThat(c.getInteger("version")).isEqualTo(version + 1);
    assertThat(c.getInteger("required_approvals")).isEqualTo(2);
    assertThat(gw.call("GET", "/api/v1/policies", admin, null).json().getInteger("version")).as("nothing saved")
      .isEqualTo(version);

    Response badRequest = gw.call("POST", "/api/v1/policies/dry-run", admin, new JsonObject()
      .put("request", small.copy().put("quantity", -1)));
    assertThat(badRequest.json().getJsonObject("errors").getString("request.quantity"))
      .isEqualTo("must be greater than 0");
    Response badDoc = gw.call("POST", "/api/v1/policies/dry-run", admin, new JsonObject().put("request", small)
      .put("document", new JsonObject().put("policies", new JsonArray())));
    assertThat(badDoc.json().getJsonObject("errors").getString("document.default")).startsWith("is required");
    assertThat(gw.call("POST", "/api/v1/policies/dry-run", admin, new JsonObject()).json().getJsonObject("errors")
      .getString("request")).startsWith("must be a create body");
    assertThat(gw.call("POST", "/api/v1/policies/dry-run", admin, new JsonObject().put("request", small)
      .put("extra", 1)).status()).isEqualTo(400);
  }

  @Test
  @Order(6)
  void aSavedVersionIsUsedByTheNextCreateOnAnotherNodeWithoutRestart() {
    try (TestGateway other = TestGateway.start(gw.dbUrl(), Map.of())) {
      String engineThere = other.token("engine-1", "submitter");
      for (int round = 0; round < 4; round++) {
        int required = 1 + round % 3;
        String ticker = "HOT" + round;
        int version = put(gw.get(), admin, document(new JsonObject(), policy("hot", tickers(ticker))
          .put("required_approvals", required))).getInteger("version");
        JsonObject there = create(other, engineThere, trade(ticker));
        assertThat(there.getInteger("policy_version")).isEqualTo(version);
        assertThat(there.getString("policy_name")).isEqualTo("hot");
        assertThat(there.getInteger("required_approvals")).isEqualTo(required);
        assertThat(other.call("GET", "/api/v1/policies", other.token("root", "admin"), null).json()
          .getInteger("version")).isEqualTo(version);
      }
      int back = put(gw.get(), admin, document(new JsonObject())).getInteger("version");
      JsonObject there = create(other, engineThere, trade("HOT0"));
      assertThat(there.getString("policy_name")).isEqualTo("default");
      assertThat(there.getInteger("policy_version")).isEqualTo(back);
    }
  }

  @Test
  @Order(7)
  void pendingRequestsKeepThePolicyTheyWereCreatedWith() {
    put(gw.get(), admin, twoApprovals("ISO"));
    JsonObject before = create(gw.get(), engine, trade("ISO"));
    String id = before.getString("request_id");
    assertThat(before.getInteger("required_approvals")).isEqualTo(2);
    int v2 = put(gw.get(), admin, document(new JsonObject(), policy("single", tickers("ISO"))
      .put("approvers", new JsonObject().put("users", new JsonArray().add("carol"))))).getInteger("version");

    JsonObject afterEdit = gw.call("GET", "/api/v1/approvals/" + id, admin, null).json();
    assertThat(afterEdit.getString("policy_hash")).isEqualTo(before.getString("policy_hash"));
    assertThat(afterEdit.getString("policy_name")).isEqualTo("pair");
    Response first = gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, null);
    assertThat(first.status()).as("alice is no approver under the new version, but the request keeps the old one")
      .isEqualTo(200);
    assertThat(first.json().getString("status")).isEqualTo("pending");
    assertThat(first.json().getJsonObject("progress").getString("summary")).isEqualTo("1 of 2 approvals: alice");
    assertThat(gw.call("POST", "/api/v1/approvals/" + id + "/approve", bob, null).json().getString("status"))
      .isEqualTo("approved");

    JsonObject fresh = create(gw.get(), engine, trade("ISO"));
    assertThat(fresh.getInteger("policy_version")).isEqualTo(v2);
    assertThat(fresh.getInteger("required_approvals")).isEqualTo(1);
    Response refused = gw.call("POST", "/api/v1/approvals/" + fresh.getString("request_id") + "/approve", alice, null);
    assertThat(refused.json().getString("code")).isEqualTo("SEC-090");
  }

  @Test
  @Order(8)
  void aTamperedVersionStopsMatchingWithSec080UntilANewVersionIsSaved() {
    int v = put(gw.get(), admin, twoApprovals("TMP")).getInteger("version");
    assertThat(create(gw.get(), engine, trade("TMP")).getInteger("required_approvals")).isEqualTo(2);
    PolicyTesting.execute(gw.get(), "ALTER TABLE policies DISABLE TRIGGER policies_no_update_delete",
      "UPDATE policies SET document = jsonb_set(document, '{policies,0,required_approvals}', '1') WHERE version = " + v,
      "ALTER TABLE policies ENABLE TRIGGER policies_no_update_delete");
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, trade("TMP"));
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().getString("code")).isEqualTo("SEC-080");
    assertThat(r.json().getInteger("policy_version")).isEqualTo(v);
    put(gw.get(), admin, twoApprovals("TMP"));
    assertThat(create(gw.get(), engine, trade("TMP")).getInteger("required_approvals")).isEqualTo(2);
  }

  @Test
  @Order(9)
  void policyVersionsCannotBeEditedInPlace() {
    put(gw.get(), admin, twoApprovals("RO"));
    try {
      PolicyTesting.execute(gw.get(), "UPDATE policies SET created_by = 'mallory'");
      throw new AssertionError("the update went through");
    } catch (IllegalStateException e) {
      assertThat(e.getCause().getMessage()).contains("policy versions are never changed or deleted");
    }
    assertThat(PolicyTesting.sql(gw.get(), "SELECT count(*) FROM policies WHERE created_by = 'mallory'")).containsExactly("0");
  }
}
