package io.hitl.gateway.chat;

import io.hitl.gateway.core.ChatAction;
import io.hitl.gateway.outbox.DiscordMessages;
import java.util.List;
import java.util.Map;

/**
 * A Discord interaction: PING (type 1), an application command (type 2: its name, subcommand and the subcommand's
 * options as text), a button click (type 3, MESSAGE_COMPONENT) or a modal submission (type 5).
 */
public record DiscordInteraction(int type, String customId, ChatAction action, String userId, String messageId,
    String channelId, String applicationId, String token, String reason, Map<String, String> inputs,
    String commandName, String subcommand, Map<String, String> options) {

  public static final int PING = 1;
  public static final int APPLICATION_COMMAND = 2;
  public static final int MESSAGE_COMPONENT = 3;
  public static final int MODAL_SUBMIT = 5;

  /** Parses the raw JSON body; IllegalArgumentException (SEC-010) when it is not an interaction. */
  public static DiscordInteraction parse(byte[] body) {
    Map<String, Object> p = Payloads.object(body);
    Object t = p.get("type");
    if (!(t instanceof Integer)) {
      throw new IllegalArgumentException("type: must be an interaction type number");
    }
    String customId = Payloads.text(p, "data", "custom_id");
    String user = Payloads.text(p, "member", "user", "id");
    int type = ((Number) t).intValue();
    ChatAction action = ChatAction.fromDiscord(customId);
    String reason = null;
    // the reject modal comes back with the button's custom_id; submitting it is the rejection itself
    if (type == MODAL_SUBMIT && action != null && ChatAction.REJECT_WITH_REASON.equals(action.decision())) {
      action = new ChatAction(ChatAction.REJECT, action.requestId());
      reason = input(Payloads.at(p, "data", "components"), DiscordMessages.REASON);
    }
    Map<String, String> inputs = type == MODAL_SUBMIT ? inputs(Payloads.at(p, "data", "components")) : Map.of();
    String commandName = type == APPLICATION_COMMAND ? Payloads.text(p, "data", "name") : null;
    String subcommand = null;
    Map<String, String> options = Map.of();
    if (type == APPLICATION_COMMAND) {
      // a subcommand is the one option of type 1, carrying its own options
      @SuppressWarnings("unchecked")
      Map<String, Object> sub = Payloads.at(p, "data") instanceof Map
        ? Payloads.firstOf((Map<String, Object>) Payloads.at(p, "data"), "options") : null;
      if (sub != null && Integer.valueOf(SUB_COMMAND).equals(sub.get("type"))) {
        subcommand = Payloads.text(sub, "name");
        options = options(sub.get("options"));
      }
    }
    return new DiscordInteraction(type, customId, action,
      user != null ? user : Payloads.text(p, "user", "id"), Payloads.text(p, "message", "id"),
      Payloads.text(p, "channel_id"), Payloads.text(p, "application_id"), Payloads.text(p, "token"), reason, inputs,
      commandName, subcommand, options);
  }

  /** Option type of a subcommand. */
  static final int SUB_COMMAND = 1;

  /** A subcommand's options by name: strings as they are, numbers and booleans as their text. */
  @SuppressWarnings("unchecked")
  private static Map<String, String> options(Object list) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    if (!(list instanceof List)) {
      return out;
    }
    for (Object o : (List<Object>) list) {
      if (!(o instanceof Map)) {
        continue;
      }
      Map<String, Object> opt = (Map<String, Object>) o;
      Object v = opt.get("value");
      if (opt.get("name") instanceof String && (v instanceof String || v instanceof Number || v instanceof Boolean)
          && out.put((String) opt.get("name"), String.valueOf(v)) != null) {
        throw new IllegalArgumentException("data.options: option " + opt.get("name") + " is given more than once");
      }
    }
    return out;
  }

  /** Every text input of a modal's action rows, by custom_id. */
  @SuppressWarnings("unchecked")
  private static Map<String, String> inputs(Object rows) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    if (!(rows instanceof List)) {
      return out;
    }
    for (Object row : (List<Object>) rows) {
      Object inputs = row instanceof Map ? ((Map<String, Object>) row).get("components") : null;
      if (!(inputs instanceof List)) {
        continue;
      }
      for (Object in : (List<Object>) inputs) {
        if (in instanceof Map && ((Map<String, Object>) in).get("custom_id") instanceof String) {
          String v = Payloads.text((Map<String, Object>) in, "value");
          if (v != null) {
            out.put((String) ((Map<String, Object>) in).get("custom_id"), v);
          }
        }
      }
    }
    return out;
  }

  /** The value of the text input {@code customId} in a modal's action rows, or null. */
  @SuppressWarnings("unchecked")
  private static String input(Object rows, String customId) {
    if (!(rows instanceof List)) {
      return null;
    }
    for (Object row : (List<Object>) rows) {
      Object inputs = row instanceof Map ? ((Map<String, Object>) row).get("components") : null;
      if (!(inputs instanceof List)) {
        continue;
      }
      for (Object in : (List<Object>) inputs) {
        if (in instanceof Map && customId.equals(((Map<String, Object>) in).get("custom_id"))) {
          return Payloads.text((Map<String, Object>) in, "value");
        }
      }
    }
    return null;
  }
}
