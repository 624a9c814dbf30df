package io.hitl.gateway.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /api/v1/schemas/{type}: the body schema of a type and the edits its policies allow, or those of one request. */
class SchemasApiTest {
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded();
  static final String admin = gw.token("ops-admin", "admin");
  static final String engine = gw.token("engine-1", "submitter");
  static final String viewer = gw.token("vic", "viewer");

  @BeforeAll
  static void policy() {
    JsonObject edits = new JsonObject()
      .put("allowed", new JsonArray().add("quantity").add("price"))
      .put("schema", new JsonObject().put("properties", new JsonObject()
        .put("quantity", new JsonObject().put("type", "number").put("exclusiveMinimum", 0).put("maximum", "1000"))))
      .put("decrease_only", new JsonArray().add("quantity"))
      .put("tighten_only", new JsonArray().add("price"))
      .put("max_diff_chars", 24);
    JsonObject doc = new JsonObject().put("default", new JsonObject()).put("policies", new JsonArray()
      .add(new JsonObject().put("name", "desk-edits").put("match", new JsonObject().put("types",
        new JsonArray().add("TRADE_EXECUTION"))).put("edits", edits).put("required_approvals", 2)
        .put("approvers", new JsonObject().put("roles", new JsonArray().add("risk").add("approver")))
        .put("super_approvers", new JsonArray().add("boss"))));
    Response r = gw.call("PUT", "/api/v1/policies", admin, doc);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  @Test
  void aTradeTypeHasItsBodySchemaAndTheEditsOfEachPolicyThatCanMatchIt() {
    Response r = gw.call("GET", "/api/v1/schemas/TRADE_EXECUTION", viewer, null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonObject body = r.json().getJsonObject("body");
    assertThat(body.getString("$schema")).isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(body.getJsonArray("required")).containsExactly("ticker", "action", "quantity", "price");
    assertThat(body.getBoolean("additionalProperties")).isFalse();
    JsonArray edits = r.json().getJsonArray("edits");
    assertThat(edits).hasSize(2);
    JsonObject desk = edits.getJsonObject(0);
    assertThat(desk.getString("policy")).isEqualTo("desk-edits");
    JsonObject schema = desk.getJsonObject("schema");
    assertThat(schema.getJsonObject("properties").fieldNames()).containsExactly("quantity", "price");
    JsonObject quantity = schema.getJsonObject("properties").getJsonObject("quantity");
    assertThat(quantity.getValue("exclusiveMinimum")).isEqualTo(0);
    assertThat(quantity.getValue("maximum")).isEqualTo(1000);
    assertThat(quantity.getString("x-hitl-direction")).isEqualTo("decrease");
    assertThat(schema.getJsonObject("properties").getJsonObject("price").getString("x-hitl-direction"))
      .isEqualTo("tighten");
    assertThat(schema.getInteger("x-hitl-max-diff-chars")).isEqualTo(24);
    assertThat(schema.getBoolean("additionalProperties")).isFalse();
    JsonObject fallback = edits.getJsonObject(1);
    assertThat(fallback.getBoolean("default")).isTrue();
    assertThat(fallback.getJsonObject("schema").getInteger("maxProperties")).as("the default allows no edits").isZero();
  }

  @Test
  void withARequestIdTheEditsAreThoseOfItsPolicySnapshotWithItsQuorum() {
    gw.get().quote("SCHM", "99.99", "100.01");
    Response created = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("ticker", "SCHM")
      .put("price", "100"));
    String id = created.json().getString("request_id");
    Response r = gw.call("GET", "/api/v1/schemas/TRADE_EXECUTION?request_id=" + id, viewer, null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonObject request = r.json().getJsonObject("request");
    assertThat(request.getString("policy")).isEqualTo("desk-edits");
    assertThat(request.getInteger("required_approvals")).isEqualTo(2);
    assertThat(request.getJsonObject("approvers").getJsonArray("roles")).containsExactly("risk", "approver");
    assertThat(request.getJsonArray("super_approvers")).as("who may decide alone, with edits too").containsExactly("boss");
    assertThat(request.getJsonObject("edits").getJsonObject("properties").fieldNames())
      .containsExactly("quantity", "price");
    Response wrongType = gw.call("GET", "/api/v1/schemas/CONFIG_UPDATE?request_id=" + id, viewer, null);
    assertThat(wrongType.status()).isEqualTo(400);
  }

  @Test
  void aGenericTypeNeedsATitleAndUnknownOrHostileTypesAreRefused() {
    JsonObject body = gw.call("GET", "/api/v1/schemas/CONFIG_UPDATE", viewer, null).json().getJsonObject("body");
    assertThat(body.getJsonArray("required")).containsExactly("title");
    assertThat(gw.call("GET", "/api/v1/schemas/NO_SUCH_TYPE", viewer, null).status()).isEqualTo(404);
    for (String bad : new String[] {"trade%00", "a%20b", "TRADE_EXECUTION?request_id=nope",
        "TRADE_EXECUTION?unknown=1"}) {
      Response r = gw.call("GET", "/api/v1/schemas/" + bad, viewer, null);
      assertThat(r.status()).as(bad + " -> " + r.body()).isEqualTo(400);
      assertThat(r.json().getString("code")).isEqualTo("SEC-010");
    }
    assertThat(gw.call("GET", "/api/v1/schemas/TRADE_EXECUTION", null, null).status()).isEqualTo(401);
  }
}
