package io.hitl.gateway.outbox;

import io.hitl.gateway.core.ChatAction;
import io.hitl.gateway.core.EscalationTargets;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Block Kit for one request: header, request facts, trade facts, reason, description, and while pending an
 * actions block with Approve (primary) and Reject (danger) buttons, each behind a confirm dialog, plus the
 * one-time console link. Decided requests show the outcome and who decided, without buttons.
 */
public final class SlackMessages {
  public static final String APPROVE = ChatAction.SLACK_APPROVE;
  public static final String REJECT = ChatAction.SLACK_REJECT;
  public static final String REJECT_WITH_REASON = ChatAction.SLACK_REJECT_WITH_REASON;
  public static final String OPEN = "hitl_open";
  /** callback_id of the modal asking for a rejection's reason; its private_metadata is the request id. */
  public static final String REJECT_MODAL = "hitl_reject_modal";
  /** block_id and action_id of the reason input in that modal. */
  public static final String REASON = "reason";
  public static final int REASON_MAX = 2000;
  public static final String ACTIONS_BLOCK = "hitl_decision";
  /** callback_id of the edit modal (private_metadata: the request id) and of its review (the id and the edits). */
  public static final String EDIT_MODAL = "hitl_edit_modal";
  public static final String EDIT_REVIEW = "hitl_edit_review";
  /** action_id of every edit input; its block_id names the key. */
  public static final String EDIT_VALUE = "value";
  public static final String EDIT_BLOCK_PREFIX = "edit:";
  /** block_id and action_id of the review's comment input. */
  public static final String COMMENT = "comment";
  /** Slack's limit on private_metadata. */
  public static final int METADATA_MAX = 3000;
  private static final int ERROR_MAX = 150;
  public static final String APPROVE_WITH_EDITS = ChatAction.SLACK_APPROVE_WITH_EDITS;
  public static final String RE_REQUEST = ChatAction.SLACK_RE_REQUEST;
  /** block_id of the persona acknowledgement buttons. */
  public static final String ACK_BLOCK = "hitl_ack";
  private static final int BUTTON_TEXT_MAX = 75;
  private static final int BUTTONS_PER_BLOCK = 25;
  private static final int HEADER_MAX = 150;
  private static final int FIELD_MAX = 2000;
  private static final int SECTION_MAX = 3000;
  private static final int FIELDS_PER_SECTION = 10;

  private SlackMessages() {
  }

