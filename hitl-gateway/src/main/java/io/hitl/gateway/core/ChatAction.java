package io.hitl.gateway.core;

import java.util.Locale;
import java.util.UUID;

/**
 * A button click: which request and which decision. Everything needed is in the button itself (Slack
 * action_id + value, Discord custom_id), so a click works on any node and after any restart (SPEC I7).
 */
public record ChatAction(String decision, UUID requestId) {
  public static final String APPROVE = "approve";
  public static final String REJECT = "reject";
  /** Not a decision yet: opens the modal asking for the reason of a rejection. */
  public static final String REJECT_WITH_REASON = "reject_reason";
  /** Slack action_ids of the Approve and Reject buttons. */
  public static final String SLACK_APPROVE = "hitl_approve";
  public static final String SLACK_REJECT = "hitl_reject";
  public static final String SLACK_REJECT_WITH_REASON = "hitl_reject_reason";
  private static final String DISCORD_PREFIX = "hitl:";

  /** hitl:approve:&lt;uuid&gt; (at most 100 characters, Discord's limit). */
  public static String discordCustomId(String decision, String requestId) {
    return DISCORD_PREFIX + decision + ":" + requestId;
  }

  /** The action of a Discord custom_id, or null for one this gateway did not make. */
  public static ChatAction fromDiscord(String customId) {
    if (customId == null || !customId.startsWith(DISCORD_PREFIX)) {
      return null;
    }
    String rest = customId.substring(DISCORD_PREFIX.length());
    int colon = rest.indexOf(':');
    if (colon < 0) {
      return null;
    }
    return of(rest.substring(0, colon), rest.substring(colon + 1));
  }

  /** The action of a Slack block action (action_id hitl_approve / hitl_reject, value = request id), or null. */
  public static ChatAction fromSlack(String actionId, String value) {
    if (SLACK_APPROVE.equals(actionId)) {
      return of(APPROVE, value);
    }
    if (SLACK_REJECT.equals(actionId)) {
      return of(REJECT, value);
    }
    if (SLACK_REJECT_WITH_REASON.equals(actionId)) {
      return of(REJECT_WITH_REASON, value);
    }
    return null;
  }

  /** True for the buttons that decide at once; false for those that open a modal first. */
  public boolean decides() {
    return APPROVE.equals(decision) || REJECT.equals(decision);
  }

  /** The action of a decision word and a request id, or null when either is not one of this gateway's. */
  public static ChatAction of(String decision, String id) {
    if (decision == null) {
      return null;
    }
    String d = decision.toLowerCase(Locale.ROOT);
    if (!(APPROVE.equals(d) || REJECT.equals(d) || REJECT_WITH_REASON.equals(d)) || id == null) {
      return null;
    }
    try {
      UUID uuid = UUID.fromString(id);
      return uuid.toString().equalsIgnoreCase(id) ? new ChatAction(d, uuid) : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
