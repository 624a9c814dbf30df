package io.hitl.gateway.policy;

import static io.hitl.gateway.policy.PolicyTesting.create;
import static io.hitl.gateway.policy.PolicyTesting.document;
import static io.hitl.gateway.policy.PolicyTesting.entries;
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
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Approve with edits: within the allowlist the decision carries the final parameters and the diff; anything else is refused and audited. */
class EditsTest {
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded();
  static final String admin = gw.token("ops-admin", "admin");
  static final String engine = gw.token("engine-1", "submitter");
  static final String alice = gw.token("alice", "approver");
  static final String bob = gw.token("bob", "approver");

  @BeforeAll
  static void start() {
    JsonObject edits = new JsonObject()
      .put("allowed", new JsonArray().add("quantity").add("price").add("tif"))
      .put("schema", new JsonObject().put("properties", new JsonObject()
        .put("quantity", new JsonObject().put("type", "number").put("exclusiveMinimum", 0)
          .put("errorMessage", "quantity must stay above zero"))
        .put("tif", new JsonObject().put("type", "string").put("enum", new JsonArray().add("DAY").add("IOC")))))
      .put("decrease_only", new JsonArray().add("quantity"))
      .put("tighten_only", new JsonArray().add("price"))
      .put("max_diff_chars", 20);
    put(gw.get(), admin, document(new JsonObject(),
      policy("editable", tickers("EDIT")).put("edits", edits),
      policy("editable-pair", tickers("EDQ")).put("edits", edits).put("required_approvals", 2)));
  }

  static Response approveWith(String id, String token, Object edits) {
    return gw.call("POST", "/api/v1/approvals/" + id + "/approve", token, new JsonObject().put("edits", edits)
      .put("comment", "resized"));
  }

