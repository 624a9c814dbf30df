package io.hitl.gateway.core;

import java.util.Locale;
import java.util.UUID;

/**
 * A button click: which request and which decision. Everything needed is in the button itself (Slack
 * action_id + value, Discord custom_id), so a click works on any node and after any restart (SPEC I7).
 */
public record ChatAction(String decision, UUID requestId, int slot) {
  public static final String APPROVE = "approve";
  public static final String REJECT = "reject";
  /** Not a decision yet: opens the modal asking for the reason of a rejection. */
  public static final String REJECT_WITH_REASON = "reject_reason";
  /** Slack action_ids of the Approve and Reject buttons. */
  public static final String SLACK_APPROVE = "hitl_approve";
  public static final String SLACK_REJECT = "hitl_reject";
  public static final String SLACK_REJECT_WITH_REASON = "hitl_reject_reason";
  /** Not a decision yet: opens the form of the edits the request's policy allows. */
  public static final String APPROVE_WITH_EDITS = "approve_edits";
  /** Ticks one persona's acknowledgement box; {@code slot} is the persona's place in the request's policy. */
  public static final String ACKNOWLEDGE = "ack";
  /** Asks a rejected or expired request again. */
  public static final String RE_REQUEST = "rerequest";
  public static final String SLACK_APPROVE_WITH_EDITS = "hitl_approve_edits";
  /** Slack action_ids of acknowledgement buttons: this prefix and the persona's slot (unique within the block). */
  public static final String SLACK_ACKNOWLEDGE = "hitl_ack_";
  public static final String SLACK_RE_REQUEST = "hitl_rerequest";
  /** More personas than a policy may name; a slot beyond it is no button of this gateway's. */
  private static final int MAX_SLOT = 100;
  private static final String DISCORD_PREFIX = "hitl:";

  public ChatAction(String decision, UUID requestId) {
    this(decision, requestId, -1);
  }

  /** hitl:approve:&lt;uuid&gt; (at most 100 characters, Discord's limit). */
  public static String discordCustomId(String decision, String requestId) {
    return DISCORD_PREFIX + decision + ":" + requestId;
  }

  /** hitl:ack:&lt;uuid&gt;:&lt;slot&gt;: persona names may be long, their place in the policy is short. */
  public static String discordAcknowledgeId(String requestId, int slot) {
    return DISCORD_PREFIX + ACKNOWLEDGE + ":" + requestId + ":" + slot;
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
    String decision = rest.substring(0, colon);
    String id = rest.substring(colon + 1);
    if (ACKNOWLEDGE.equals(decision)) {
      int last = id.lastIndexOf(':');
      return last < 0 ? null : acknowledge(id.substring(0, last), id.substring(last + 1));
    }
    return of(decision, id);
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
    if (SLACK_APPROVE_WITH_EDITS.equals(actionId)) {
      return of(APPROVE_WITH_EDITS, value);
    }
    if (SLACK_RE_REQUEST.equals(actionId)) {
      return of(RE_REQUEST, value);
    }
    if (actionId != null && actionId.startsWith(SLACK_ACKNOWLEDGE)) {
      return acknowledge(value, actionId.substring(SLACK_ACKNOWLEDGE.length()));
    }
    return null;
  }

  /** The acknowledgement of the persona in {@code slot} (0-99, digits only) of request {@code id}, or null. */
  private static ChatAction acknowledge(String id, String slot) {
    if (slot == null || !slot.matches("[0-9]{1,2}")) {
      return null;
    }
    ChatAction a = of(APPROVE, id);
    int n = Integer.parseInt(slot);
    return a == null || n >= MAX_SLOT ? null : new ChatAction(ACKNOWLEDGE, a.requestId(), n);
  }

  /** True for the buttons that decide at once; false for those that open a modal first or do something else. */
  public boolean decides() {
    return APPROVE.equals(decision) || REJECT.equals(decision);
  }

  /** The action of a decision word and a request id, or null when either is not one of this gateway's. */
  public static ChatAction of(String decision, String id) {
    if (decision == null) {
      return null;
    }
    String d = decision.toLowerCase(Locale.ROOT);
    if (!(APPROVE.equals(d) || REJECT.equals(d) || REJECT_WITH_REASON.equals(d) || APPROVE_WITH_EDITS.equals(d)
        || RE_REQUEST.equals(d)) || id == null) {
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
