package io.hitl.gateway.chat;

import io.hitl.gateway.core.ChatAction;

import java.util.Map;

/** A Discord interaction: PING (type 1) or a button click (type 3, MESSAGE_COMPONENT). */
public record DiscordInteraction(int type, String customId, ChatAction action, String userId, String messageId,
    String channelId, String applicationId, String token) {

  public static final int PING = 1;
  public static final int MESSAGE_COMPONENT = 3;

  /** Parses the raw JSON body; IllegalArgumentException (SEC-010) when it is not an interaction. */
  public static DiscordInteraction parse(byte[] body) {
    Map<String, Object> p = Payloads.object(body);
    Object t = p.get("type");
    if (!(t instanceof Integer)) {
      throw new IllegalArgumentException("type: must be an interaction type number");
    }
    String customId = Payloads.text(p, "data", "custom_id");
    String user = Payloads.text(p, "member", "user", "id");
    return new DiscordInteraction(((Number) t).intValue(), customId, ChatAction.fromDiscord(customId),
      user != null ? user : Payloads.text(p, "user", "id"), Payloads.text(p, "message", "id"),
      Payloads.text(p, "channel_id"), Payloads.text(p, "application_id"), Payloads.text(p, "token"));
  }
}
