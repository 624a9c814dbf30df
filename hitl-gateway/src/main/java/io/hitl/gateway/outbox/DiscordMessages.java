package io.hitl.gateway.outbox;

import io.hitl.gateway.core.ChatAction;
import io.hitl.gateway.core.EscalationTargets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Discord messages for one request: an embed with the request and trade facts and, while pending, an action
 * row with Approve (success) and Reject (danger) buttons whose custom_id names the request and the action, plus
 * the one-time console link. Decided requests show the outcome and who decided, with no components. Mentions
 * are never parsed, so request text cannot ping anyone.
 */
public final class DiscordMessages {
  public static final int PENDING_COLOR = 0xF5A623;
  public static final int APPROVED_COLOR = 0x2ECC71;
  public static final int REJECTED_COLOR = 0xE74C3C;
  public static final int CLOSED_COLOR = 0x95A5A6;
  /** Interaction response types. */
  public static final int PONG = 1;
  public static final int CHANNEL_MESSAGE = 4;
  public static final int DEFERRED_UPDATE_MESSAGE = 6;
  public static final int UPDATE_MESSAGE = 7;
  public static final int MODAL = 9;
  public static final int EPHEMERAL = 64;
  /** custom_id of the reason input in the reject modal. */
  public static final String REASON = "reason";
  private static final int TITLE_MAX = 256;
  private static final int DESCRIPTION_MAX = 4096;
  private static final int FIELD_VALUE_MAX = 1024;
  private static final int CONTENT_MAX = 2000;
  private static final int LABEL_MAX = 80;
  private static final int MODAL_LABEL_MAX = 45;
  private static final int BUTTONS_PER_ROW = 5;
  private static final int MAX_ROWS = 5;

  private DiscordMessages() {
  }

