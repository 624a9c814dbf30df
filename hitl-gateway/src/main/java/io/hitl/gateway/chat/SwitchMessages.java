package io.hitl.gateway.chat;

import io.hitl.gateway.outbox.ChatText;
import io.hitl.gateway.outbox.DiscordMessages;
import io.hitl.gateway.outbox.SlackMessages;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answers of kill-switch commands: the confirmation with its Confirm / Cancel buttons, and what the asker is told
 * afterwards. The buttons carry the confirmation's id and nothing else; what it does is kept by the gateway. All
 * texts are escaped whole (they quote the asker's value and reason), and Discord mentions are never parsed.
 */
final class SwitchMessages {
  static final String SLACK_CONFIRM = "hitl_switch_confirm";
  static final String SLACK_CANCEL = "hitl_switch_cancel";
  static final String SLACK_BLOCK = "hitl_switch";
  static final String DISCORD_CONFIRM = "hitl:switch_confirm:";
  static final String DISCORD_CANCEL = "hitl:switch_cancel:";
  private static final int SLACK_TEXT_MAX = 3000;
  private static final int DISCORD_CONTENT_MAX = 2000;

  private SwitchMessages() {
  }

  /** A command's answer as Slack shows it to the asker alone (ephemeral), with the buttons when it asks to confirm. */
  static Map<String, Object> slack(ChatSwitches.Reply r) {
    if (r.confirmation() == null) {
      return SlackMessages.ephemeral(r.text());
    }
    String text = ChatText.truncate(ChatText.slack(r.text()), SLACK_TEXT_MAX);
    String id = r.confirmation().toString();
    Map<String, Object> confirm = slackButton(SLACK_CONFIRM, "🛑 " + r.confirmLabel(), id);
    confirm.put("style", "danger");
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("response_type", "ephemeral");
    m.put("text", text);
    m.put("blocks", List.of(
      Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text", text)),
      Map.of("type", "actions", "block_id", SLACK_BLOCK, "elements", List.of(confirm,
        slackButton(SLACK_CANCEL, "Cancel", id)))));
    return m;
  }

  /** After Confirm or Cancel acted: the confirmation is replaced by the outcome; a refusal is added below it. */
  static Map<String, Object> slackOutcome(ChatSwitches.Reply r) {
    if (!r.done()) {
      return SlackMessages.ephemeral(r.text());
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("response_type", "ephemeral");
    m.put("replace_original", true);
    m.put("text", ChatText.truncate(ChatText.slack(r.text()), SLACK_TEXT_MAX));
    return m;
  }

  /** A command's answer on Discord: type 4, ephemeral, with the buttons when it asks to confirm. */
  static Map<String, Object> discord(ChatSwitches.Reply r) {
    Map<String, Object> data = discordData(r.text());
    data.put("flags", DiscordMessages.EPHEMERAL);
    if (r.confirmation() != null) {
      String id = r.confirmation().toString();
      data.put("components", List.of(Map.of("type", 1, "components", List.of(
        discordButton(4, "🛑 " + r.confirmLabel(), DISCORD_CONFIRM + id),
        discordButton(2, "Cancel", DISCORD_CANCEL + id)))));
    }
    return Map.of("type", DiscordMessages.CHANNEL_MESSAGE, "data", data);
  }

  /** After Confirm or Cancel acted: the confirmation message updated to the outcome (type 7, no buttons left). */
  static Map<String, Object> discordOutcome(ChatSwitches.Reply r) {
    if (!r.done()) {
      return discord(r);
    }
    Map<String, Object> data = discordData(r.text());
    data.put("components", List.of());
    return Map.of("type", DiscordMessages.UPDATE_MESSAGE, "data", data);
  }

  /** Type 5: the command's answer follows (Discord shows "thinking…" to the asker alone). */
  static Map<String, Object> discordDeferred() {
    return Map.of("type", DEFERRED_CHANNEL_MESSAGE, "data", Map.of("flags", DiscordMessages.EPHEMERAL));
  }

  static final int DEFERRED_CHANNEL_MESSAGE = 5;

  private static Map<String, Object> discordData(String text) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("content", ChatText.truncate(ChatText.discord(text), DISCORD_CONTENT_MAX));
    data.put("allowed_mentions", Map.of("parse", List.of()));
    return data;
  }

  private static Map<String, Object> slackButton(String actionId, String label, String value) {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("type", "button");
    b.put("action_id", actionId);
    b.put("value", value);
    b.put("text", Map.of("type", "plain_text", "text", label, "emoji", true));
    return b;
  }

  private static Map<String, Object> discordButton(int style, String label, String customId) {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("type", 2);
    b.put("style", style);
    b.put("label", label);
    b.put("custom_id", customId);
    return b;
  }
}
