package io.hitl.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** JSON log lines of real requests: correlation id, actor and SEC code on failures, and never a credential. */
class StructuredLogTest {
  static final String SLACK_TOKEN = "xoxb-4242-slack-bot-token-do-not-log";
  static final String METRICS_TOKEN = "metrics-scrape-token-0123456789";
  static final LogCapture logs = new LogCapture(LogEncoder.JSON);
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded()
    .with("SLACK_BOT_TOKEN", SLACK_TOKEN)
    .with("HITL_METRICS_TOKEN", METRICS_TOKEN);
  static final String alice = gw.token("alice", "approver", "viewer");
  static final String engine = gw.token("engine-1", "submitter");

  @AfterAll
  static void stop() {
    logs.close();
  }

  @Test
  void aRequestWithAForgedTokenIsLoggedWithItsCorrelationIdAndSec001ButNotTheToken() throws Exception {
    String forged = forgedToken();
    Response r = gw.call("GET", "/api/v1/approvals", forged, null, Map.of("X-Correlation-Id", "corr-forged-1"));
    assertThat(r.status()).isEqualTo(401);

    List<JsonObject> lines = logs.await(l -> "corr-forged-1".equals(l.getString("correlation_id")));
    assertThat(lines).hasSize(1);
    JsonObject line = lines.get(0);
    assertThat(line.getString("error_code")).isEqualTo("SEC-001");
    assertThat(line.getString("http_status")).isEqualTo("401");
    assertThat(line.getString("result")).isEqualTo("refused");
    assertThat(line.getString("level")).isEqualTo("INFO");
    assertThat(line.getString("message")).isEqualTo("GET /api/v1/approvals 401");
    assertThat(logs.text()).doesNotContain(forged).doesNotContain(forged.substring(forged.lastIndexOf('.') + 1));
    assertNoSecrets();
  }

  @Test
  void aRefusedDecisionIsLoggedAtTheEdgeAndByTheApprovalServiceWithItsCorrelationIdActorAndCode() throws Exception {
    String id = UUID.randomUUID().toString();
    Response r = gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of(),
      Map.of("X-Correlation-Id", "corr-missing-2"));
    assertThat(r.status()).isEqualTo(404);

    List<JsonObject> lines = logs.await(l -> "corr-missing-2".equals(l.getString("correlation_id"))
      && l.getString("logger").endsWith("AccessLog"));
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0).getString("error_code")).isEqualTo("SEC-011");
    assertThat(lines.get(0).getString("actor")).isEqualTo("alice");
    assertThat(lines.get(0).getString("action")).isEqualTo("decide");

    List<JsonObject> refusal = logs.await(l -> "corr-missing-2".equals(l.getString("correlation_id"))
      && l.getString("logger").endsWith("Refusals"));
    assertThat(refusal).hasSize(1);
    assertThat(refusal.get(0).getString("error_code")).isEqualTo("SEC-011");
    assertThat(refusal.get(0).getString("actor")).isEqualTo("alice");
    assertThat(refusal.get(0).getString("request_id")).isEqualTo(id);
    assertThat(refusal.get(0).getString("result")).isEqualTo("refused");
    assertThat(refusal.get(0).getString("message")).startsWith("decide refused with SEC-011");
    assertNoSecrets();
  }

  @Test
  void aTokenInTheQueryStringIsMaskedInTheAccessLine() throws Exception {
    Response r = gw.call("GET", "/api/v1/approvals?status=pending&access_token=" + alice, alice, null,
      Map.of("X-Correlation-Id", "corr-query-3"));
    assertThat(r.status()).isEqualTo(200);
    List<JsonObject> lines = logs.await(l -> "corr-query-3".equals(l.getString("correlation_id")));
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0).getString("http_path")).isEqualTo("/api/v1/approvals?status=pending&access_token=****");
    assertThat(lines.get(0).getString("actor")).isEqualTo("alice");
    assertNoSecrets();
  }

  @Test
  void eachStateChangeIsOneLineWithItsActorActionAndCorrelationId() throws Exception {
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade(),
      Map.of("X-Correlation-Id", "corr-create-4"));
    assertThat(r.status()).isEqualTo(201);
    String id = r.json().getString("request_id");
    List<JsonObject> lines = logs.await(l -> "corr-create-4".equals(l.getString("correlation_id"))
      && l.getString("logger").endsWith("Published"));
    assertThat(lines).hasSize(1);
    JsonObject line = lines.get(0);
    assertThat(line.getString("action")).isEqualTo("created");
    assertThat(line.getString("actor")).isEqualTo("engine-1");
    assertThat(line.getString("request_id")).isEqualTo(id);
    assertThat(line.getString("result")).isEqualTo("pending");
    assertThat(line.getString("type")).isEqualTo("TRADE_EXECUTION");
    assertNoSecrets();
  }

  @Test
  void metricsWithATokenConfiguredWantThatBearerToken() throws Exception {
    Response open = gw.call("GET", "/metrics", null, null, Map.of("X-Correlation-Id", "corr-metrics-5"));
    assertThat(open.status()).isEqualTo(401);
    assertThat(open.json().getString("code")).isEqualTo("SEC-001");
    assertThat(gw.call("GET", "/metrics", alice, null).status()).isEqualTo(401);
    Response scraped = gw.call("GET", "/metrics", METRICS_TOKEN, null);
    assertThat(scraped.status()).isEqualTo(200);
    assertThat(scraped.body()).contains("hitl_requests_total");
    assertThat(logs.await(l -> "corr-metrics-5".equals(l.getString("correlation_id"))).get(0)
      .getString("error_code")).isEqualTo("SEC-001");
    assertNoSecrets();
  }

  @Test
  void aSecretThatReachesALogCallByMistakeIsMaskedAndTheStartLineMasksTheSettings() throws Exception {
    LoggerFactory.getLogger("io.hitl.gateway.Mistake").warn("leaking {} and {} and {}", TestGateway.SECRET,
      SLACK_TOKEN, "Authorization: Bearer " + alice);
    JsonObject leak = logs.await(l -> l.getString("logger").equals("io.hitl.gateway.Mistake")).get(0);
    assertThat(leak.getString("message")).isEqualTo("leaking **** and **** and Authorization: Bearer ****");

    JsonObject started = logs.await(l -> l.getString("message").startsWith("starting with")).get(0);
    assertThat(started.getString("message")).contains("HITL_JWT_SECRET=****", "SLACK_BOT_TOKEN=****",
      "HITL_METRICS_TOKEN=****");
    assertNoSecrets();
  }

  /** Every captured line is one JSON object with the common fields, and none holds a credential. */
  static void assertNoSecrets() {
    String text = logs.text();
    assertThat(text).doesNotContain(TestGateway.SECRET).doesNotContain(SLACK_TOKEN).doesNotContain(METRICS_TOKEN)
      .doesNotContain(alice).doesNotContain(engine);
    for (JsonObject line : logs.lines()) {
      assertThat(line.fieldNames()).contains("timestamp", "level", "logger", "message", "thread");
    }
  }

  /** A well-formed HS256 token for alice signed with a key the gateway does not know. */
  static String forgedToken() {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String payload = b64.encodeToString(("{\"sub\":\"alice\",\"roles\":[\"admin\"],\"exp\":"
      + (System.currentTimeMillis() / 1000 + 3600) + "}").getBytes(StandardCharsets.UTF_8));
    return header + "." + payload + ".c2lnbmVkLXdpdGgtYW5vdGhlci1rZXktZm9yZ2VkLXNpZw";
  }
}
