package io.hitl.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.FakeChatApi;
import io.hitl.gateway.support.FakeChatApi.Answer;
import io.hitl.gateway.support.FakeChatApi.Call;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A burst of creates with Slack on, while Slack rate limits the notifier: every request's message is posted
 * exactly once, and after a 429 with Retry-After nothing reaches Slack until that time has passed (not the
 * job that was refused, nor the jobs queued behind it).
 */
class SlackBackPressureTest {
  private static final String POST = "/api/chat.postMessage";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int BURST = 30;
  private final FakeChatApi fake = new FakeChatApi();
  private TestGateway gw;

  private void start(int concurrency) {
    gw = TestGateway.start(TestDb.freshEmbedded(), Map.of("SLACK_BOT_TOKEN", "xoxb-test-token",
      "SLACK_CHANNEL", "C0APPROVALS", "SLACK_API_BASE_URL", fake.url() + "/api",
      "HITL_NOTIFY_CONCURRENCY", String.valueOf(concurrency), "HITL_NOTIFY_BACKOFF_BASE_MS", "100",
      "HITL_NOTIFY_BACKOFF_MAX_MS", "400", "HITL_NOTIFY_POLL_MS", "100", "HITL_NOTIFY_MAX_ATTEMPTS", "10"));
  }

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.close();
    }
    fake.close();
  }

  @Test
  void afterA429NothingIsSentBeforeItsRetryAfterAndEveryMessageIsPostedOnce() throws Exception {
    start(1);
    AtomicInteger posts = new AtomicInteger();
    // the 5th and the 20th post are refused: Slack's rate limit for the token, 2 s each time
    fake.script(c -> c.path().equals(POST) && List.of(5, 20).contains(posts.incrementAndGet()),
      Answer.rateLimited("2"), Answer.rateLimited("2"));
    List<String> ids = burst();

    for (String id : ids) {
      fake.await("POST", POST, c -> c.body().contains(id) && c.answered() == 200, 1, WAIT);
    }
    List<Call> all = fake.calls("POST", POST, c -> true);
    List<Call> limited = all.stream().filter(c -> c.answered() == 429).toList();
    assertThat(limited).hasSize(2);
    for (Call refused : limited) {
      Instant until = refused.at().plusSeconds(2);
      assertThat(all.stream().filter(c -> c.at().isAfter(refused.at()) && c.at().isBefore(until)).map(Call::at))
        .as("posts while Slack asked to wait (from %s)", refused.at()).isEmpty();
    }
    assertDeliveredOnce(ids, all);
  }

  @Test
  void withSendsInFlightOnlyThoseAlreadySentArriveDuringTheWait() throws Exception {
    int concurrency = 4;
    start(concurrency);
    AtomicInteger posts = new AtomicInteger();
    fake.script(c -> c.path().equals(POST) && posts.incrementAndGet() == 6, Answer.rateLimited("2"));
    List<String> ids = burst();

    for (String id : ids) {
      fake.await("POST", POST, c -> c.body().contains(id) && c.answered() == 200, 1, WAIT);
    }
    List<Call> all = fake.calls("POST", POST, c -> true);
    Call refused = all.stream().filter(c -> c.answered() == 429).findFirst().orElseThrow();
    Instant until = refused.at().plusSeconds(2);
    // a send already on its way when the 429 came back may still arrive; no other may
    assertThat(all.stream().filter(c -> c.at().isAfter(refused.at()) && c.at().isBefore(until)).count())
      .isLessThan(concurrency);
    assertDeliveredOnce(ids, all);
  }

  private List<String> burst() {
    String engine = gw.token("engine-burst", "submitter");
    List<CompletableFuture<Response>> calls = new ArrayList<>();
    for (int i = 0; i < BURST; i++) {
      calls.add(gw.callAsync("POST", "/api/v1/approvals/trade", engine,
        TestGateway.trade().put("trade_id", "burst-" + i), Map.of()));
    }
    List<String> ids = new ArrayList<>();
    for (CompletableFuture<Response> c : calls) {
      Response r = c.join();
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      ids.add(r.json().getString("request_id"));
    }
    return ids;
  }

  private void assertDeliveredOnce(List<String> ids, List<Call> all) throws Exception {
    for (String id : ids) {
      assertThat(all.stream().filter(c -> c.body().contains(id) && c.answered() == 200).count())
        .as("posts of %s", id).isEqualTo(1);
    }
    Poll.until(() -> sentJobs(), n -> n == BURST, WAIT, "every created job sent");
    // proves no message is posted again later: nothing to wait for but time
    Thread.sleep(1000);
    assertThat(fake.calls("POST", POST, c -> c.answered() == 200)).hasSize(BURST);
  }

  private long sentJobs() {
    try (Connection c = TestDb.jdbc(gw.dbUrl); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM outbox WHERE channel = 'slack' AND kind = 'created'"
          + " AND status = 'sent'")) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
