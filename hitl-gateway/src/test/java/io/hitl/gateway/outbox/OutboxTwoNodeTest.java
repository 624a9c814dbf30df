package io.hitl.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.FakeChatApi;
import io.hitl.gateway.support.FakeChatApi.Call;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two gateway nodes drain one outbox: every job is delivered once, and a dead node's claim runs out. */
class OutboxTwoNodeTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final int REQUESTS = 30;
  static FakeChatApi fake;
  static TestGateway a;
  static TestGateway b;

  @BeforeAll
  static void start() {
    fake = new FakeChatApi();
    fake.latency(Duration.ofMillis(40));
    String db = TestDb.freshEmbedded();
    Map<String, String> settings = Map.of(
      "SLACK_BOT_TOKEN", "xoxb-test-token",
      "SLACK_CHANNEL", "C0APPROVALS",
      "SLACK_API_BASE_URL", fake.url() + "/api",
      "HITL_NOTIFY_POLL_MS", "100",
      "HITL_NOTIFY_LEASE_SECONDS", "3",
      "HITL_NOTIFY_HTTP_TIMEOUT_MS", "1000",
      "HITL_NOTIFY_CONCURRENCY", "4");
    a = TestGateway.start(db, settings);
    b = TestGateway.start(db, settings);
  }

  @AfterAll
  static void stop() {
    b.close();
    a.close();
    fake.close();
  }

  @Test
  void twoNodesDrainingOneOutboxPostAndEditEachMessageExactlyOnce() {
    for (int i = 0; i < REQUESTS; i++) {
      a.quote("TWO" + i + ".T", "2850", "2851");
    }
    List<String> ids = race(i -> (i % 2 == 0 ? a : b).callAsync("POST", "/api/v1/approvals/trade",
      a.token("engine-1", "submitter"), TestGateway.trade().put("ticker", "TWO" + i + ".T"), Map.of()))
      .stream().map(r -> r.json().getString("request_id")).collect(Collectors.toList());
    List<Call> posts = fake.await("POST", "/api/chat.postMessage", c -> ids.stream().anyMatch(c.body()::contains),
      REQUESTS, WAIT);
    // proves no request is posted a second time: nothing to wait for but time
    sleepMs(500);
    posts = fake.calls("POST", "/api/chat.postMessage", c -> ids.stream().anyMatch(c.body()::contains));
    assertThat(posts).hasSize(REQUESTS);
    for (String id : ids) {
      assertThat(posts.stream().filter(c -> c.body().contains(id))).as("posts of " + id).hasSize(1);
    }

    String alice = a.token("alice", "approver");
    race(i -> (i % 2 == 0 ? b : a).callAsync("POST", "/api/v1/approvals/" + ids.get(i) + "/approve", alice, Map.of(),
      Map.of()));
    List<Call> updates = fake.await("POST", "/api/chat.update", c -> ids.stream().anyMatch(c.body()::contains),
      REQUESTS, WAIT);
    // proves no message is edited a second time: nothing to wait for but time
    sleepMs(500);
    updates = fake.calls("POST", "/api/chat.update", c -> ids.stream().anyMatch(c.body()::contains));
    assertThat(updates).hasSize(REQUESTS);
    assertThat(updates.stream().map(c -> c.json().getString("ts")).distinct()).hasSize(REQUESTS);

    String viewer = a.token("vic", "viewer");
    for (String status : List.of("pending", "sending", "failed")) {
      assertThat(a.call("GET", "/api/v1/notifications?status=" + status, viewer, null).json().getJsonArray("items"))
        .as(status + " jobs").isEmpty();
    }
  }

  @Test
  void aJobClaimedByANodeThatDiedIsSentByAnotherWhenItsLeaseRunsOut() throws Exception {
    String engine = a.token("engine-1", "submitter");
    a.quote("LEASE.T", "2850", "2851");
    String id = a.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("ticker", "LEASE.T")
      .put("context", new JsonObject().put("notify_channels", "none"))).json().getString("request_id");
    Instant leaseEnd = Instant.now().plusSeconds(2);
    try (Connection c = TestDb.jdbc(a.dbUrl); PreparedStatement s = c.prepareStatement(
        "INSERT INTO outbox (approval_id, channel, kind, payload, status, attempts, next_attempt_at, claim_token, "
          + "created_at, updated_at) VALUES (?, 'slack', 'created', '{}'::jsonb, 'sending', 1, ?, ?, now(), now())")) {
      s.setObject(1, UUID.fromString(id));
      s.setTimestamp(2, Timestamp.from(leaseEnd));
      s.setObject(3, UUID.randomUUID());
      s.executeUpdate();
    }
    // proves nothing is sent while the dead node's lease still holds: nothing to wait for but time
    sleepMs(1000);
    assertThat(fake.calls("POST", "/api/chat.postMessage", c -> c.body().contains(id))).isEmpty();
    Call post = fake.await("POST", "/api/chat.postMessage", c -> c.body().contains(id), 1, WAIT).get(0);
    assertThat(post.at()).isAfterOrEqualTo(leaseEnd);
    String viewer = a.token("vic", "viewer");
    JsonObject job = Poll.until(() -> a.call("GET", "/api/v1/notifications?approval_id=" + id, viewer, null).json()
      .getJsonArray("items").getJsonObject(0), j -> "sent".equals(j.getString("status")), WAIT, "the job to be sent");
    assertThat(job.getInteger("attempts")).isEqualTo(2);
    // proves the job is not sent a second time: nothing to wait for but time
    sleepMs(300);
    assertThat(fake.calls("POST", "/api/chat.postMessage", c -> c.body().contains(id))).hasSize(1);
  }

  static List<Response> race(Function<Integer, CompletableFuture<Response>> call) {
    List<CompletableFuture<Response>> futures = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      futures.add(call.apply(i));
    }
    List<Response> out = futures.stream().map(CompletableFuture::join).collect(Collectors.toList());
    out.forEach(r -> assertThat(r.status()).as(r.body()).isBetween(200, 201));
    return out;
  }

  static void sleepMs(long ms) {
    SlackNotifyTest.sleep(ms);
  }
}
