package io.hitl.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.FakeChatApi;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The allowlist in force when a callback is sent decides: a host removed since the request was made gets nothing. */
class CallbackAllowlistChangeTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String SECRET = "callback-signing-secret-0123456789abcdef";

  @Test
  void aHostRemovedFromTheAllowlistAfterCreateReceivesNoCallback() {
    String db = TestDb.freshEmbedded();
    String id;
    try (FakeChatApi engine = new FakeChatApi()) {
      try (TestGateway before = TestGateway.start(db, Map.of("HITL_CALLBACK_ALLOWED_HOSTS", "127.0.0.1",
          "HITL_CALLBACK_ALLOW_HTTP", "true", "HITL_CALLBACK_SECRET", SECRET))) {
        Response r = before.call("POST", "/api/v1/approvals", before.token("engine-1", "submitter"), Map.of(
          "type", "CONFIG_UPDATE", "title", "raise limit", "callback_url", engine.url() + "/hooks/engine"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        id = r.json().getString("request_id");
      }
      try (TestGateway after = TestGateway.start(db, Map.of("HITL_CALLBACK_ALLOWED_HOSTS", "engine.example.com",
          "HITL_CALLBACK_ALLOW_HTTP", "true", "HITL_CALLBACK_SECRET", SECRET, "HITL_NOTIFY_POLL_MS", "200"))) {
        Response approved = after.call("POST", "/api/v1/approvals/" + id + "/approve", after.token("alice", "approver"),
          Map.of());
        assertThat(approved.status()).as(approved.body()).isEqualTo(200);
        String viewer = after.token("vic", "viewer");
        JsonArray jobs = Poll.until(() -> after.call("GET", "/api/v1/notifications?channel=callback&approval_id=" + id,
          viewer, null).json().getJsonArray("items"), l -> l.size() == 1 && "failed".equals(l.getJsonObject(0)
          .getString("status")), WAIT, "the callback job failed");
        JsonObject job = jobs.getJsonObject(0);
        assertThat(job.getInteger("attempts")).isEqualTo(1);
        assertThat(job.getString("last_error")).contains("host '127.0.0.1' is not allowed for callbacks");
        assertThat(engine.calls()).isEmpty();
      }
    }
  }
}
