package io.hitl.gateway.outbox;

import io.hitl.gateway.core.SignatureCheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.FakeChatApi;
import io.hitl.gateway.support.FakeChatApi.Answer;
import io.hitl.gateway.support.FakeChatApi.Call;
import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The signed generic webhook channel: every event, HMAC-signed, one job per receiver, retried on its own. */
class WebhookChannelTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String SECRET = "webhook-signing-secret-0123456789";
  static final FakeChatApi fake = new FakeChatApi();
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded()
    .with("HITL_WEBHOOK_URLS", fake.url() + "/hooks/a," + fake.url() + "/hooks/b?key=k-123")
    .with("HITL_WEBHOOK_SECRET", SECRET)
    .with("HITL_NOTIFY_BACKOFF_BASE_MS", "100")
    .with("HITL_NOTIFY_BACKOFF_MAX_MS", "400")
    .with("HITL_NOTIFY_POLL_MS", "200")
    .closeAfter(fake);

  @Test
  void everyEventIsPostedSignedToEachReceiverAndAFailingReceiverIsRetriedOnItsOwn() {
    fake.script(c -> c.path().equals("/hooks/b"), Answer.status(500));
    String engine = gw.token("engine-1", "submitter");
    gw.quote("HOOK.T", "2850", "2851");
    String id = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("ticker", "HOOK.T")).json()
      .getString("request_id");
    Call createdA = fake.await("POST", "/hooks/a", c -> c.body().contains(id), 1, WAIT).get(0);
    List<Call> createdB = fake.await("POST", "/hooks/b", c -> c.body().contains(id) && c.answered() == 204, 1, WAIT);
    assertThat(fake.calls("POST", "/hooks/b", c -> c.body().contains(id))).extracting(Call::answered)
      .containsExactly(500, 204);
    assertThat(createdB.get(0).query()).isEqualTo("key=k-123");

    for (Call c : List.of(createdA, createdB.get(0))) {
      assertThat(WebhookSignature.verify(SECRET, c.header("X-Hitl-Signature"), c.body().getBytes(StandardCharsets.UTF_8),
        Instant.now(), 300)).isEqualTo(SignatureCheck.VALID);
      assertThat(c.header("X-Hitl-Event")).isEqualTo("created");
      assertThat(c.header("X-Hitl-Delivery")).matches("[0-9]+");
      assertThat(c.header("Content-Type")).startsWith("application/json");
    }
    JsonObject event = createdA.json();
    assertThat(event.getString("event")).isEqualTo("created");
    assertThat(event.getString("actor")).isEqualTo("engine-1");
    assertThat(event.getJsonObject("approval").getString("request_id")).isEqualTo(id);
    assertThat(event.getJsonObject("approval").getString("status")).isEqualTo("pending");
    assertThat(event.getJsonObject("approval").getJsonObject("context").getString("ticker")).isEqualTo("HOOK.T");

    gw.call("POST", "/api/v1/approvals/" + id + "/approve", gw.token("alice", "approver"), Map.of("comment", "ok"));
    Call decided = fake.await("POST", "/hooks/a", c -> c.body().contains(id) && c.body().contains("\"decided\""), 1, WAIT)
      .get(0);
    assertThat(decided.header("X-Hitl-Event")).isEqualTo("decided");
    assertThat(decided.json().getJsonObject("approval").getString("status")).isEqualTo("approved");
    assertThat(decided.json().getJsonObject("approval").getString("decided_by")).isEqualTo("alice");
    fake.await("POST", "/hooks/b", c -> c.body().contains(id) && c.body().contains("\"decided\""), 1, WAIT);

    String viewer = gw.token("vic", "viewer");
    JsonArray jobs = Poll.until(() -> gw.call("GET", "/api/v1/notifications?approval_id=" + id, viewer, null).json()
      .getJsonArray("items"), l -> l.size() == 4 && l.stream().allMatch(j -> "sent".equals(((JsonObject) j)
      .getString("status"))), WAIT, "four sent webhook jobs");
    for (Object o : jobs) {
      JsonObject j = (JsonObject) o;
      assertThat(j.getString("channel")).isEqualTo("webhook");
      assertThat(j.getString("target")).isEqualTo("127.0.0.1");
      assertThat(j.encode()).doesNotContain("k-123").doesNotContain("/hooks/");
    }
    assertThat(fake.calls("POST", "/hooks/a", c -> c.body().contains(id))).hasSize(2);
    assertThat(fake.calls("POST", "/hooks/b", c -> c.body().contains(id))).hasSize(3);
  }
}
