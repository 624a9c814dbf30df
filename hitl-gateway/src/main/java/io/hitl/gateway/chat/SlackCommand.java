package io.hitl.gateway.chat;

import java.util.Map;
import java.util.Set;

/**
 * A Slack slash command: the form Slack posts when a user types `/hitl-switch …` (`command`, `text`, `user_id`,
 * `team_id`, `channel_id`, `response_url`, `trigger_id`, …). Fields this gateway reads may appear once each.
 */
public record SlackCommand(String command, String text, String userId, String teamId, String channelId,
    String responseUrl) {

  private static final Set<String> READ = Set.of("command", "text", "user_id", "team_id", "channel_id",
    "response_url");

  /** Parses the raw form body; IllegalArgumentException (SEC-010) when it is not a slash command. */
  public static SlackCommand parse(byte[] formBody) {
    Map<String, String> f = SlackInteraction.formFields(formBody, READ);
    if (f.get("command") == null || f.get("user_id") == null) {
      throw new IllegalArgumentException("command: a slash command needs its command and user_id");
    }
    return new SlackCommand(f.get("command"), f.getOrDefault("text", ""), f.get("user_id"), f.get("team_id"),
      f.get("channel_id"), f.get("response_url"));
  }
}
