package io.hitl.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.FakeChatApi;
import io.hitl.gateway.support.FakeChatApi.Call;
import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.SignedCalls;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.hitl.gateway.store.OutboxStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Without bot tokens: a Slack incoming webhook (edits go through a click's response_url, otherwise a status
 * line is posted) and a Discord webhook (posted with ?wait=true, edited by message id). Also notices that
 * belong to no request, such as a Guardian lock.
 */
class WebhookModesTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String SECRET = "slack-signing-secret-for-tests";
  static final String SLACK_HOOK = "/slack/webhook/T0/B0/secretpart";
  static final String DISCORD_HOOK = "/discord/webhooks/123/hooktoken";
  static final FakeChatApi fake = new FakeChatApi();
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded()
    .with("SLACK_WEBHOOK_URL", fake.url() + SLACK_HOOK)
    .with("SLACK_SIGNING_SECRET", SECRET)
    .with("DISCORD_WEBHOOK_URL", fake.url() + DISCORD_HOOK)
    .with("HITL_CHAT_IDENTITIES", "alice=slack:U0ALICE")
    .with("HITL_NOTIFY_POLL_MS", "200")
    .closeAfter(fake);
  static final String engine = gw.token("engine-1", "submitter");
  static final String alice = gw.token("alice", "approver");

  @Test
  void slackWebhookPostsTheCardAndAClickLetsTheNotifierReplaceItThroughResponseUrl() {
    String id = create("WHS.T");
    Call post = fake.await("POST", SLACK_HOOK, c -> c.body().contains(id), 1, WAIT).get(0);
    assertThat(post.header("Authorization")).isNull();
    assertThat(post.json().containsKey("channel")).isFalse();
    JsonArray blocks = post.json().getJsonArray("blocks");
    JsonArray buttons = SlackNotifyTest.actions(blocks).getJsonArray("elements");
    String responseUrl = fake.url() + "/slack/response/whs";
    String body = SignedCalls.form(SignedCalls.slackClick("U0ALICE", buttons.getJsonObject(0).getString("action_id"),
      buttons.getJsonObject(0).getString("value"), responseUrl, "C0FROMCLICK", "1700000000.999999"));
    assertThat(SignedCalls.slack(gw.port(), SECRET, Instant.now().getEpochSecond(), body).status()).isEqualTo(200);

    Call replace = fake.await("POST", "/slack/response/whs", c -> true, 1, WAIT).get(0);
    assertThat(replace.json().getBoolean("replace_original")).isTrue();
    assertThat(replace.json().getJsonArray("blocks").getJsonObject(0).getJsonObject("text").getString("text"))
      .isEqualTo("✅ BUY 100 WHS.T — APPROVED");
    assertThat(SlackNotifyTest.actions(replace.json().getJsonArray("blocks"))).isNull();
  }

  @Test
  void slackWebhookWithoutAClickGetsAStatusLineWhenDecidedElsewhere() {
    String id = create("WHL.T");
    fake.await("POST", SLACK_HOOK, c -> c.body().contains(id), 1, WAIT);
    awaitSent(id, "slack", "created");
    assertThat(gw.call("POST", "/api/v1/approvals/" + id + "/reject", alice, Map.of("reason", "size")).status())
      .isEqualTo(200);
    Call line = fake.await("POST", SLACK_HOOK, c -> c.body().contains(id) && !c.body().contains("blocks"), 1, WAIT).get(0);
    assertThat(line.json().getString("text")).isEqualTo("❌ BUY 100 WHL.T (" + id + "): Rejected by alice via API");
  }

  @Test
  void discordWebhookPostsWithWaitAndEditsTheSameMessage() {
    String id = create("WHD.T");
    Call post = fake.await("POST", DISCORD_HOOK, c -> c.body().contains(id), 1, WAIT).get(0);
    assertThat(post.query()).isEqualTo("wait=true");
    assertThat(post.header("Authorization")).isNull();
    awaitSent(id, "discord", "created");
    String messageId = storedRef(id);
    assertThat(gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of()).status()).isEqualTo(200);
    Call edit = fake.await("PATCH", DISCORD_HOOK + "/messages/" + messageId, c -> true, 1, WAIT).get(0);
    assertThat(edit.json().getJsonArray("components")).isEmpty();
    assertThat(edit.json().getJsonArray("embeds").getJsonObject(0).getString("title")).isEqualTo("✅ BUY 100 WHD.T — APPROVED");
  }

  @Test
  void noticesAboutNoRequestGoToEveryChatChannel() throws Exception {
    JobPlan plan = new JobPlan(List.of("slack", "discord"), List.of());
    List<OutboxStore.Job> jobs = plan.notices("guardian.locked", null, Instant.now().toString(),
      Map.of("reason", "daily drawdown limit"));
    try (Connection c = TestDb.jdbc(gw.dbUrl()); PreparedStatement s = c.prepareStatement(
        "INSERT INTO outbox (approval_id, channel, kind, payload, status, attempts, next_attempt_at, created_at, "
          + "updated_at) VALUES (NULL, ?, ?, ?::jsonb, 'pending', 0, now(), now(), now())")) {
      for (OutboxStore.Job j : jobs) {
        s.setString(1, j.channel());
        s.setString(2, j.kind());
        s.setString(3, new JsonObject(j.payload()).encode());
        s.executeUpdate();
      }
    }
    gw.gateway().vertx().eventBus().publish(io.hitl.gateway.bus.Addresses.NOTIFY_WAKE, new JsonObject());
    Call slack = fake.await("POST", SLACK_HOOK, c -> c.body().contains("Guardian LOCKED"), 1, WAIT).get(0);
    assertThat(slack.json().getString("text")).startsWith("🔒 Guardian LOCKED: daily drawdown limit.");
    Call discord = fake.await("POST", DISCORD_HOOK, c -> c.body().contains("Guardian LOCKED"), 1, WAIT).get(0);
    assertThat(discord.json().getString("content")).startsWith("🔒 Guardian LOCKED: daily drawdown limit.");
  }

  static String create(String ticker) {
    gw.quote(ticker, "2850", "2851");
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("ticker", ticker));
    assertThat(r.status()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  static void awaitSent(String id, String channel, String kind) {
    String viewer = gw.token("vic", "viewer");
    Poll.until(() -> gw.call("GET", "/api/v1/notifications?approval_id=" + id + "&channel=" + channel, viewer, null)
      .json().getJsonArray("items"), items -> items.stream().map(o -> (JsonObject) o)
      .anyMatch(j -> kind.equals(j.getString("kind")) && "sent".equals(j.getString("status"))), WAIT,
      kind + " on " + channel + " to be sent");
  }

  static String storedRef(String id) {
    try (var c = TestDb.jdbc(gw.dbUrl()); var s = c.prepareStatement(
        "SELECT message_ref FROM chat_messages WHERE approval_id = ?::uuid AND channel = 'discord'")) {
      s.setString(1, id);
      try (var rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
