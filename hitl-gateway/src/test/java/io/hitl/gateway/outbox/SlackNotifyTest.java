package io.hitl.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.FakeChatApi;
import io.hitl.gateway.support.FakeChatApi.Answer;
import io.hitl.gateway.support.FakeChatApi.Call;
import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.SignedCalls;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Slack delivery through the outbox against a local fake of the Slack Web API. */
public class SlackNotifyTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String POST = "/api/chat.postMessage";
  static final String UPDATE = "/api/chat.update";
  static final FakeChatApi fake = new FakeChatApi();
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded()
    .with("SLACK_BOT_TOKEN", "xoxb-test-token")
    .with("SLACK_CHANNEL", "C0APPROVALS")
    .with("SLACK_API_BASE_URL", fake.url() + "/api")
    .with("HITL_PUBLIC_URL", "https://hitl.example.com")
    .with("HITL_NOTIFY_BACKOFF_BASE_MS", "100")
    .with("HITL_NOTIFY_BACKOFF_MAX_MS", "400")
    .with("HITL_NOTIFY_HTTP_TIMEOUT_MS", "600")
    .with("HITL_NOTIFY_LEASE_SECONDS", "2")
    .with("HITL_NOTIFY_MAX_ATTEMPTS", "5")
    .with("HITL_NOTIFY_POLL_MS", "200")
    .closeAfter(fake);
  static final String engine = gw.token("engine-1", "submitter");
  static final String alice = gw.token("alice", "approver");
  static final String viewer = gw.token("vic", "viewer");
  static final String admin = gw.token("root", "admin");

  @Test
  void newRequestIsPostedWithTheBotTokenAsBlockKitWithConfirmedButtonsAndAOneTimeLink() {
    String id = create("LAYOUT.T");
    Call post = fake.await("POST", POST, c -> c.body().contains(id), 1, WAIT).get(0);
    assertThat(post.header("Authorization")).isEqualTo("Bearer xoxb-test-token");
    assertThat(post.header("Content-Type")).startsWith("application/json");
    JsonObject body = post.json();
    assertThat(body.getString("channel")).isEqualTo("C0APPROVALS");
    assertThat(body.getString("text")).isEqualTo("Approval required: BUY 100 LAYOUT.T (" + id + ")");
    JsonArray blocks = body.getJsonArray("blocks");
    assertThat(blocks.getJsonObject(0).getJsonObject("text").getString("text"))
      .isEqualTo("🔔 Approval Required: BUY 100 LAYOUT.T");
    assertThat(fieldTexts(blocks)).contains("*Ticker*\nLAYOUT.T", "*Price*\n2850.5", "*Confidence*\n85.0%",
      "*Risk Level*\nMedium", "*Strategy*\nmomentum", "*Request ID*\n`" + id + "`");
    JsonArray buttons = actions(blocks).getJsonArray("elements");
    assertThat(buttons.getJsonObject(0).getString("action_id")).isEqualTo("hitl_approve");
    assertThat(buttons.getJsonObject(0).getString("style")).isEqualTo("primary");
    assertThat(buttons.getJsonObject(0).getString("value")).isEqualTo(id);
    assertThat(buttons.getJsonObject(0).getJsonObject("confirm")).isNotNull();
    assertThat(buttons.getJsonObject(1).getString("action_id")).isEqualTo("hitl_reject");
    assertThat(buttons.getJsonObject(1).getString("style")).isEqualTo("danger");
    assertThat(buttons.getJsonObject(2).getString("url")).matches("https://hitl\\.example\\.com/approve/[A-Za-z0-9_-]{43}");

    JsonObject job = awaitJob(id, "created", "sent");
    assertThat(job.getInteger("attempts")).isEqualTo(1);
    assertThat(job.getString("channel")).isEqualTo("slack");
    assertThat(message(id).get(0)).isEqualTo("C0APPROVALS");
    assertThat(message(id).get(1)).matches("1700000000\\.\\d{6}");
  }

  @Test
  void aDecisionFromTheApiEditsTheSameMessageInPlaceAndRemovesTheButtons() {
    String id = create("SYNC.T");
    fake.await("POST", POST, c -> c.body().contains(id), 1, WAIT);
    List<String> where = Poll.until(() -> message(id), l -> l.get(1) != null, WAIT, "the message ts");
    Response ok = gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of());
    assertThat(ok.status()).isEqualTo(200);

    Call update = fake.await("POST", UPDATE, c -> c.json().getString("ts").equals(where.get(1)), 1, WAIT).get(0);
    assertThat(update.header("Authorization")).isEqualTo("Bearer xoxb-test-token");
    JsonObject body = update.json();
    assertThat(body.getString("channel")).isEqualTo(where.get(0));
    JsonArray blocks = body.getJsonArray("blocks");
    assertThat(blocks.getJsonObject(0).getJsonObject("text").getString("text")).isEqualTo("✅ BUY 100 SYNC.T — APPROVED");
    assertThat(actions(blocks)).isNull();
    assertThat(fieldTexts(blocks)).contains("*Processed by*\nalice (API)");
    awaitJob(id, "decided", "sent");
    assertThat(fake.calls("POST", POST, c -> c.body().contains(id))).hasSize(1);
  }

  @Test
  void rateLimitServerErrorAndTimeoutAreRetriedAndTheMessageIsDeliveredOnce() {
    fake.script(c -> c.path().equals(POST) && c.body().contains("RETRY.T"),
      Answer.rateLimited("1"), Answer.status(500), Answer.hanging());
    String id = create("RETRY.T");
    fake.await("POST", POST, c -> c.body().contains(id) && c.answered() == 200, 1, WAIT);
    JsonObject job = awaitJob(id, "created", "sent");

    List<Call> attempts = fake.calls("POST", POST, c -> c.body().contains(id));
    assertThat(attempts).extracting(Call::answered).containsExactly(429, 500, 0, 200);
    assertThat(Duration.between(attempts.get(0).at(), attempts.get(1).at())).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(job.getInteger("attempts")).isEqualTo(4);
    assertThat(job.getString("last_error")).isEqualTo("slack chat.postMessage: timed out");
    // proves the delivered message is not posted again: nothing to wait for but time
    sleep(1000);
    assertThat(fake.calls("POST", POST, c -> c.body().contains(id) && c.answered() == 200)).hasSize(1);
  }

  @Test
  void aJobThatNeverGoesThroughIsKeptAsFailedAndAnAdminCanRetryIt() {
    fake.script(c -> c.path().equals(POST) && c.body().contains("DEAD.T"),
      Answer.status(500), Answer.status(500), Answer.status(500), Answer.status(500), Answer.status(500));
    String id = create("DEAD.T");
    JsonObject dead = Poll.until(() -> failedJob(id), j -> j != null, WAIT, "the failed job");
    assertThat(dead.getInteger("attempts")).isEqualTo(5);
    assertThat(dead.getString("status")).isEqualTo("failed");
    assertThat(dead.getString("kind")).isEqualTo("created");
    assertThat(dead.getString("last_error")).startsWith("slack chat.postMessage: HTTP 500")
      .endsWith("(gave up after 5 attempts)");
    assertThat(fake.calls("POST", POST, c -> c.body().contains(id))).hasSize(5);

    Response notViewer = gw.call("GET", "/api/v1/notifications?status=failed", alice, null);
    assertThat(notViewer.status()).isEqualTo(403);
    assertThat(notViewer.json().getString("code")).isEqualTo("SEC-002");
    Response viewerRetry = gw.call("POST", "/api/v1/notifications/" + dead.getLong("id") + "/retry", viewer, null);
    assertThat(viewerRetry.status()).isEqualTo(403);
    assertThat(failedJob(id)).isNotNull();

    Response retried = gw.call("POST", "/api/v1/notifications/" + dead.getLong("id") + "/retry", admin, null);
    assertThat(retried.status()).isEqualTo(200);
    assertThat(retried.json().getString("status")).isEqualTo("pending");
    assertThat(retried.json().getInteger("attempts")).isZero();
    fake.await("POST", POST, c -> c.body().contains(id) && c.answered() == 200, 1, WAIT);
    JsonObject sent = awaitJob(id, "created", "sent");
    assertThat(sent.getInteger("attempts")).isEqualTo(1);

    JsonArray audit = gw.call("GET", "/api/v1/audit?approval_id=" + id, viewer, null).json().getJsonArray("entries");
    JsonObject entry = audit.stream().map(e -> (JsonObject) e)
      .filter(e -> e.getString("action").equals("notification_retried")).findFirst().orElseThrow();
    assertThat(entry.getString("actor")).isEqualTo("root");
    assertThat(entry.getJsonObject("payload").getString("last_error")).contains("HTTP 500");

    Response again = gw.call("POST", "/api/v1/notifications/" + dead.getLong("id") + "/retry", admin, null);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().getString("code")).isEqualTo("SEC-030");
    Response unknown = gw.call("POST", "/api/v1/notifications/987654321/retry", admin, null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().getString("code")).isEqualTo("SEC-011");
    Response bad = gw.call("POST", "/api/v1/notifications/abc/retry", admin, null);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().getString("code")).isEqualTo("SEC-010");
    Response badFilter = gw.call("GET", "/api/v1/notifications?status=lost", viewer, null);
    assertThat(badFilter.status()).isEqualTo(400);
    assertThat(badFilter.json().getString("code")).isEqualTo("SEC-010");
    Response anonymous = gw.call("GET", "/api/v1/notifications", null, null);
    assertThat(anonymous.status()).isEqualTo(401);
  }

  @Test
  void updatesQueuedBehindAFailedPostCollapseIntoOneSendOfTheCurrentState() {
    fake.script(c -> c.path().equals(POST) && c.body().contains("COAL.T"),
      new Answer(503, Map.of("Retry-After", "2"), "{\"ok\":false}", false));
    String id = create("COAL.T");
    fake.await("POST", POST, c -> c.body().contains(id), 1, WAIT);
    assertThat(gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of()).status()).isEqualTo(200);

    Call delivered = fake.await("POST", POST, c -> c.body().contains(id) && c.answered() == 200, 1, WAIT).get(0);
    JsonArray blocks = delivered.json().getJsonArray("blocks");
    assertThat(blocks.getJsonObject(0).getJsonObject("text").getString("text")).isEqualTo("✅ BUY 100 COAL.T — APPROVED");
    assertThat(actions(blocks)).isNull();
    awaitJob(id, "created", "sent");
    awaitJob(id, "decided", "sent");
    // proves the decision neither posts a third message nor edits one: nothing to wait for but time
    sleep(500);
    assertThat(fake.calls("POST", POST, c -> c.body().contains(id))).hasSize(2);
    assertThat(fake.calls("POST", UPDATE, c -> c.body().contains(id))).isEmpty();
  }

  @Test
  void anExpiredRequestIsShownAsExpiredAndATimeoutNoticeIsPostedInItsThread() {
    gw.quote("EXP.T", "2850", "2851");
    String id = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("ticker", "EXP.T")
      .put("timeout_seconds", 60)).json().getString("request_id");
    fake.await("POST", POST, c -> c.body().contains(id), 1, WAIT);
    List<String> where = Poll.until(() -> message(id), l -> l.get(1) != null, WAIT, "the message ts");
    gw.clock().advance(Duration.ofSeconds(61));
    assertThat(gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of()).json().getString("code"))
      .isEqualTo("SEC-013");

    Call update = fake.await("POST", UPDATE, c -> c.json().getString("ts").equals(where.get(1)), 1, WAIT).get(0);
    assertThat(update.json().getJsonArray("blocks").getJsonObject(0).getJsonObject("text").getString("text"))
      .isEqualTo("⌛ BUY 100 EXP.T — EXPIRED");
    Call notice = fake.await("POST", POST, c -> where.get(1).equals(c.json().getString("thread_ts")), 1, WAIT).get(0);
    assertThat(notice.json().getString("channel")).isEqualTo(where.get(0));
    assertThat(notice.json().getString("text")).startsWith("⌛ Timed out: BUY 100 EXP.T (" + id + ")")
      .contains("HITL_TIMEOUT");
    awaitJob(id, "expired", "sent");
  }

  @Test
  void theConsoleLinkOpensTheRequestOnceAndEveryUseIsAudited() {
    String id = create("LINK.T");
    String url = linkOf(fake.await("POST", POST, c -> c.body().contains(id), 1, WAIT).get(0));
    String path = url.substring("https://hitl.example.com".length());

    Response first = SignedCalls.get(gw.port(), path);
    assertThat(first.status()).isEqualTo(302);
    assertThat(first.header("Location")).isEqualTo("/console/#/approvals/" + id);
    assertThat(first.header("Cache-Control")).isEqualTo("no-store");
    Response second = SignedCalls.get(gw.port(), path);
    assertThat(second.status()).isEqualTo(401);
    assertThat(second.json().getString("code")).isEqualTo("SEC-071");
    assertThat(second.json().getString("detail")).contains("already used");
    Response unknown = SignedCalls.get(gw.port(), "/approve/" + "A".repeat(43));
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().getString("code")).isEqualTo("SEC-011");
    assertThat(SignedCalls.get(gw.port(), "/approve/short").status()).isEqualTo(404);

    List<JsonObject> audit = audit(id);
    assertThat(audit).extracting(e -> e.getString("action")).contains("deep_link_opened", "deep_link_refused");
    assertThat(audit.stream().filter(e -> e.getString("action").equals("deep_link_refused")).findFirst().orElseThrow()
      .getString("error_code")).isEqualTo("SEC-071");
  }

  @Test
  void aConsoleLinkStopsWorkingWhenItExpires() {
    String id = create("LINKX.T");
    String url = linkOf(fake.await("POST", POST, c -> c.body().contains(id), 1, WAIT).get(0));
    gw.clock().advance(Duration.ofSeconds(3601));
    Response late = SignedCalls.get(gw.port(), url.substring("https://hitl.example.com".length()));
    assertThat(late.status()).isEqualTo(401);
    assertThat(late.json().getString("code")).isEqualTo("SEC-071");
    assertThat(late.json().getString("detail")).contains("expired");
  }

  @Test
  void theNotificationListIsNewestFirstAndPaged() {
    create("PAGE.T");
    create("PAGE.T");
    JsonObject page1 = gw.call("GET", "/api/v1/notifications?channel=slack&limit=1", viewer, null).json();
    assertThat(page1.getJsonArray("items")).hasSize(1);
    String cursor = page1.getString("next_cursor");
    JsonObject page2 = gw.call("GET", "/api/v1/notifications?channel=slack&limit=1&cursor=" + cursor, viewer, null).json();
    long first = page1.getJsonArray("items").getJsonObject(0).getLong("id");
    long second = page2.getJsonArray("items").getJsonObject(0).getLong("id");
    assertThat(second).isLessThan(first);
  }

  static String create(String ticker) {
    gw.quote(ticker, "2850", "2851");
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("ticker", ticker));
    assertThat(r.status()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  static JsonObject awaitJob(String id, String kind, String status) {
    return Poll.until(() -> job(id, kind), j -> j != null && status.equals(j.getString("status")), WAIT,
      kind + " job of " + id + " to be " + status);
  }

  static JsonObject job(String id, String kind) {
    JsonArray items = gw.call("GET", "/api/v1/notifications?approval_id=" + id, viewer, null).json().getJsonArray("items");
    return items.stream().map(o -> (JsonObject) o).filter(j -> j.getString("kind").equals(kind)).findFirst().orElse(null);
  }

  static JsonObject failedJob(String id) {
    JsonArray items = gw.call("GET", "/api/v1/notifications?status=failed&limit=500", viewer, null).json()
      .getJsonArray("items");
    return items.stream().map(o -> (JsonObject) o).filter(j -> id.equals(j.getString("approval_id"))).findFirst()
      .orElse(null);
  }

  static List<JsonObject> audit(String id) {
    return gw.call("GET", "/api/v1/audit?approval_id=" + id, viewer, null).json().getJsonArray("entries").stream()
      .map(o -> (JsonObject) o).collect(Collectors.toList());
  }

  /** Where the request's Slack message is: [channel, ts] as stored by the notifier. */
  static List<String> message(String id) {
    try (Connection c = TestDb.jdbc(gw.dbUrl()); PreparedStatement s = c.prepareStatement(
        "SELECT destination, message_ref FROM chat_messages WHERE approval_id = ? AND channel = 'slack'")) {
      s.setObject(1, UUID.fromString(id));
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? java.util.Arrays.asList(rs.getString(1), rs.getString(2)) : java.util.Arrays.asList(null, null);
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static String linkOf(Call post) {
    return actions(post.json().getJsonArray("blocks")).getJsonArray("elements").getJsonObject(2).getString("url");
  }

  public static JsonObject actions(JsonArray blocks) {
    return blocks.stream().map(b -> (JsonObject) b).filter(b -> "actions".equals(b.getString("type"))).findFirst()
      .orElse(null);
  }

  public static List<String> fieldTexts(JsonArray blocks) {
    return blocks.stream().map(b -> (JsonObject) b).filter(b -> b.getJsonArray("fields") != null)
      .flatMap(b -> b.getJsonArray("fields").stream().map(f -> ((JsonObject) f).getString("text")))
      .collect(Collectors.toList());
  }

  public static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
