package io.hitl.gateway.chat;

import io.hitl.gateway.outbox.SlackNotifyTest;
import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.FakeChatApi;
import io.hitl.gateway.support.FakeChatApi.Call;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.SignedCalls;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Signed Slack button callbacks, on two gateway nodes sharing one database, against a fake Slack. */
class SlackInteractionTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String SECRET = "slack-signing-secret-for-tests";
  static final String POST = "/api/chat.postMessage";
  static FakeChatApi fake;
  static String db;
  static Map<String, String> settings;
  static TestGateway gw1;
  static TestGateway gw2;
  static String engine;
  static String alice;
  static String viewer;

  /** A button of a message the fake Slack received, with the ts the fake gave that message. */
  record Posted(String id, String channel, String ts, String approveAction, String rejectAction, String value) {
  }

  @BeforeAll
  static void start() {
    fake = new FakeChatApi();
    db = TestDb.freshEmbedded();
    settings = Map.of(
      "SLACK_BOT_TOKEN", "xoxb-test-token",
      "SLACK_CHANNEL", "C0APPROVALS",
      "SLACK_SIGNING_SECRET", SECRET,
      "SLACK_API_BASE_URL", fake.url() + "/api",
      "HITL_CHAT_IDENTITIES", "alice=slack:U0ALICE,bob=slack:U0BOB,carol=slack:U0CAROL",
      "HITL_ALLOWED_OPERATORS", "alice,carol",
      "HITL_NOTIFY_POLL_MS", "200");
    gw1 = TestGateway.start(db, settings);
    gw2 = TestGateway.start(db, settings);
    engine = gw1.token("engine-1", "submitter");
    alice = gw1.token("alice", "approver");
    viewer = gw1.token("vic", "viewer");
  }

  @AfterAll
  static void stop() {
    gw2.close();
    gw1.close();
    fake.close();
  }

  @Test
  void aSignedApproveClickDecidesAsTheMappedOperatorAndTheMessageLosesItsButtons() {
    Posted p = createAndAwaitPost(gw1, "CLICK.T");
    String responseUrl = responseUrl();
    Response r = click(gw1, "U0ALICE", p.approveAction(), p, responseUrl, now());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEmpty();

    JsonObject a = awaitStatus(p.id(), "approved");
    assertThat(a.getString("decided_by")).isEqualTo("alice");
    assertThat(a.getString("decision_channel")).isEqualTo("slack");
    Call update = fake.await("POST", "/api/chat.update", c -> p.ts().equals(c.json().getString("ts")), 1, WAIT).get(0);
    assertThat(update.json().getString("channel")).isEqualTo(p.channel());
    assertThat(SlackNotifyTest.actions(update.json().getJsonArray("blocks"))).isNull();
    assertThat(SlackNotifyTest.fieldTexts(update.json().getJsonArray("blocks"))).contains("*Processed by*\nalice (Slack)");
    assertThat(ephemerals(responseUrl)).isEmpty();
  }

  @Test
  void aSignedRejectClickOnTheOtherNodeRejects() {
    Posted p = createAndAwaitPost(gw1, "REJ.T");
    assertThat(click(gw2, "U0CAROL", p.rejectAction(), p, responseUrl(), now()).status()).isEqualTo(200);
    JsonObject a = awaitStatus(p.id(), "rejected");
    assertThat(a.getString("decided_by")).isEqualTo("carol");
    assertThat(a.getString("decision_channel")).isEqualTo("slack");
  }

  @Test
  void aBadSignatureIsRefusedWithSec070AndNothingChanges() {
    Posted p = createAndAwaitPost(gw1, "BADSIG.T");
    String ts = String.valueOf(now());
    String signed = SignedCalls.form(SignedCalls.slackClick("U0ALICE", p.approveAction(), p.value(), responseUrl(),
      p.channel(), p.ts()));
    String tampered = SignedCalls.form(SignedCalls.slackClick("U0ALICE", p.rejectAction(), p.value(), responseUrl(),
      p.channel(), p.ts()));
    String signature = SlackSignature.sign(SECRET, ts, signed.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Response swapped = SignedCalls.slackRaw(gw1.port, ts, signature, tampered);
    assertThat(swapped.status()).isEqualTo(401);
    assertThat(swapped.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(swapped.json().getString("code")).isEqualTo("SEC-070");
    Response wrongSecret = SignedCalls.slack(gw1.port, "not-the-secret", now(), signed);
    assertThat(wrongSecret.json().getString("code")).isEqualTo("SEC-070");
    Response unsigned = SignedCalls.post(gw1.port, "/api/v1/chat/slack/interactions",
      Map.of("Content-Type", "application/x-www-form-urlencoded"), signed);
    assertThat(unsigned.status()).isEqualTo(401);
    assertThat(unsigned.json().getString("code")).isEqualTo("SEC-070");
    // proves the refused callback changes nothing later either: nothing to wait for but time
    sleep(300);
    assertUntouched(p.id());
  }

  @Test
  void aTimestampMoreThanFiveMinutesOffIsRefusedWithSec071() {
    Posted p = createAndAwaitPost(gw1, "STALE.T");
    String body = SignedCalls.form(SignedCalls.slackClick("U0ALICE", p.approveAction(), p.value(), responseUrl(),
      p.channel(), p.ts()));
    // 30 s beyond the 300 s bound, so the time the call takes to arrive cannot bring it back inside
    Response old = SignedCalls.slack(gw1.port, SECRET, now() - 330, body);
    assertThat(old.status()).isEqualTo(401);
    assertThat(old.json().getString("code")).isEqualTo("SEC-071");
    Response future = SignedCalls.slack(gw2.port, SECRET, now() + 330, body);
    assertThat(future.status()).isEqualTo(401);
    assertThat(future.json().getString("code")).isEqualTo("SEC-071");
    // proves the refused callback changes nothing later either: nothing to wait for but time
    sleep(300);
    assertUntouched(p.id());
  }

  @Test
  void aReplayedClickIsRefusedWithSec071OnThisNodeAndOnTheOther() {
    Posted p = createAndAwaitPost(gw1, "REPLAY.T");
    long ts = now();
    String body = SignedCalls.form(SignedCalls.slackClick("U0ALICE", p.approveAction(), p.value(), responseUrl(),
      p.channel(), p.ts()));
    assertThat(SignedCalls.slack(gw1.port, SECRET, ts, body).status()).isEqualTo(200);
    awaitStatus(p.id(), "approved");
    Response again = SignedCalls.slack(gw1.port, SECRET, ts, body);
    assertThat(again.status()).isEqualTo(401);
    assertThat(again.json().getString("code")).isEqualTo("SEC-071");
    Response elsewhere = SignedCalls.slack(gw2.port, SECRET, ts, body);
    assertThat(elsewhere.status()).isEqualTo(401);
    assertThat(elsewhere.json().getString("code")).isEqualTo("SEC-071");

    Posted q = createAndAwaitPost(gw2, "REPLAY2.T");
    String unmapped = SignedCalls.form(SignedCalls.slackClick("U0MALLORY", q.approveAction(), q.value(), responseUrl(),
      q.channel(), q.ts()));
    assertThat(SignedCalls.slack(gw2.port, SECRET, ts, unmapped).status()).isEqualTo(200);
    assertThat(SignedCalls.slack(gw1.port, SECRET, ts, unmapped).json().getString("code")).isEqualTo("SEC-071");
  }

  @Test
  void anUnmappedChatUserIsToldPrivatelyAndAuditedWithSec090AndTheRequestStaysPending() {
    Posted p = createAndAwaitPost(gw1, "UNKNOWN.T");
    String responseUrl = responseUrl();
    assertThat(click(gw1, "U0MALLORY", p.approveAction(), p, responseUrl, now()).status()).isEqualTo(200);
    Call answer = fake.await("POST", path(responseUrl), c -> true, 1, WAIT).get(0);
    JsonObject body = answer.json();
    assertThat(body.getString("response_type")).isEqualTo("ephemeral");
    assertThat(body.getBoolean("replace_original")).isFalse();
    assertThat(body.getString("text")).contains("U0MALLORY is not mapped").contains("SEC-090");
    JsonObject refused = Poll.until(() -> refusal(p.id()), e -> e != null, WAIT, "the audited refusal");
    assertThat(refused.getString("error_code")).isEqualTo("SEC-090");
    assertThat(refused.getString("actor")).isEqualTo("slack:U0MALLORY");
    assertThat(refused.getJsonObject("payload").getString("channel")).isEqualTo("slack");
    assertThat(get(p.id()).getString("status")).isEqualTo("pending");
  }

  @Test
  void aMappedOperatorOutsideTheAllowlistIsRefusedWithSec090() {
    Posted p = createAndAwaitPost(gw1, "BOB.T");
    String responseUrl = responseUrl();
    assertThat(click(gw1, "U0BOB", p.approveAction(), p, responseUrl, now()).status()).isEqualTo(200);
    Call answer = fake.await("POST", path(responseUrl), c -> true, 1, WAIT).get(0);
    assertThat(answer.json().getString("text")).startsWith("⛔ Not allowed").contains("SEC-090");
    JsonObject refused = Poll.until(() -> refusal(p.id()), e -> e != null, WAIT, "the audited refusal");
    assertThat(refused.getString("actor")).isEqualTo("bob");
    assertThat(refused.getString("error_code")).isEqualTo("SEC-090");
    assertThat(get(p.id()).getString("status")).isEqualTo("pending");
  }

  @Test
  void aClickOnAnAlreadyDecidedRequestIsRefusedWithSec012AndTheOutcomeStands() {
    Posted p = createAndAwaitPost(gw1, "LATE.T");
    assertThat(gw1.call("POST", "/api/v1/approvals/" + p.id() + "/approve", alice, Map.of()).status()).isEqualTo(200);
    String responseUrl = responseUrl();
    assertThat(click(gw2, "U0CAROL", p.rejectAction(), p, responseUrl, now()).status()).isEqualTo(200);
    Call answer = fake.await("POST", path(responseUrl), c -> true, 1, WAIT).get(0);
    assertThat(answer.json().getString("text")).startsWith("ℹ️ Already decided").contains("SEC-012");
    JsonObject a = get(p.id());
    assertThat(a.getString("status")).isEqualTo("approved");
    assertThat(a.getString("decided_by")).isEqualTo("alice");
    assertThat(a.getString("decision_channel")).isEqualTo("api");
    JsonObject refused = Poll.until(() -> refusal(p.id()), e -> e != null, WAIT, "the audited refusal");
    assertThat(refused.getString("error_code")).isEqualTo("SEC-012");
    assertThat(refused.getString("actor")).isEqualTo("carol");
  }

  @Test
  void otherInteractionsAreAcknowledgedAndMalformedSignedBodiesAreSec010() {
    Posted p = createAndAwaitPost(gw1, "OPEN.T");
    Response open = click(gw1, "U0ALICE", "hitl_open", p, responseUrl(), now());
    assertThat(open.status()).isEqualTo(200);
    Response junk = SignedCalls.slack(gw1.port, SECRET, now(), "payload=%7Bbroken");
    assertThat(junk.status()).isEqualTo(400);
    assertThat(junk.json().getString("code")).isEqualTo("SEC-010");
    // proves the refused callback changes nothing later either: nothing to wait for but time
    sleep(300);
    assertUntouched(p.id());
  }

  @Test
  void signedButMalformedFormsAndPayloadsAreSec010AndChangeNothing() {
    Posted p = createAndAwaitPost(gw1, "MALFORMED.T");
    JsonObject click = SignedCalls.slackClick("U0ALICE", p.approveAction(), p.value(), responseUrl(), p.channel(),
      p.ts());
    String valid = SignedCalls.form(click);
    String typed = SignedCalls.form(click.copy().put("user", new JsonObject().put("id", 42)));
    for (String body : List.of("payload=%zz", "payload=%", valid + "&" + valid, typed,
        "payload=" + java.net.URLEncoder.encode(click.encode() + " trailing", java.nio.charset.StandardCharsets.UTF_8),
        "payload=" + java.net.URLEncoder.encode(click.encode() + click.encode(), java.nio.charset.StandardCharsets.UTF_8),
        "payload=%7B%22type%22%3A%22block_actions%22%2C%22type%22%3A%22x%22%7D", "payload=%00")) {
      Response r = SignedCalls.slack(gw1.port, SECRET, now(), body);
      assertThat(r.status()).as(body).isEqualTo(400);
      assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(r.json().getString("code")).isEqualTo("SEC-010");
    }
    sleep(300);
    assertUntouched(p.id());
  }

  @Test
  void aClickOnAMessagePostedBeforeARestartStillDecides() {
    Posted p;
    try (TestGateway before = TestGateway.start(db, settings)) {
      p = createAndAwaitPost(before, "RESTART.T");
      // closed only once the post's job is recorded as sent, so the restarted node does not post again
      Poll.until(() -> before.call("GET", "/api/v1/notifications?approval_id=" + p.id(), viewer, null).json()
        .getJsonArray("items").stream().map(JsonObject.class::cast)
        .anyMatch(j -> "created".equals(j.getString("kind")) && "sent".equals(j.getString("status"))), WAIT,
        "the post's job recorded as sent");
    }
    try (TestGateway after = TestGateway.start(db, settings)) {
      assertThat(click(after, "U0ALICE", p.approveAction(), p, responseUrl(), now()).status()).isEqualTo(200);
      JsonObject a = awaitStatus(p.id(), "approved");
      assertThat(a.getString("decided_by")).isEqualTo("alice");
      Call update = fake.await("POST", "/api/chat.update", c -> p.ts().equals(c.json().getString("ts")), 1, WAIT).get(0);
      assertThat(SlackNotifyTest.actions(update.json().getJsonArray("blocks"))).isNull();
    }
  }

  static Posted createAndAwaitPost(TestGateway gw, String ticker) {
    String token = gw.token("engine-1", "submitter");
    gw.quote(ticker, "2850", "2851");
    Response created = gw.call("POST", "/api/v1/approvals/trade", token, TestGateway.trade().put("ticker", ticker));
    assertThat(created.status()).isEqualTo(201);
    String id = created.json().getString("request_id");
    Call post = fake.await("POST", POST, c -> c.body().contains(id), 1, WAIT).get(0);
    JsonArray buttons = SlackNotifyTest.actions(post.json().getJsonArray("blocks")).getJsonArray("elements");
    String ts = Poll.until(() -> storedTs(gw, id), t -> t != null, WAIT, "the stored ts");
    return new Posted(id, post.json().getString("channel"), ts, buttons.getJsonObject(0).getString("action_id"),
      buttons.getJsonObject(1).getString("action_id"), buttons.getJsonObject(0).getString("value"));
  }

  static String storedTs(TestGateway gw, String id) {
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

  static Response click(TestGateway gw, String user, String actionId, Posted p, String responseUrl, long ts) {
    String body = SignedCalls.form(SignedCalls.slackClick(user, actionId, p.value(), responseUrl, p.channel(), p.ts()));
    return SignedCalls.slack(gw.port, SECRET, ts, body);
  }

  static String responseUrl() {
    return fake.url() + "/slack/response/" + UUID.randomUUID();
  }

  static String path(String url) {
    return url.substring(fake.url().length());
  }

  static List<Call> ephemerals(String responseUrl) {
    return fake.calls("POST", path(responseUrl), c -> true);
  }

  static long now() {
    return Instant.now().getEpochSecond();
  }

  static JsonObject get(String id) {
    return gw1.call("GET", "/api/v1/approvals/" + id, viewer, null).json();
  }

  static JsonObject awaitStatus(String id, String status) {
    return Poll.until(() -> get(id), a -> status.equals(a.getString("status")), WAIT, id + " to be " + status);
  }

  static JsonObject refusal(String id) {
    return audit(id).stream().filter(e -> e.getString("action").equals("decision_refused")).findFirst().orElse(null);
  }

  static List<JsonObject> audit(String id) {
    return gw1.call("GET", "/api/v1/audit?approval_id=" + id, viewer, null).json().getJsonArray("entries").stream()
      .map(o -> (JsonObject) o).filter(e -> !"trade_state".equals(e.getString("action"))).collect(Collectors.toList());
  }

  static void assertUntouched(String id) {
    assertThat(get(id).getString("status")).isEqualTo("pending");
    assertThat(audit(id)).extracting(e -> e.getString("action")).containsExactly("created");
  }

  static void sleep(long ms) {
    SlackNotifyTest.sleep(ms);
  }
}
