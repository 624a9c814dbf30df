package io.hitl.gateway.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.FakeChatApi;
import io.hitl.gateway.support.FakeChatApi.Call;
import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.SignedCalls;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** "Reject with reason…" round trips through Slack's and Discord's modals, against the fake APIs. */
class RejectModalTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String SECRET = "slack-signing-secret-for-modals";
  static final String ALICE_DISCORD = "987654321012345678";
  static final KeyPair KEYS = SignedCalls.ed25519();
  static final FakeChatApi fake = new FakeChatApi();
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded()
    .with("SLACK_BOT_TOKEN", "xoxb-test-token")
    .with("SLACK_CHANNEL", "C0APPROVALS")
    .with("SLACK_SIGNING_SECRET", SECRET)
    .with("SLACK_API_BASE_URL", fake.url() + "/api")
    .with("DISCORD_API_BASE_URL", fake.url() + "/discord")
    .with("DISCORD_PUBLIC_KEY", DiscordSignature.rawHex(KEYS.getPublic()))
    .with("HITL_NOTIFY_CHANNELS", "slack")
    .with("HITL_CHAT_IDENTITIES", "alice=slack:U0ALICE,alice=discord:" + ALICE_DISCORD)
    .with("HITL_NOTIFY_POLL_MS", "200")
    .closeAfter(fake);
  static final String engine = gw.token("engine-1", "submitter");
  static final String viewer = gw.token("vic", "viewer");
  static final String bob = gw.token("bob", "approver");

  @Test
  void slackRejectWithReasonOpensAModalWithTheTriggerIdAndItsSubmissionRejectsWithTheReason() {
    String id = create("SMODAL.T");
    Call post = fake.await("POST", "/api/chat.postMessage", c -> c.body().contains(id), 1, WAIT).get(0);
    JsonObject button = buttons(post).stream().filter(b -> "hitl_reject_reason".equals(b.getString("action_id")))
      .findFirst().orElseThrow();
    assertThat(button.getString("value")).isEqualTo(id);

    String click = SignedCalls.form(SignedCalls.slackClick("U0ALICE", "hitl_reject_reason", id,
      fake.url() + "/slack/response/" + UUID.randomUUID(), "C0APPROVALS", "1700000000.000001"));
    Response r = SignedCalls.slack(gw.port(), SECRET, now(), click);
    assertThat(r.status()).isEqualTo(200);
    Call open = fake.await("POST", "/api/views.open", c -> c.body().contains(id), 1, WAIT).get(0);
    assertThat(open.answered()).isEqualTo(200);
    assertThat(open.json().getString("trigger_id")).isEqualTo("1.2.3");
    JsonObject view = open.json().getJsonObject("view");
    assertThat(view.getString("callback_id")).isEqualTo("hitl_reject_modal");
    assertThat(view.getString("private_metadata")).isEqualTo(id);
    assertThat(view.encode()).contains("BUY 100 SMODAL.T").contains("\"block_id\":\"reason\"");
    assertThat(get(id).getString("status")).isEqualTo("pending");

    Response submitted = SignedCalls.slack(gw.port(), SECRET, now(),
      SignedCalls.form(SignedCalls.slackRejectSubmission("U0ALICE", id, "  spread too wide  ")));
    assertThat(submitted.status()).isEqualTo(200);
    assertThat(submitted.body()).isEmpty();
    JsonObject a = get(id);
    assertThat(a.getString("status")).isEqualTo("rejected");
    assertThat(a.getString("decided_by")).isEqualTo("alice");
    assertThat(a.getString("decision_channel")).isEqualTo("slack");
    assertThat(a.getString("decision_reason")).isEqualTo("spread too wide");
  }

  @Test
  void aSlackModalSubmittedAfterTheRequestWasDecidedElsewhereStaysOpenAndSaysWhy() {
    String id = create("SMLATE.T");
    assertThat(gw.call("POST", "/api/v1/approvals/" + id + "/approve", bob, Map.of()).status()).isEqualTo(200);
    Response submitted = SignedCalls.slack(gw.port(), SECRET, now(),
      SignedCalls.form(SignedCalls.slackRejectSubmission("U0ALICE", id, "too late")));
    assertThat(submitted.status()).isEqualTo(200);
    JsonObject answer = submitted.json();
    assertThat(answer.getString("response_action")).isEqualTo("errors");
    assertThat(answer.getJsonObject("errors").getString("reason")).contains("Already decided").contains("SEC-012");
    JsonObject a = get(id);
    assertThat(a.getString("status")).isEqualTo("approved");
    assertThat(a.getString("decided_by")).isEqualTo("bob");
  }

  @Test
  void aSlackModalWithABlankReasonOrByAnUnmappedUserIsRefusedInTheModalAndChangesNothing() {
    String id = create("SMBAD.T");
    Response blank = SignedCalls.slack(gw.port(), SECRET, now(),
      SignedCalls.form(SignedCalls.slackRejectSubmission("U0ALICE", id, "   ")));
    assertThat(blank.json().getJsonObject("errors").getString("reason")).contains("reason is required");
    Response stranger = SignedCalls.slack(gw.port(), SECRET, now(),
      SignedCalls.form(SignedCalls.slackRejectSubmission("U0NOBODY", id, "because")));
    assertThat(stranger.json().getJsonObject("errors").getString("reason")).contains("SEC-090");
    Response unsigned = SignedCalls.slackRaw(gw.port(), String.valueOf(now()), "v0=" + "00".repeat(32),
      SignedCalls.form(SignedCalls.slackRejectSubmission("U0ALICE", id, "forged")));
    assertThat(unsigned.status()).isEqualTo(401);
    assertThat(unsigned.json().getString("code")).isEqualTo("SEC-070");
    assertThat(get(id).getString("status")).isEqualTo("pending");
  }

  @Test
  void discordRejectWithReasonAnswersWithAModalAndItsSubmissionRejectsAndUpdatesTheMessage() {
    String id = create("DMODAL.T");
    String customId = "hitl:reject_reason:" + id;
    Response r = SignedCalls.discord(gw.port(), KEYS.getPrivate(), now(),
      SignedCalls.discordClick(ALICE_DISCORD, customId, "42", "9001").encode());
    assertThat(r.json().getInteger("type")).isEqualTo(9);
    JsonObject data = r.json().getJsonObject("data");
    assertThat(data.getString("custom_id")).isEqualTo(customId);
    JsonObject input = data.getJsonArray("components").getJsonObject(0).getJsonArray("components").getJsonObject(0);
    assertThat(input.getInteger("type")).isEqualTo(4);
    assertThat(input.getString("custom_id")).isEqualTo("reason");
    assertThat(input.getBoolean("required")).isTrue();
    assertThat(get(id).getString("status")).isEqualTo("pending");

    Response submitted = SignedCalls.discord(gw.port(), KEYS.getPrivate(), now(),
      SignedCalls.discordModalSubmit(ALICE_DISCORD, customId, "news pending", "tok-" + UUID.randomUUID()).encode());
    assertThat(submitted.json().getInteger("type")).isEqualTo(7);
    JsonObject embed = submitted.json().getJsonObject("data").getJsonArray("embeds").getJsonObject(0);
    assertThat(embed.getString("title")).isEqualTo("❌ BUY 100 DMODAL.T — REJECTED");
    assertThat(submitted.json().getJsonObject("data").getJsonArray("components").encode())
      .as("a rejected request offers only Re-request").doesNotContain("hitl:approve").doesNotContain("hitl:reject")
      .contains("hitl:rerequest:" + id);
    JsonObject a = get(id);
    assertThat(a.getString("status")).isEqualTo("rejected");
    assertThat(a.getString("decision_reason")).isEqualTo("news pending");
    assertThat(a.getString("decision_channel")).isEqualTo("discord");
  }

  @Test
  void aDiscordModalSubmittedAfterTheRequestWasDecidedElsewhereIsRefusedPrivately() {
    String id = create("DMLATE.T");
    assertThat(gw.call("POST", "/api/v1/approvals/" + id + "/approve", bob, Map.of()).status()).isEqualTo(200);
    Response submitted = SignedCalls.discord(gw.port(), KEYS.getPrivate(), now(),
      SignedCalls.discordModalSubmit(ALICE_DISCORD, "hitl:reject_reason:" + id, "late", "tok-" + UUID.randomUUID())
        .encode());
    assertThat(submitted.json().getInteger("type")).isEqualTo(4);
    assertThat(submitted.json().getJsonObject("data").getInteger("flags")).isEqualTo(64);
    assertThat(submitted.json().getJsonObject("data").getString("content")).contains("Already decided").contains("SEC-012");
    assertThat(get(id).getString("decided_by")).isEqualTo("bob");
  }

  static List<JsonObject> buttons(Call post) {
    JsonArray blocks = post.json().getJsonArray("blocks");
    return blocks.stream().map(o -> (JsonObject) o).filter(b -> "actions".equals(b.getString("type")))
      .flatMap(b -> b.getJsonArray("elements").stream().map(o -> (JsonObject) o)).collect(Collectors.toList());
  }

  static String create(String ticker) {
    gw.quote(ticker, "2850", "2851");
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("ticker", ticker));
    assertThat(r.status()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  static JsonObject get(String id) {
    return Poll.until(() -> gw.call("GET", "/api/v1/approvals/" + id, viewer, null).json(), v -> v != null, WAIT,
      "the request");
  }

  static long now() {
    return Instant.now().getEpochSecond();
  }
}
