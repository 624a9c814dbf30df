package io.hitl.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each refusal answers problem+json with its SEC code and changes nothing. */
class RefusalTest {
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded()
    .with("HITL_ALLOWED_OPERATORS", "alice,bob,ops-admin,engine-2");
  static final String engine = gw.token("engine-1", "submitter");
  static final String alice = gw.token("alice", "approver");
  static final String admin = gw.token("ops-admin", "admin");
  static final String viewer = gw.token("vic", "viewer");

  static void assertProblem(Response r, int status, String code) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    JsonObject p = r.json();
    assertThat(p.getString("code")).isEqualTo(code);
    assertThat(p.getInteger("status")).isEqualTo(status);
    assertThat(p.getString("type")).isEqualTo("urn:hitl:problem:" + code);
    assertThat(p.getString("title")).isNotBlank();
    assertThat(p.getString("detail")).isNotBlank();
    assertThat(p.getString("correlation_id")).isNotBlank();
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  String pending() {
    return gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade()).json().getString("request_id");
  }

  int journalSize() {
    return gw.call("GET", "/api/v1/audit?limit=1000", viewer, null).json().getJsonArray("entries").size();
  }

  static Stream<Arguments> badTrades() {
    return Stream.of(
      Arguments.of("action", TestGateway.trade().put("action", "HOLD"), "must be BUY or SELL"),
      Arguments.of("quantity", TestGateway.trade().put("quantity", -5), "must be greater than 0"),
      Arguments.of("quantity", TestGateway.trade().put("quantity", 0), "must be greater than 0"),
      Arguments.of("price", TestGateway.trade().put("price", "NaN"), "must be a finite decimal number"),
      Arguments.of("price", TestGateway.trade().put("price", "Infinity"), "must be a finite decimal number"),
      Arguments.of("price", TestGateway.trade().put("price", -1.5), "must be greater than 0"),
      Arguments.of("price", TestGateway.trade().put("price", "1e12"), "must be less than 10000000000"),
      Arguments.of("confidence", TestGateway.trade().put("confidence", 1.01), "must be at most 1"),
      Arguments.of("confidence", TestGateway.trade().put("confidence", -0.1), "must be at least 0"),
      Arguments.of("risk_pct", TestGateway.trade().put("risk_pct", 101), "must be at most 100"),
      Arguments.of("ticker", TestGateway.trade().put("ticker", "BAD TICKER"), "must be 1-32 letters, digits or . _ : / -"),
      Arguments.of("ticker", TestGateway.trade().putNull("ticker"), "is required"),
      Arguments.of("reason", TestGateway.trade().put("reason", "x".repeat(2001)), "must be at most 2000 characters"),
      Arguments.of("strategy", TestGateway.trade().put("strategy", "a\u0007b"), "must not contain control characters"),
      Arguments.of("strategy", TestGateway.trade().put("strategy", "a\u0000b"), "must not contain a NUL character"),
      Arguments.of("timeout_seconds", TestGateway.trade().put("timeout_seconds", 0), "must be between 1 and 86400"),
      Arguments.of("timeout_seconds", TestGateway.trade().put("timeout_seconds", -10), "must be between 1 and 86400"),
      Arguments.of("timeout_seconds", TestGateway.trade().put("timeout_seconds", 99999999), "must be between 1 and 86400"),
      Arguments.of("timeout_seconds", TestGateway.trade().put("timeout_seconds", 1.5), "must be a whole number of seconds"),
      Arguments.of("quantiy", TestGateway.trade().put("quantiy", 5), "unknown field"),
      Arguments.of("trade_id", TestGateway.trade().put("trade_id", "has space"), "must be 1-128 letters, digits or . _ : / -"),
      Arguments.of("context", TestGateway.trade().put("context", "text"), "must be a JSON object"));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("badTrades")
  void invalidTradeFieldsAreRefusedWithTheFieldNamed(String field, JsonObject body, String message) {
    int before = journalSize();
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, body);
    assertProblem(r, 400, "SEC-010");
    assertThat(r.json().getJsonObject("errors").getString(field)).isEqualTo(message);
    assertThat(journalSize()).isEqualTo(before);
  }

  @Test
  void genericRequestsValidateTypeTitleAndContext() {
    assertProblem(gw.call("POST", "/api/v1/approvals", engine, Map.of("title", "x")), 400, "SEC-010");
    Response unknownType = gw.call("POST", "/api/v1/approvals", engine, Map.of("type", "NOPE", "title", "x"));
    assertProblem(unknownType, 400, "SEC-010");
    assertThat(unknownType.json().getJsonObject("errors").getString("type")).startsWith("must be one of");
    Response trade = gw.call("POST", "/api/v1/approvals", engine, Map.of("type", "TRADE_EXECUTION", "title", "x"));
    assertProblem(trade, 400, "SEC-010");
    Response blank = gw.call("POST", "/api/v1/approvals", engine, Map.of("type", "CONFIG_UPDATE", "title", "  "));
    assertThat(blank.json().getJsonObject("errors").getString("title")).isEqualTo("must not be blank");
    JsonObject deep = new JsonObject();
    JsonObject cur = deep;
    for (int i = 0; i < 10; i++) {
      JsonObject next = new JsonObject();
      cur.put("n", next);
      cur = next;
    }
    Response tooDeep = gw.call("POST", "/api/v1/approvals", engine,
      Map.of("type", "CONFIG_UPDATE", "title", "x", "context", deep.getMap()));
    assertThat(tooDeep.json().getJsonObject("errors").getString("context")).startsWith("must nest at most 8 levels");
  }

  @Test
  void malformedAndOversizedBodiesAreRefused() {
    assertProblem(gw.call("POST", "/api/v1/approvals/trade", engine, "{not json"), 400, "SEC-010");
    assertProblem(gw.call("POST", "/api/v1/approvals/trade", engine, "[1,2]"), 400, "SEC-010");
    String huge = "{\"type\":\"CONFIG_UPDATE\",\"title\":\"" + "x".repeat(70_000) + "\"}";
    Response r = gw.call("POST", "/api/v1/approvals", engine, huge);
    assertProblem(r, 413, "SEC-010");
  }

  @Test
  void missingInvalidAndExpiredTokensAreSec001() {
    assertProblem(gw.call("GET", "/api/v1/approvals", null, null), 401, "SEC-001");
    assertThat(gw.call("GET", "/api/v1/approvals", null, null).header("WWW-Authenticate")).isEqualTo("Bearer");
    assertProblem(gw.call("GET", "/api/v1/approvals", "not.a.token", null), 401, "SEC-001");
    JWTAuth other = JWTAuth.create(gw.gateway().vertx(), new JWTAuthOptions().addPubSecKey(
      new PubSecKeyOptions().setAlgorithm("HS256").setBuffer("another-secret-another-secret-123456")));
    String forged = other.generateToken(new JsonObject().put("roles", new JsonArray().add("admin")),
      new JWTOptions().setSubject("mallory"));
    assertProblem(gw.call("GET", "/api/v1/approvals", forged, null), 401, "SEC-001");
    String expired = gw.gateway().auth().generateToken(new JsonObject().put("roles", new JsonArray().add("admin"))
        .put("exp", System.currentTimeMillis() / 1000 - 120).put("iat", System.currentTimeMillis() / 1000 - 600),
      new JWTOptions().setSubject("alice").setNoTimestamp(true));
    assertProblem(gw.call("GET", "/api/v1/approvals", expired, null), 401, "SEC-001");
  }

  @Test
  void rolesGateEachAction() {
    String id = pending();
    assertProblem(gw.call("POST", "/api/v1/approvals/trade", alice, TestGateway.trade()), 403, "SEC-002");
    assertProblem(gw.call("POST", "/api/v1/approvals/" + id + "/approve", engine, null), 403, "SEC-002");
    assertProblem(gw.call("POST", "/api/v1/approvals/" + id + "/approve", viewer, null), 403, "SEC-002");
    assertProblem(gw.call("GET", "/api/v1/audit", engine, null), 403, "SEC-002");
    String nobody = gw.token("nobody");
    assertProblem(gw.call("GET", "/api/v1/approvals/" + id, nobody, null), 403, "SEC-002");
    assertThat(gw.call("GET", "/api/v1/approvals/" + id, viewer, null).json().getString("status")).isEqualTo("pending");
  }

  @Test
  void operatorsOutsideTheAllowlistAreSec090AndTheRefusalIsAudited() {
    String id = pending();
    String carol = gw.token("carol", "approver");
    assertProblem(gw.call("POST", "/api/v1/approvals/" + id + "/approve", carol, null), 403, "SEC-090");
    assertThat(gw.call("GET", "/api/v1/approvals/" + id, viewer, null).json().getString("status")).isEqualTo("pending");
    JsonArray trail = gw.call("GET", "/api/v1/audit?approval_id=" + id, viewer, null).json().getJsonArray("entries");
    JsonObject last = trail.getJsonObject(trail.size() - 1);
    assertThat(last.getString("action")).isEqualTo("decision_refused");
    assertThat(last.getString("error_code")).isEqualTo("SEC-090");
    assertThat(last.getString("actor")).isEqualTo("carol");
  }

  @Test
  void requestersMayNotApproveTheirOwnRequests() {
    String both = gw.token("engine-2", "submitter", "approver");
    String id = gw.call("POST", "/api/v1/approvals/trade", both, TestGateway.trade()).json().getString("request_id");
    assertProblem(gw.call("POST", "/api/v1/approvals/" + id + "/approve", both, null), 403, "SEC-091");
    assertThat(gw.call("GET", "/api/v1/approvals/" + id, viewer, null).json().getString("status")).isEqualTo("pending");
    assertThat(gw.call("POST", "/api/v1/approvals/" + id + "/reject", both, Map.of("reason", "withdrawn")).status())
      .isEqualTo(200);
  }

  @Test
  void unknownRequestsAndRoutesAreSec011AndBadIdsSec010() {
    assertProblem(gw.call("GET", "/api/v1/approvals/4f1d4c1e-0000-4000-8000-000000000000", viewer, null), 404, "SEC-011");
    assertProblem(gw.call("POST", "/api/v1/approvals/4f1d4c1e-0000-4000-8000-000000000000/approve", alice, null), 404,
      "SEC-011");
    assertProblem(gw.call("GET", "/api/v1/approvals/not-a-uuid", viewer, null), 400, "SEC-010");
    assertProblem(gw.call("GET", "/api/v1/nothing-here", viewer, null), 404, "SEC-011");
    assertProblem(gw.call("POST", "/api/v1/approvals/decision", alice, Map.of("decision", "maybe",
      "request_id", pending())), 400, "SEC-010");
  }

  @Test
  void listParametersAreValidated() {
    assertProblem(gw.call("GET", "/api/v1/approvals?status=bogus", viewer, null), 400, "SEC-010");
    assertProblem(gw.call("GET", "/api/v1/approvals?limit=0", viewer, null), 400, "SEC-010");
    assertProblem(gw.call("GET", "/api/v1/approvals?limit=abc", viewer, null), 400, "SEC-010");
    assertProblem(gw.call("GET", "/api/v1/approvals?cursor=%21%21", viewer, null), 400, "SEC-010");
    assertProblem(gw.call("GET", "/api/v1/audit?limit=5000", viewer, null), 400, "SEC-010");
  }

  @Test
  void cancelIsForTheRequesterOrAnAdmin() {
    String id = pending();
    assertProblem(gw.call("DELETE", "/api/v1/approvals/" + id, alice, Map.of("reason", "x")), 403, "SEC-002");
    String otherEngine = gw.token("engine-9", "submitter");
    assertProblem(gw.call("DELETE", "/api/v1/approvals/" + id, otherEngine, null), 403, "SEC-002");
    Response ok = gw.call("DELETE", "/api/v1/approvals/" + id, engine, Map.of("reason", "signal gone"));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().getString("status")).isEqualTo("cancelled");
    assertThat(ok.json().getString("decision_reason")).isEqualTo("signal gone");
    assertProblem(gw.call("DELETE", "/api/v1/approvals/" + id, admin, null), 409, "SEC-012");
    assertProblem(gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, null), 409, "SEC-012");
  }

  @Test
  void correlationIdIsHonouredAndEchoed() {
    Response r = gw.call("GET", "/api/v1/approvals/not-a-uuid", viewer, null, Map.of("X-Correlation-Id", "desk-42"));
    assertThat(r.header("X-Correlation-Id")).isEqualTo("desk-42");
    assertThat(r.json().getString("correlation_id")).isEqualTo("desk-42");
    Response created = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade(),
      Map.of("X-Correlation-Id", "order-7"));
    assertThat(created.json().getString("correlation_id")).isEqualTo("order-7");
    Response odd = gw.call("GET", "/healthz", null, null, Map.of("X-Correlation-Id", "bad id with spaces"));
    assertThat(odd.header("X-Correlation-Id")).isNotEqualTo("bad id with spaces").isNotBlank();
  }
}