  /** {text, blocks}: the body of chat.postMessage / chat.update / an incoming webhook, minus channel and ts. */
  public static Map<String, Object> message(MessageFacts f, String link) {
    List<Object> blocks = new ArrayList<>();
    blocks.add(header(f.headline()));
    if (f.pending()) {
      addFields(blocks, f.requestFields());
      addFields(blocks, f.detailFields());
      addFields(blocks, f.marketFields());
      if (f.reason() != null) {
        blocks.add(section("*Reason*\n" + ChatText.slack(f.reason())));
      }
      if (f.description() != null) {
        blocks.add(context(ChatText.slack(f.description())));
      }
      if (!f.personas().isEmpty()) {
        blocks.add(section("*Acknowledgements*\n" + ChatText.slack(String.join("\n", f.checklist()))));
        Map<String, Object> acks = acknowledgeButtons(f);
        if (acks != null) {
          blocks.add(acks);
        }
      }
      blocks.add(actions(f, link));
    } else {
      List<MessageFacts.Field> outcome = new ArrayList<>();
      outcome.add(MessageFacts.Field.text("Status", f.statusLabel()));
      outcome.add(new MessageFacts.Field("Request ID", f.requestId(), null, true));
      outcome.add(MessageFacts.Field.text("Processed by", processedBy(f)));
      if (f.decidedAt() != null) {
        outcome.add(new MessageFacts.Field("Decided at", ChatText.utc(f.decidedAt()), f.decidedAt(), false));
      }
      addFields(blocks, outcome);
      blocks.add(section(ChatText.slack(f.outcomeLine())
        + (f.decisionReason() == null || "expired".equals(f.status()) ? "" : "\n*Reason:* " + ChatText.slack(f.decisionReason()))
        + (f.decisionComment() == null ? "" : "\n*Comment:* " + ChatText.slack(f.decisionComment()))
        + (f.diffLines().isEmpty() ? "" : "\n*Changed:* " + ChatText.slack(String.join("; ", f.diffLines())))));
      List<String> summary = new ArrayList<>();
      summary.add(f.typeLabel());
      for (MessageFacts.Field d : f.detailFields()) {
        summary.add(d.label() + ": " + d.text());
      }
      blocks.add(context(ChatText.slack(String.join(" · ", summary))));
      if (f.reRequestable()) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("type", "actions");
        b.put("block_id", ACTIONS_BLOCK);
        b.put("elements", List.of(button(RE_REQUEST, "🔁 Re-request", null, f.requestId(),
          confirm("Re-request?", "Ask *" + ChatText.slack(f.title()) + "* again as a new request?", "Re-request",
            "primary"))));
        blocks.add(b);
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("text", fallback(f));
    m.put("blocks", blocks);
    return m;
  }

  /** The notification text (push notifications and clients without blocks show it). */
  public static String fallback(MessageFacts f) {
    String base = f.pending() ? "Approval required: " + f.title() : f.title() + ": " + f.outcomeLine();
    return ChatText.truncate(ChatText.slack(base + " (" + f.requestId() + ")"), SECTION_MAX);
  }

  /** A plain message (timeout, escalation and Guardian notices; webhook-only status lines). */
  public static Map<String, Object> notice(String text) {
    return notice(text, null);
  }

  /** A notice that names the people it is for: their mentions ping them, other names are plain text. */
  public static Map<String, Object> notice(String text, EscalationTargets targets) {
    String attention = "";
    if (targets != null && !targets.isEmpty()) {
      List<String> who = new ArrayList<>(targets.slackMentions());
      targets.plain().forEach(n -> who.add(ChatText.slack(n)));
      attention = ChatText.truncate(" Attention: " + String.join(", ", who), SECTION_MAX / 2);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("text", ChatText.truncate(ChatText.slack(text), SECTION_MAX - attention.length()) + attention);
    return m;
  }

  /** The modal of "Reject with reason…", opened with views.open and the click's trigger_id. */
  public static Map<String, Object> rejectModal(String triggerId, String requestId, String title) {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("type", "plain_text_input");
    input.put("action_id", REASON);
    input.put("multiline", true);
    input.put("min_length", 1);
    input.put("max_length", REASON_MAX);
    Map<String, Object> block = new LinkedHashMap<>();
    block.put("type", "input");
    block.put("block_id", REASON);
    block.put("label", plain("Why is it rejected?"));
    block.put("element", input);
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("type", "modal");
    view.put("callback_id", REJECT_MODAL);
    view.put("private_metadata", requestId);
    view.put("title", plainNoEmoji("Reject request"));
    view.put("submit", plainNoEmoji("Reject"));
    view.put("close", plainNoEmoji("Cancel"));
    view.put("blocks", List.of(section(ChatText.truncate("*" + ChatText.slack(title) + "* (`" + requestId + "`)",
      SECTION_MAX)), block));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("trigger_id", triggerId);
    m.put("view", view);
    return m;
  }

  /** The answer to a modal submission that did not go through: the reason field shows why. */
  public static Map<String, Object> modalErrors(String text) {
    return modalErrors(Map.of(REASON, text));
  }

  /** Field errors of a modal, by the block_id of the input each belongs to. */
  public static Map<String, Object> modalErrors(Map<String, String> byBlock) {
    Map<String, Object> errors = new LinkedHashMap<>();
    byBlock.forEach((k, v) -> errors.put(k, ChatText.truncate(v, ERROR_MAX)));
    return Map.of("response_action", "errors", "errors", errors);
  }

  /** block_id of the input of one editable key in the edit modal. */
  public static String editBlock(String key) {
    return EDIT_BLOCK_PREFIX + key;
  }

  /**
   * The modal of "Approve with changes…", opened with views.open and the click's trigger_id: one input per key
   * the policy lets an approver edit, the current value filled in, type, bounds and direction as its hint.
   * Submitting it shows the changes for review before anything is decided.
   */
  public static Map<String, Object> editModal(String triggerId, EditForm form) {
    List<Object> blocks = new ArrayList<>();
    blocks.add(section(ChatText.truncate("*" + ChatText.slack(form.title()) + "* (`" + form.requestId() + "`)\n"
      + "The current values are filled in; change what you approve differently. The next step shows the changes.",
      SECTION_MAX)));
    for (EditForm.Input in : form.inputs()) {
      Map<String, Object> block = new LinkedHashMap<>();
      block.put("type", "input");
      block.put("block_id", editBlock(in.key()));
      block.put("optional", true);
      block.put("label", plain(ChatText.truncate(in.key(), 2000)));
      block.put("element", editElement(in));
      block.put("hint", plain(ChatText.truncate(in.hint(), 2000)));
      blocks.add(block);
    }
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("type", "modal");
    view.put("callback_id", EDIT_MODAL);
    view.put("private_metadata", form.requestId());
    view.put("title", plainNoEmoji("Approve with changes"));
    view.put("submit", plainNoEmoji("Review changes"));
    view.put("close", plainNoEmoji("Cancel"));
    view.put("blocks", blocks);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("trigger_id", triggerId);
    m.put("view", view);
    return m;
  }

  /**
   * The answer to a submitted edit modal whose edits pass the policy: a review view pushed on top of it, listing
   * each change as "from → to", with an optional comment; its submit approves with exactly these edits.
   * {@code metadata} carries the request id and the edits (Slack returns it with the submission).
   */
  public static Map<String, Object> editReview(String requestId, String title, List<String> changes, String metadata) {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("type", "plain_text_input");
    input.put("action_id", COMMENT);
    input.put("multiline", true);
    input.put("max_length", REASON_MAX);
    Map<String, Object> comment = new LinkedHashMap<>();
    comment.put("type", "input");
    comment.put("block_id", COMMENT);
    comment.put("optional", true);
    comment.put("label", plain("Comment (kept with the decision)"));
    comment.put("element", input);
    List<String> lines = new ArrayList<>();
    changes.forEach(c -> lines.add("• " + ChatText.slack(c)));
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("type", "modal");
    view.put("callback_id", EDIT_REVIEW);
    view.put("private_metadata", metadata);
    view.put("title", plainNoEmoji("Review changes"));
    view.put("submit", plainNoEmoji("Approve with changes"));
    view.put("close", plainNoEmoji("Back"));
    view.put("blocks", List.of(section(ChatText.truncate("*" + ChatText.slack(title) + "* (`" + requestId + "`)\n"
      + "*You approve with these changes:*\n" + String.join("\n", lines), SECTION_MAX)), comment));
    return Map.of("response_action", "push", "view", view);
  }

  /** The answer to a modal submission that closes every view of the modal. */
  public static Map<String, Object> closeModal() {
    return Map.of("response_action", "clear");
  }

  private static Map<String, Object> editElement(EditForm.Input in) {
    Map<String, Object> e = new LinkedHashMap<>();
    if (!in.options().isEmpty()) {
      List<Object> options = new ArrayList<>();
      Map<String, Object> initial = null;
      for (String o : in.options()) {
        Map<String, Object> opt = Map.of("text", plainNoEmoji(ChatText.truncate(o, 75)), "value", o);
        options.add(opt);
        if (o.equals(in.current())) {
          initial = opt;
        }
      }
      e.put("type", "static_select");
      e.put("action_id", EDIT_VALUE);
      e.put("options", options);
      if (initial != null) {
        e.put("initial_option", initial);
      }
      return e;
    }
    if (in.numeric()) {
      e.put("type", "number_input");
      e.put("action_id", EDIT_VALUE);
      e.put("is_decimal_allowed", !"integer".equals(in.type()));
      if (in.current() != null && io.hitl.gateway.core.Decimals.parse(in.current()) != null) {
        e.put("initial_value", in.current());
      }
      if (in.minimum() != null) {
        e.put("min_value", in.minimum().toPlainString());
      }
      if (in.maximum() != null) {
        e.put("max_value", in.maximum().toPlainString());
      }
      return e;
    }
    e.put("type", "plain_text_input");
    e.put("action_id", EDIT_VALUE);
    if (in.current() != null) {
      e.put("initial_value", ChatText.truncate(in.current(), 3000));
    }
    return e;
  }

  /** An answer only the clicker sees, through the interaction's response_url. */
  public static Map<String, Object> ephemeral(String text) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("response_type", "ephemeral");
    m.put("replace_original", false);
    m.put("text", ChatText.truncate(ChatText.slack(text), SECTION_MAX));
    return m;
  }

  private static String processedBy(MessageFacts f) {
    if ("expired".equals(f.status())) {
      return "system (timeout)";
    }
    String who = f.decidedBy() == null ? "unknown" : f.decidedBy();
    return f.decisionChannel() == null ? who : who + " (" + ChatText.channel(f.decisionChannel()) + ")";
  }

  private static Map<String, Object> actions(MessageFacts f, String link) {
    List<Object> elements = new ArrayList<>();
    elements.add(button(APPROVE, ChatText.truncate((f.missingPersonas().isEmpty() ? "✅ " : "⏳ ") + f.approveLabel(),
      BUTTON_TEXT_MAX), "primary", f.requestId(),
      confirm("Approve this request?", "Approve *" + ChatText.slack(f.title()) + "*?", "Approve", "primary")));
    if (f.editable()) {
      elements.add(button(APPROVE_WITH_EDITS, "✏️ Approve with changes…", null, f.requestId(), null));
    }
    elements.add(button(REJECT, "❌ Reject", "danger", f.requestId(),
      confirm("Reject this request?", "Reject *" + ChatText.slack(f.title()) + "*?", "Reject", "danger")));
    if (link != null) {
      Map<String, Object> open = new LinkedHashMap<>();
      open.put("type", "button");
      open.put("action_id", OPEN);
      open.put("text", plain("Open in console"));
      open.put("url", link);
      elements.add(open);
    }
    elements.add(button(REJECT_WITH_REASON, "📝 Reject with reason…", null, f.requestId(), null));
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("type", "actions");
    b.put("block_id", ACTIONS_BLOCK);
    b.put("elements", elements);
    return b;
  }

  /** One button per persona still to acknowledge; null when every box is ticked. */
  private static Map<String, Object> acknowledgeButtons(MessageFacts f) {
    List<Object> elements = new ArrayList<>();
    for (int i = 0; i < f.personas().size() && elements.size() < BUTTONS_PER_BLOCK; i++) {
      String p = f.personas().get(i);
      if (!f.acknowledged().containsKey(p)) {
        elements.add(button(ChatAction.SLACK_ACKNOWLEDGE + i, ChatText.truncate("☑️ Acknowledge as " + p,
          BUTTON_TEXT_MAX), null, f.requestId(), null));
      }
    }
    if (elements.isEmpty()) {
      return null;
    }
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("type", "actions");
    b.put("block_id", ACK_BLOCK);
    b.put("elements", elements);
    return b;
  }

  private static Map<String, Object> button(String actionId, String label, String style, String value,
      Map<String, Object> confirm) {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("type", "button");
    b.put("action_id", actionId);
    b.put("text", plain(label));
    if (style != null) {
      b.put("style", style);
    }
    b.put("value", value);
    if (confirm != null) {
      b.put("confirm", confirm);
    }
    return b;
  }

  private static Map<String, Object> confirm(String title, String text, String yes, String style) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("title", plainNoEmoji(ChatText.truncate(title, 100)));
    c.put("text", Map.of("type", "mrkdwn", "text", ChatText.truncate(text, 300)));
    c.put("confirm", plainNoEmoji(yes));
    c.put("deny", plainNoEmoji("Cancel"));
    c.put("style", style);
    return c;
  }

