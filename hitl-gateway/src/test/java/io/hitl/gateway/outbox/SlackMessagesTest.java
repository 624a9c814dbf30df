package io.hitl.gateway.outbox;

import static io.hitl.gateway.outbox.Views.list;
import static io.hitl.gateway.outbox.Views.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SlackMessagesTest {
  @Test
  void pendingTradeShowsTheSeedLayoutWithConfirmedApproveAndRejectButtons() {
    Map<String, Object> m = SlackMessages.message(MessageFacts.of(Views.pendingTrade()), "https://hitl.example.com/approve/tok");
    List<Map<String, Object>> blocks = list(m.get("blocks"));
    assertThat(m.get("text")).isEqualTo("Approval required: BUY 100 7203.T (" + Views.ID + ")");
    assertThat(map(blocks.get(0).get("text")).get("text")).isEqualTo("🔔 Approval Required: BUY 100 7203.T");
    assertThat(fields(blocks)).containsExactly(
      "*Request ID*\n`" + Views.ID + "`",
      "*Type*\nTrade Execution",
      "*Expires*\n<!date^1768653000^{date_short_pretty} {time_secs}|2026-01-17 12:30:00 UTC>",
      "*Requested by*\nengine-1",
      "*Ticker*\n7203.T",
      "*Action*\nBUY",
      "*Quantity*\n100",
      "*Price*\n2850.5",
      "*Confidence*\n85.0%",
      "*Risk Level*\nMedium",
      "*Strategy*\nmomentum");
    assertThat(texts(blocks)).contains("*Reason*\nStrong momentum signal detected with 85% confidence");

    Map<String, Object> actions = blocks.get(blocks.size() - 1);
    assertThat(actions.get("type")).isEqualTo("actions");
    assertThat(actions.get("block_id")).isEqualTo(SlackMessages.ACTIONS_BLOCK);
    List<Map<String, Object>> buttons = list(actions.get("elements"));
    assertThat(buttons.get(0)).containsEntry("action_id", "hitl_approve").containsEntry("style", "primary")
      .containsEntry("value", Views.ID);
    assertThat(map(buttons.get(0).get("confirm")).get("confirm")).isEqualTo(Map.of("type", "plain_text", "text", "Approve"));
    assertThat(buttons.get(1)).containsEntry("action_id", "hitl_reject").containsEntry("style", "danger")
      .containsEntry("value", Views.ID);
    assertThat(map(buttons.get(1).get("confirm")).get("style")).isEqualTo("danger");
    assertThat(buttons.get(2)).containsEntry("action_id", "hitl_open").containsEntry("url", "https://hitl.example.com/approve/tok");
  }

  @Test
  void decidedRequestShowsTheOutcomeAndWhoDecidedWithNoButtons() {
    Map<String, Object> m = SlackMessages.message(MessageFacts.of(Views.decided("approved", "alice", "slack", null)), null);
    List<Map<String, Object>> blocks = list(m.get("blocks"));
    assertThat(map(blocks.get(0).get("text")).get("text")).isEqualTo("✅ BUY 100 7203.T — APPROVED");
    assertThat(blocks).noneMatch(b -> "actions".equals(b.get("type")));
    assertThat(fields(blocks)).contains("*Status*\nApproved", "*Processed by*\nalice (Slack)");
    assertThat(texts(blocks)).contains("Approved by alice via Slack");
    assertThat((String) m.get("text")).contains("Approved by alice via Slack");
  }

  @Test
  void rejectedWithReasonAndExpiredReadDifferently() {
    List<Map<String, Object>> rejected = list(SlackMessages.message(
      MessageFacts.of(Views.decided("rejected", "bob", "discord", "too risky")), null).get("blocks"));
    assertThat(texts(rejected)).contains("Rejected by bob via Discord\n*Reason:* too risky");
    List<Map<String, Object>> expired = list(SlackMessages.message(
      MessageFacts.of(Views.decided("expired", "system", "system", "HITL_TIMEOUT")), null).get("blocks"));
    assertThat(map(expired.get(0).get("text")).get("text")).isEqualTo("⌛ BUY 100 7203.T — EXPIRED");
    assertThat(texts(expired)).contains("No decision before 2026-01-17 12:30:00 UTC (HITL_TIMEOUT)");
    assertThat(fields(expired)).contains("*Processed by*\nsystem (timeout)");
  }

  @Test
  void userTextCannotMentionChannelsOrInjectLinks() {
    Map<String, Object> v = Views.pendingTrade();
    Views.map(v.get("context")).put("reason", "<!channel> see <https://evil.example|here> & more");
    String json = new JsonObject(SlackMessages.message(MessageFacts.of(v), null)).encode();
    assertThat(json).doesNotContain("<!channel>").doesNotContain("<https://evil")
      .contains("&lt;!channel&gt; see &lt;https://evil.example|here&gt; &amp; more");
  }

  @Test
  void longTitlesAreCutToSlacksHeaderLimit() {
    Map<String, Object> v = Views.pendingTrade();
    v.put("title", "T".repeat(200));
    String header = (String) map(list(SlackMessages.message(MessageFacts.of(v), null).get("blocks")).get(0).get("text"))
      .get("text");
    assertThat(header).hasSize(150).endsWith("…");
  }

  private static List<String> fields(List<Map<String, Object>> blocks) {
    return blocks.stream().filter(b -> b.get("fields") != null)
      .flatMap(b -> list(b.get("fields")).stream().map(f -> (String) f.get("text"))).collect(Collectors.toList());
  }

  private static List<String> texts(List<Map<String, Object>> blocks) {
    return blocks.stream().filter(b -> b.get("text") instanceof Map && "section".equals(b.get("type")))
      .map(b -> (String) map(b.get("text")).get("text")).collect(Collectors.toList());
  }
}
