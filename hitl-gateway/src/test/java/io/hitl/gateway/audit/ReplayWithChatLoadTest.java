package io.hitl.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.outbox.SlackNotifyTest;
import io.hitl.gateway.support.FakeChatApi;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.SignedCalls;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A journal written by the real gateway under concurrent load that includes signed Slack clicks (against a
 * fake Slack that checks what it receives) beside API creates, quorum votes and expiries replays to exactly
 * every table it projects: approvals, votes and the guard tables.
 */
class ReplayWithChatLoadTest {
  static final int REQUESTS = 24;
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String SECRET = "slack-signing-secret-for-replay";
  FakeChatApi fake;
  TestGateway gw;
  ExecutorService clicks;

  /** The buttons of the message the fake Slack received for one request. */
  record Posted(String id, String channel, String ts, String approveAction, String rejectAction, String value) {
  }

  @BeforeEach
  void start() {
    fake = new FakeChatApi();
    clicks = Executors.newFixedThreadPool(4);
    gw = TestGateway.start(TestDb.freshEmbedded(), Map.of(
      "SLACK_BOT_TOKEN", "xoxb-test-token",
      "SLACK_CHANNEL", "C0APPROVALS",
      "SLACK_SIGNING_SECRET", SECRET,
      "SLACK_API_BASE_URL", fake.url() + "/api",
      "HITL_CHAT_IDENTITIES", "alice=slack:U0ALICE,bob=slack:U0BOB,carol=slack:U0CAROL",
      "HITL_NOTIFY_POLL_MS", "200"));
  }

  @AfterEach
  void stop() {
    clicks.shutdownNow();
    gw.close();
    fake.close();
  }

  @Test
  void concurrentCreatesVotesSlackClicksAndExpiriesReplayToEveryTable() {
    String engine = gw.token("engine-1", "submitter");
    String admin = gw.token("root", "admin", "viewer");
    JsonObject two = new JsonObject().put("name", "two-of-n").put("match", new JsonObject()
      .put("tickers", new JsonArray().add("TWO"))).put("required_approvals", 2);
    assertThat(gw.call("PUT", "/api/v1/policies", admin, new JsonObject().put("policies", new JsonArray().add(two))
      .put("default", new JsonObject())).status()).isEqualTo(201);
    gw.quote("TWO", "2850.4", "2850.6");
    gw.quote("ONE", "2850.4", "2850.6");

    List<CompletableFuture<Response>> creates = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      JsonObject trade = TestGateway.trade().put("ticker", i % 2 == 0 ? "TWO" : "ONE")
        .put("timeout_seconds", i % 4 == 1 ? 60 : 600);
      creates.add(gw.callAsync("POST", "/api/v1/approvals/trade", engine, trade, Map.of()));
    }
    List<String> ids = new ArrayList<>();
    for (CompletableFuture<Response> f : creates) {
      Response r = f.join();
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      ids.add(r.json().getString("request_id"));
    }
    List<Posted> posted = new ArrayList<>();
    for (String id : ids) {
      posted.add(awaitPost(id));
    }

    // every request not left to expire gets racing ballots: on half of them only Slack clicks (an approval and a
    // second approval or a veto), on the rest API votes with a Slack click racing them
    List<CompletableFuture<Response>> ballots = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      if (i % 4 == 1) {
        continue;
      }
      Posted p = posted.get(i);
      String responseUrl = fake.url() + "/slack/response/" + UUID.randomUUID();
      ballots.add(CompletableFuture.supplyAsync(() -> click("U0ALICE", p.approveAction(), p, responseUrl), clicks));
      if (i % 4 != 3) {
        String carol = i % 3 == 0 ? p.rejectAction() : p.approveAction();
        ballots.add(CompletableFuture.supplyAsync(() -> click("U0CAROL", carol, p, responseUrl), clicks));
        continue;
      }
      for (String who : List.of("bob", "carol")) {
        ballots.add(gw.callAsync("POST", "/api/v1/approvals/" + p.id() + "/approve", gw.token(who, "approver"),
          Map.of("comment", who + " on " + i), Map.of()));
      }
    }
    for (CompletableFuture<Response> f : ballots) {
      Response r = f.join();
      // a ballot that lost its race is refused (SEC-012; a click hears it in an ephemeral notice)
      assertThat(r.status()).as(r.body()).isIn(200, 409);
    }
    // clicks are answered at once and applied after; each request is waited for until a ballot decided it
    for (int i = 0; i < REQUESTS; i++) {
      if (i % 4 != 1) {
        String id = ids.get(i);
        JsonObject a = Poll.until(() -> gw.call("GET", "/api/v1/approvals/" + id, admin, null).json(),
          x -> !"pending".equals(x.getString("status")), WAIT, id + " decided");
        if (i % 4 != 3) {
          assertThat(a.getString("decision_channel")).as(a.encode()).isEqualTo("slack");
          assertThat(a.getJsonArray("votes").stream().map(o -> ((JsonObject) o).getString("channel")))
            .isNotEmpty().containsOnly("slack");
        }
      }
    }
    gw.clock.advance(Duration.ofSeconds(61));
    Response cleaned = gw.call("POST", "/api/v1/approvals/cleanup", admin, null);
    assertThat(cleaned.status()).as(cleaned.body()).isEqualTo(200);
    for (int i = 1; i < REQUESTS; i += 4) {
      assertThat(gw.call("GET", "/api/v1/approvals/" + ids.get(i), admin, null).json().getString("status"))
        .isEqualTo("expired");
    }

    JsonObject report = gw.call("GET", "/api/v1/audit/verify", admin, null).json();
    assertThat(report.getBoolean("valid")).as(report.encodePrettily()).isTrue();
    assertThat(report.getJsonObject("replay").getLong("approvals_replayed")).isEqualTo((long) REQUESTS);
    assertThat(report.getJsonObject("replay").getLong("mismatch_count")).isZero();
    assertThat(report.getJsonObject("guards").getBoolean("replayed")).isTrue();
    assertThat(report.getJsonObject("guards").getJsonArray("differences")).isEmpty();
  }

  Posted awaitPost(String id) {
    FakeChatApi.Call post = fake.await("POST", "/api/chat.postMessage", c -> c.body().contains(id), 1, WAIT).get(0);
    JsonArray buttons = SlackNotifyTest.actions(post.json().getJsonArray("blocks")).getJsonArray("elements");
    String ts = Poll.until(() -> storedTs(id), t -> t != null, WAIT, "the stored ts of " + id);
    return new Posted(id, post.json().getString("channel"), ts, buttons.getJsonObject(0).getString("action_id"),
      buttons.getJsonObject(1).getString("action_id"), buttons.getJsonObject(0).getString("value"));
  }

  String storedTs(String id) {
    try (var c = TestDb.jdbc(gw.dbUrl); var s = c.prepareStatement(
        "SELECT message_ref FROM chat_messages WHERE approval_id = ? AND channel = 'slack'")) {
      s.setObject(1, UUID.fromString(id));
      try (var rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  Response click(String user, String actionId, Posted p, String responseUrl) {
    String body = SignedCalls.form(SignedCalls.slackClick(user, actionId, p.value(), responseUrl, p.channel(), p.ts()));
    return SignedCalls.slack(gw.port, SECRET, Instant.now().getEpochSecond(), body);
  }
}
