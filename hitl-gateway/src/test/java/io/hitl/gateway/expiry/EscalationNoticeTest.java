package io.hitl.gateway.expiry;

import static io.hitl.gateway.expiry.ExpiryTesting.sweep;
import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.FakeChatApi;
import io.hitl.gateway.support.FakeChatApi.Call;
import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The deadline warning, escalations and reminders reach the people the request's policy names, on every channel. */
class EscalationNoticeTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String ALICE_DISCORD = "987654321012345678";
  static final List<String> TARGETS = List.of("alice", "slack:S0RISK", "discord:role:555", "ops@example.com",
    "desk-head");
  static final FakeChatApi fake = new FakeChatApi();
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded()
    .with("SLACK_BOT_TOKEN", "xoxb-test-token")
    .with("SLACK_CHANNEL", "C0APPROVALS")
    .with("SLACK_API_BASE_URL", fake.url() + "/api")
    .with("DISCORD_BOT_TOKEN", "discord-bot-token")
    .with("DISCORD_CHANNEL_ID", "9001")
    .with("DISCORD_API_BASE_URL", fake.url() + "/discord")
    .with("HITL_CHAT_IDENTITIES", "alice=slack:U0ALICE,alice=discord:" + ALICE_DISCORD)
    .with("HITL_NOTIFY_POLL_MS", "200")
    .with("HITL_EXPIRY_SWEEP_SECONDS", "3600")
    .closeAfter(fake);
  static final String engine = gw.token("engine-1", "submitter");

  @Test
  void theWarningAndTheEscalationNameTheTargetsAndSayWhetherTheDeadlineMoved() {
    String id = create("ESCN.T", Map.of("timeout_seconds", 120, "escalate_before_seconds", 30,
      "timeout_action", "escalate", "max_escalation_level", 2, "escalation_extension_seconds", 120,
      "escalation_targets", TARGETS));
    fake.await("POST", "/api/chat.postMessage", c -> c.body().contains(id), 1, WAIT);

    gw.clock().advance(Duration.ofSeconds(91));
    sweep(gw.get());
    String warning = slackNotice(id, "Deadline warning");
    assertThat(warning).contains("times out at").contains("then it escalates").contains("The deadline has not moved.")
      .contains("Attention: <@U0ALICE>, <!subteam^S0RISK>, ops@example.com, desk-head")
      .doesNotContain("Escalated to level");
    JsonObject discordWarning = discordNotice(id, "Deadline warning");
    assertThat(discordWarning.getString("content"))
      .contains("Attention: <@" + ALICE_DISCORD + ">, <@&555>, ops@example.com, desk-head");
    assertThat(discordWarning.getJsonObject("allowed_mentions")).isEqualTo(new JsonObject()
      .put("parse", new JsonArray()).put("users", new JsonArray().add(ALICE_DISCORD))
      .put("roles", new JsonArray().add("555")));

    gw.clock().advance(Duration.ofSeconds(30));
    sweep(gw.get());
    String escalated = slackNotice(id, "Escalated to level 1");
    assertThat(escalated).contains("the deadline moved from").contains("<@U0ALICE>").contains("<!subteam^S0RISK>");
    assertThat(discordNotice(id, "Escalated to level 1").getString("content")).contains("<@&555>");
  }

  @Test
  void remindersGoToTheSameTargets() {
    String id = create("REMN.T", Map.of("timeout_seconds", 900, "reminder_interval_seconds", 60,
      "escalation_targets", TARGETS));
    fake.await("POST", "/api/chat.postMessage", c -> c.body().contains(id), 1, WAIT);
    gw.clock().advance(Duration.ofSeconds(61));
    sweep(gw.get());
    assertThat(slackNotice(id, "Reminder")).contains("Attention: <@U0ALICE>, <!subteam^S0RISK>");
    assertThat(discordNotice(id, "Reminder").getString("content")).contains("<@" + ALICE_DISCORD + ">");
  }

  static String slackNotice(String id, String marker) {
    Call c = fake.await("POST", "/api/chat.postMessage", x -> x.body().contains(id) && x.body().contains(marker), 1,
      WAIT).get(0);
    return c.json().getString("text");
  }

  static JsonObject discordNotice(String id, String marker) {
    return fake.await("POST", "/discord/channels/9001/messages",
      x -> x.body().contains(id) && x.body().contains(marker), 1, WAIT).get(0).json();
  }

  static String create(String ticker, Map<String, Object> extra) {
    gw.quote(ticker, "2850", "2851");
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine,
      TestGateway.trade().put("ticker", ticker).mergeIn(new JsonObject(extra)));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("request_id");
  }
}