  private static void addFields(List<Object> blocks, List<MessageFacts.Field> fields) {
    for (int i = 0; i < fields.size(); i += FIELDS_PER_SECTION) {
      List<Object> texts = new ArrayList<>();
      for (MessageFacts.Field f : fields.subList(i, Math.min(fields.size(), i + FIELDS_PER_SECTION))) {
        texts.add(Map.of("type", "mrkdwn", "text", ChatText.truncate("*" + f.label() + "*\n" + value(f), FIELD_MAX)));
      }
      if (!texts.isEmpty()) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("type", "section");
        s.put("fields", texts);
        blocks.add(s);
      }
    }
  }

  private static String value(MessageFacts.Field f) {
    if (f.at() != null) {
      return "<!date^" + f.at().getEpochSecond() + "^{date_short_pretty} {time_secs}|" + ChatText.utc(f.at()) + ">";
    }
    String v = ChatText.slack(f.text() == null ? "" : f.text());
    return f.code() ? "`" + v + "`" : v;
  }

  private static Map<String, Object> header(String text) {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("type", "header");
    h.put("text", plain(ChatText.truncate(text, HEADER_MAX)));
    return h;
  }

  private static Map<String, Object> section(String mrkdwn) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("type", "section");
    s.put("text", Map.of("type", "mrkdwn", "text", ChatText.truncate(mrkdwn, SECTION_MAX)));
    return s;
  }

  private static Map<String, Object> context(String mrkdwn) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("type", "context");
    c.put("elements", List.of(Map.of("type", "mrkdwn", "text", ChatText.truncate(mrkdwn, SECTION_MAX))));
    return c;
  }

  private static Map<String, Object> plain(String text) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("type", "plain_text");
    p.put("text", text);
    p.put("emoji", true);
    return p;
  }

  private static Map<String, Object> plainNoEmoji(String text) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("type", "plain_text");
    p.put("text", text);
    return p;
  }
}
