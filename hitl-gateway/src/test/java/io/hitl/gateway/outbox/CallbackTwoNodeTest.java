package io.hitl.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.FakeChatApi;
import io.hitl.gateway.support.FakeChatApi.Answer;
import io.hitl.gateway.support.FakeChatApi.Call;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two nodes drain one outbox: each decision reaches its engine callback with exactly one successful delivery. */
class CallbackTwoNodeTest {
  static final Duration WAIT = Duration.ofSeconds(40);
  static final int REQUESTS = 12;
  static final String SECRET = "callback-signing-secret-0123456789abcdef";
  static FakeChatApi engine;
  static TestGateway a;
  static TestGateway b;

  @BeforeAll
  static void start() {
    engine = new FakeChatApi();
    engine.latency(Duration.ofMillis(30));
    String db = TestDb.freshEmbedded();
    Map<String, String> settings = Map.of(
      "HITL_CALLBACK_ALLOWED_HOSTS", "127.0.0.1",
      "HITL_CALLBACK_ALLOW_HTTP", "true",
      "HITL_CALLBACK_SECRET", SECRET,
      "HITL_NOTIFY_POLL_MS", "100",
      "HITL_NOTIFY_BACKOFF_BASE_MS", "100",
      "HITL_NOTIFY_BACKOFF_MAX_MS", "400",
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
    engine.close();
  }

  @Test
  void everyDecisionIsDeliveredOnceAcrossTwoNodesDespiteFailures() {
    engine.script(c -> c.path().equals("/hooks/engine"), Answer.status(500), Answer.status(502), Answer.status(503),
      Answer.status(500), Answer.status(429));
    String submitter = a.token("engine-1", "submitter");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      TestGateway node = i % 2 == 0 ? a : b;
      String ticker = "CB2N" + i + ".T";
      node.quote(ticker, "2850", "2851");
      Response r = node.call("POST", "/api/v1/approvals/trade", submitter, TestGateway.trade().put("ticker", ticker)
        .put("callback_url", engine.url() + "/hooks/engine"));
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      ids.add(r.json().getString("request_id"));
    }
    String alice = a.token("alice", "approver");
    List<CompletableFuture<Response>> decisions = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      TestGateway node = i % 2 == 0 ? b : a;
      decisions.add(node.callAsync("POST", "/api/v1/approvals/" + ids.get(i) + (i % 3 == 0 ? "/reject" : "/approve"),
        alice, Map.of(), Map.of()));
    }
    decisions.forEach(f -> assertThat(f.join().status()).isEqualTo(200));

    engine.await("POST", "/hooks/engine", c -> c.answered() == 204, REQUESTS, WAIT);
    String viewer = a.token("vic", "viewer");
    Poll.until(() -> a.call("GET", "/api/v1/notifications?channel=callback&limit=100", viewer, null).json()
      .getJsonArray("items"), l -> l.size() == REQUESTS && l.stream().allMatch(j -> "sent".equals(((JsonObject) j)
      .getString("status"))), WAIT, "every callback job sent");
    List<Call> ok = engine.calls("POST", "/hooks/engine", c -> c.answered() == 204);
    assertThat(ok).hasSize(REQUESTS);
    for (int i = 0; i < REQUESTS; i++) {
      String id = ids.get(i);
      List<Call> mine = ok.stream().filter(c -> c.json().getString("request_id").equals(id)).toList();
      assertThat(mine).as("successful deliveries for " + id).hasSize(1);
      assertThat(mine.get(0).json().getString("event")).isEqualTo(i % 3 == 0 ? "approval.rejected" : "approval.approved");
    }
    assertThat(ok.stream().map(c -> c.header("Idempotency-Key")).distinct()).hasSize(REQUESTS);
    assertThat(engine.calls("POST", "/hooks/engine", c -> c.answered() >= 500 || c.answered() == 429)).hasSize(5);
  }
}