  /** Body of POST /channels/{id}/messages, of a webhook post, and of the PATCH that edits it. */
  public static Map<String, Object> message(MessageFacts f, String link) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("embeds", List.of(embed(f)));
    m.put("components", components(f, link));
    m.put("allowed_mentions", noMentions());
    return m;
  }

  /** While pending: the decision row, then rows of acknowledgement buttons; once rejected or expired: Re-request. */
  private static List<Object> components(MessageFacts f, String link) {
    List<Object> rows = new ArrayList<>();
    if (f.pending()) {
      rows.add(actionRow(f, link));
      List<Object> acks = new ArrayList<>();
      for (int i = 0; i < f.personas().size(); i++) {
        if (!f.acknowledged().containsKey(f.personas().get(i))) {
          acks.add(button(2, ChatText.truncate("Acknowledge as " + f.personas().get(i), LABEL_MAX), "☑️",
            ChatAction.discordAcknowledgeId(f.requestId(), i)));
        }
      }
      for (int i = 0; i < acks.size() && rows.size() < MAX_ROWS; i += BUTTONS_PER_ROW) {
        rows.add(Map.of("type", 1, "components", acks.subList(i, Math.min(acks.size(), i + BUTTONS_PER_ROW))));
      }
    } else if (f.reRequestable()) {
      rows.add(Map.of("type", 1, "components", List.of(button(1, "Re-request", "🔁",
        ChatAction.discordCustomId(ChatAction.RE_REQUEST, f.requestId())))));
    }
    return rows;
  }

  /** Interaction answer type 7: the clicked message replaced by its decided form. */
  public static Map<String, Object> updateResponse(MessageFacts f) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("embeds", List.of(embed(f)));
    data.put("components", components(f, null));
    data.put("allowed_mentions", noMentions());
    return Map.of("type", UPDATE_MESSAGE, "data", data);
  }

  /** Interaction answer type 4 with the ephemeral flag: only the clicker sees it. */
  public static Map<String, Object> ephemeral(String text) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("content", ChatText.truncate(text, CONTENT_MAX));
    data.put("flags", EPHEMERAL);
    data.put("allowed_mentions", noMentions());
    return Map.of("type", CHANNEL_MESSAGE, "data", data);
  }

  /**
   * Interaction answer type 9: the modal asking for a rejection's reason. Its custom_id is the button's, so
   * the submission (interaction type 5) says which request it is about.
   */
  public static Map<String, Object> rejectModal(String requestId) {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("type", 4);
    input.put("custom_id", REASON);
    input.put("style", 2);
    input.put("label", "Why is it rejected?");
    input.put("min_length", 1);
    input.put("max_length", SlackMessages.REASON_MAX);
    input.put("required", true);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("custom_id", ChatAction.discordCustomId(ChatAction.REJECT_WITH_REASON, requestId));
    data.put("title", "Reject request");
    data.put("components", List.of(Map.of("type", 1, "components", List.of(input))));
    return Map.of("type", MODAL, "data", data);
  }

  /**
   * Interaction answer type 9: the form of "Approve with changes…", one text input per editable key (Discord
   * allows five) with the current value filled in and type, bounds and direction as its placeholder. Its
   * custom_id is the button's, so the submission (type 5) says which request it is about.
   */
  public static Map<String, Object> editModal(EditForm form) {
    List<Object> rows = new ArrayList<>();
    for (EditForm.Input in : form.inputs()) {
      if (rows.size() == MAX_ROWS) {
        break;
      }
      Map<String, Object> input = new LinkedHashMap<>();
      input.put("type", 4);
      input.put("custom_id", in.key());
      input.put("style", 1);
      input.put("label", ChatText.truncate(in.key(), MODAL_LABEL_MAX));
      input.put("required", false);
      if (in.current() != null) {
        input.put("value", ChatText.truncate(in.current(), 4000));
      }
      input.put("placeholder", ChatText.truncate(in.hint(), 100));
      rows.add(Map.of("type", 1, "components", List.of(input)));
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("custom_id", ChatAction.discordCustomId(ChatAction.APPROVE_WITH_EDITS, form.requestId()));
    data.put("title", "Approve with changes");
    data.put("components", rows);
    return Map.of("type", MODAL, "data", data);
  }

  public static Map<String, Object> pong() {
    return Map.of("type", PONG);
  }

  public static Map<String, Object> deferredUpdate() {
    return Map.of("type", DEFERRED_UPDATE_MESSAGE);
  }

  /** A plain message, as a reply to the request's message when its id is known. */
  public static Map<String, Object> notice(String text, String replyToMessageId) {
    return notice(text, replyToMessageId, null);
  }

  /**
   * A notice naming the people it is for: allowed_mentions lets exactly the resolved users and roles be
   * pinged, nothing parsed from the text; other names are plain.
   */
  public static Map<String, Object> notice(String text, String replyToMessageId, EscalationTargets targets) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (targets == null || targets.isEmpty()) {
      m.put("content", ChatText.truncate(text, CONTENT_MAX));
      m.put("allowed_mentions", noMentions());
    } else {
      List<String> who = new ArrayList<>(targets.discordMentions());
      targets.plain().forEach(n -> who.add(ChatText.discord(n)));
      String attention = ChatText.truncate(" Attention: " + String.join(", ", who), CONTENT_MAX / 2);
      m.put("content", ChatText.truncate(text, CONTENT_MAX - attention.length()) + attention);
      Map<String, Object> allowed = new LinkedHashMap<>();
      allowed.put("parse", List.of());
      allowed.put("users", targets.discordUsers());
      allowed.put("roles", targets.discordRoles());
      m.put("allowed_mentions", allowed);
    }
    if (replyToMessageId != null) {
      m.put("message_reference", Map.of("message_id", replyToMessageId, "fail_if_not_exists", false));
    }
    return m;
  }

  private static Map<String, Object> embed(MessageFacts f) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("title", ChatText.truncate(f.headline(), TITLE_MAX));
    e.put("color", color(f));
    StringBuilder d = new StringBuilder();
    if (f.pending()) {
      if (f.reason() != null) {
        d.append("**Reason**: ").append(ChatText.discord(f.reason()));
      }
      if (f.description() != null) {
        d.append(d.length() > 0 ? "\n\n" : "").append(ChatText.discord(f.description()));
      }
      if (!f.personas().isEmpty()) {
        d.append(d.length() > 0 ? "\n\n" : "").append("**Acknowledgements**\n")
          .append(ChatText.discord(String.join("\n", f.checklist())));
      }
    } else {
      d.append("**").append(ChatText.discord(f.outcomeLine())).append("**");
      if (f.decisionReason() != null && !"expired".equals(f.status())) {
        d.append("\nReason: ").append(ChatText.discord(f.decisionReason()));
      }
      if (f.decisionComment() != null) {
        d.append("\nComment: ").append(ChatText.discord(f.decisionComment()));
      }
      if (!f.diffLines().isEmpty()) {
        d.append("\nChanged: ").append(ChatText.discord(String.join("; ", f.diffLines())));
      }
    }
    if (d.length() > 0) {
      e.put("description", ChatText.truncate(d.toString(), DESCRIPTION_MAX));
    }
    List<Object> fields = new ArrayList<>();
    if (f.pending()) {
      for (MessageFacts.Field x : f.requestFields()) {
        fields.add(field(x, !x.code()));
      }
      for (MessageFacts.Field x : f.detailFields()) {
        fields.add(field(x, true));
      }
      for (MessageFacts.Field x : f.marketFields()) {
        fields.add(field(x, true));
      }
    } else {
      fields.add(field(MessageFacts.Field.text("Status", f.statusLabel()), true));
      fields.add(field(new MessageFacts.Field("Request ID", f.requestId(), null, true), false));
      fields.add(field(MessageFacts.Field.text("Processed by", "expired".equals(f.status()) ? "system (timeout)"
        : (f.decidedBy() == null ? "unknown" : f.decidedBy())
          + (f.decisionChannel() == null ? "" : " (" + ChatText.channel(f.decisionChannel()) + ")")), true));
      if (f.decidedAt() != null) {
        fields.add(field(new MessageFacts.Field("Decided at", ChatText.utc(f.decidedAt()), f.decidedAt(), false), true));
      }
    }
    e.put("fields", fields);
    e.put("footer", Map.of("text", "HITL Gateway · " + f.typeLabel()));
    return e;
  }

  private static Map<String, Object> field(MessageFacts.Field f, boolean inline) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", f.label());
    String v;
    if (f.at() != null) {
      long s = f.at().getEpochSecond();
      v = "<t:" + s + ":f> (<t:" + s + ":R>)";
    } else if (f.code()) {
      v = "`" + (f.text() == null ? "" : f.text().replace("`", "'")) + "`";
    } else {
      v = f.text() == null || f.text().isEmpty() ? "-" : ChatText.discord(f.text());
    }
    m.put("value", ChatText.truncate(v, FIELD_VALUE_MAX));
    m.put("inline", inline);
    return m;
  }

  private static Map<String, Object> actionRow(MessageFacts f, String link) {
    List<Object> buttons = new ArrayList<>();
    buttons.add(button(3, ChatText.truncate(f.approveLabel(), LABEL_MAX), f.missingPersonas().isEmpty() ? "✅" : "⏳",
      ChatAction.discordCustomId(ChatAction.APPROVE, f.requestId())));
    buttons.add(button(4, "Reject", "❌", ChatAction.discordCustomId(ChatAction.REJECT, f.requestId())));
    if (link != null) {
      Map<String, Object> open = new LinkedHashMap<>();
      open.put("type", 2);
      open.put("style", 5);
      open.put("label", "Open in console");
      open.put("url", link);
      buttons.add(open);
    }
    buttons.add(button(2, "Reject with reason…", "📝",
      ChatAction.discordCustomId(ChatAction.REJECT_WITH_REASON, f.requestId())));
    if (f.editable()) {
      buttons.add(button(2, "Approve with changes…", "✏️",
        ChatAction.discordCustomId(ChatAction.APPROVE_WITH_EDITS, f.requestId())));
    }
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("type", 1);
    row.put("components", buttons);
    return row;
  }

  private static Map<String, Object> button(int style, String label, String emoji, String customId) {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("type", 2);
    b.put("style", style);
    b.put("label", label);
    b.put("emoji", Map.of("name", emoji));
    b.put("custom_id", customId);
    return b;
  }

  private static int color(MessageFacts f) {
    switch (f.status() == null ? "" : f.status()) {
      case "approved":
        return APPROVED_COLOR;
      case "rejected":
        return REJECTED_COLOR;
      case "pending":
        return PENDING_COLOR;
      default:
        return CLOSED_COLOR;
    }
  }

  private static Map<String, Object> noMentions() {
    return Map.of("parse", List.of());
  }
}