  static void refusedAndAudited(String id, Response r, String reason, String field, String message) {
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().getString("code")).isEqualTo("SEC-010");
    assertThat(r.json().getString("edit_refusal")).isEqualTo(reason);
    assertThat(r.json().getJsonObject("errors").getString(field)).contains(message);
    List<JsonObject> audited = entries(gw.get(), admin, id, "edits_refused");
    assertThat(audited).isNotEmpty();
    JsonObject last = audited.get(audited.size() - 1);
    assertThat(last.getString("error_code")).isEqualTo("SEC-010");
    assertThat(last.getString("actor")).isEqualTo("alice");
    assertThat(last.getJsonObject("payload").getString("reason")).isEqualTo(reason);
    assertThat(last.getJsonObject("payload").getJsonObject("errors").getString(field)).contains(message);
    assertThat(gw.call("GET", "/api/v1/approvals/" + id, admin, null).json().getString("status"))
      .as("a refused edit changes nothing").isEqualTo("pending");
  }

  @Test
  void editsWithinTheAllowlistAreApprovedWithTheFinalParametersAndTheDiff() {
    String id = create(gw.get(), engine, trade("EDIT")).getString("request_id");
    Response r = approveWith(id, alice, new JsonObject().put("quantity", 40).put("price", 2840.25));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonObject a = r.json();
    assertThat(a.getString("status")).isEqualTo("approved");
    assertThat(a.getJsonObject("context").getString("quantity")).as("the request keeps what was asked").isEqualTo("100");
    JsonObject overrides = a.getJsonObject("overrides");
    assertThat(overrides.getJsonObject("final_parameters").getString("quantity")).isEqualTo("40");
    assertThat(overrides.getJsonObject("final_parameters").getString("price")).isEqualTo("2840.25");
    assertThat(overrides.getJsonObject("final_parameters").getString("ticker")).isEqualTo("EDIT");
    assertThat(overrides.getJsonObject("diff").getJsonObject("quantity"))
      .isEqualTo(new JsonObject().put("from", "100").put("to", "40"));
    assertThat(overrides.getString("edited_by")).isEqualTo("alice");
    assertThat(entries(gw.get(), admin, id, "edits_applied")).singleElement()
      .satisfies(e -> assertThat(e.getJsonObject("payload").getJsonObject("diff").fieldNames())
        .containsExactlyInAnyOrder("quantity", "price"));
    JsonObject stored = gw.call("GET", "/api/v1/approvals/" + id, admin, null).json();
    assertThat(stored.getJsonObject("overrides")).isEqualTo(overrides);
    assertThat(gw.call("GET", "/api/v1/audit/verify", admin, null).json().getBoolean("valid"))
      .as("the row hash covers the overrides").isTrue();
  }

  @Test
  void keysOutsideTheAllowlistAreRefused() {
    String id = create(gw.get(), engine, trade("EDIT")).getString("request_id");
    refusedAndAudited(id, approveWith(id, alice, new JsonObject().put("strategy", "carry")), "key_not_allowed",
      "edits.strategy", "may not be edited (allowed: quantity, price, tif)");
    refusedAndAudited(id, approveWith(id, alice, new JsonObject().put("ticker", "6758.T")), "key_not_allowed",
      "edits.ticker", "may not be edited");
  }

  @Test
  void schemaDirectionAndSizeRefusalsCarryTheirReason() {
    String id = create(gw.get(), engine, trade("EDIT")).getString("request_id");
    refusedAndAudited(id, approveWith(id, alice, new JsonObject().put("quantity", 0)), "schema_validation",
      "edits.quantity", "quantity must stay above zero");
    refusedAndAudited(id, approveWith(id, alice, new JsonObject().put("tif", "GTC")), "schema_validation",
      "edits.tif", "must be one of");
    refusedAndAudited(id, approveWith(id, alice, new JsonObject().put("quantity", 150)), "direction",
      "edits.quantity", "may only be reduced");
    refusedAndAudited(id, approveWith(id, alice, new JsonObject().put("price", "2900")), "direction",
      "edits.price", "may only be lowered (tightened) on a BUY");
    refusedAndAudited(id, approveWith(id, alice, new JsonObject().put("quantity", "99.123456").put("price",
      "2850.123456").put("tif", "IOC")), "diff_size_exceeded", "edits", "more than the 20 the policy allows");
    // edits that are not an object are refused by the HTTP edge, before the request is looked at
    Response notAnObject = approveWith(id, alice, "quantity=1");
    assertThat(notAnObject.status()).as(notAnObject.body()).isEqualTo(400);
    assertThat(notAnObject.json().getString("code")).isEqualTo("SEC-010");
    assertThat(notAnObject.json().getJsonObject("errors").getString("edits")).isNotBlank();
    Response reject = gw.call("POST", "/api/v1/approvals/" + id + "/reject", alice,
      new JsonObject().put("edits", new JsonObject().put("quantity", 1)));
    refusedAndAudited(id, reject, "reject_with_edits", "edits", "go with an approval");
  }

  @Test
  void editsGoWithTheApprovalThatCompletesTheQuorum() {
    String id = create(gw.get(), engine, trade("EDQ")).getString("request_id");
    refusedAndAudited(id, approveWith(id, alice, new JsonObject().put("quantity", 50)), "quorum_pending", "edits",
      "approval that completes the quorum (1 of 2");
    assertThat(gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, null).json().getString("status"))
      .isEqualTo("pending");
    Response last = approveWith(id, bob, new JsonObject().put("quantity", 50));
    assertThat(last.json().getString("status")).isEqualTo("approved");
    assertThat(last.json().getJsonObject("overrides").getString("edited_by")).isEqualTo("bob");
  }

  @Test
  void aPolicyWithoutEditsRefusesThem() {
    String id = create(gw.get(), engine, trade("PLAIN")).getString("request_id");
    refusedAndAudited(id, approveWith(id, alice, new JsonObject().put("quantity", 50)), "edits_not_allowed", "edits",
      "policy 'default' allows no edits");
    Response decision = gw.call("POST", "/api/v1/approvals/decision", alice, new JsonObject().put("request_id", id)
      .put("decision", "approve").put("edits", new JsonObject().put("quantity", 1)));
    assertThat(decision.json().getString("edit_refusal")).isEqualTo("edits_not_allowed");
    assertThat(gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, null).json().getValue("overrides"))
      .isNull();
  }
}
