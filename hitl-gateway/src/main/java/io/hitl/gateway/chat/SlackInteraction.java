package io.hitl.gateway.chat;

import io.hitl.gateway.core.ChatAction;

import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.StrictJson;
import io.hitl.gateway.core.UriText;
import io.hitl.gateway.outbox.SlackMessages;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * A Slack interaction request: form field `payload` holding JSON. Only `block_actions` from this gateway's
 * buttons and `view_submission`s of its modals (reject with reason, approve with changes and its review) carry
 * an action; anything else is acknowledged and ignored.
 */
public record SlackInteraction(String type, String userId, String teamId, String actionId, ChatAction action,
    String responseUrl, String channelId, String messageTs, String triggerId, String reason, String callbackId,
    Map<String, String> inputs, Map<String, Object> edits, String actionValue) {

  public static final String BLOCK_ACTIONS = "block_actions";
  public static final String VIEW_SUBMISSION = "view_submission";

  /** Parses the raw form body; IllegalArgumentException (SEC-010) when there is no readable payload. */
  public static SlackInteraction parse(byte[] formBody) {
    String payload = formFields(formBody, Set.of("payload")).get("payload");
    if (payload == null) {
      throw new IllegalArgumentException("payload: form field is missing");
    }
    Map<String, Object> p;
    try {
      p = Payloads.object(payload.getBytes(StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("payload: " + e.getMessage());
    }
    String type = Payloads.text(p, "type");
    Map<String, Object> first = Payloads.firstOf(p, "actions");
    String actionId = first == null ? null : Payloads.text(first, "action_id");
    String value = first == null ? null : Payloads.text(first, "value");
    ChatAction action = ChatAction.fromSlack(actionId, value);
    String reason = null;
    // a submitted reject modal carries its request in private_metadata and the reason in its input block
    if (VIEW_SUBMISSION.equals(type) && SlackMessages.REJECT_MODAL.equals(Payloads.text(p, "view", "callback_id"))) {
      action = ChatAction.of(ChatAction.REJECT, Payloads.text(p, "view", "private_metadata"));
      reason = Payloads.text(p, "view", "state", "values", SlackMessages.REASON, SlackMessages.REASON, "value");
    }
    String callbackId = VIEW_SUBMISSION.equals(type) ? Payloads.text(p, "view", "callback_id") : null;
    Map<String, String> inputs = VIEW_SUBMISSION.equals(type) ? inputs(Payloads.at(p, "view", "state", "values"))
      : Map.of();
    Map<String, Object> edits = null;
    if (SlackMessages.EDIT_MODAL.equals(callbackId)) {
      action = ChatAction.of(ChatAction.APPROVE_WITH_EDITS, Payloads.text(p, "view", "private_metadata"));
    }
    // the review carries the request and the edits it shows in private_metadata, which only this gateway writes
    if (SlackMessages.EDIT_REVIEW.equals(callbackId)) {
      String meta = Payloads.text(p, "view", "private_metadata");
      Map<String, Object> m;
      try {
        m = Payloads.object((meta == null ? "" : meta).getBytes(StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("view.private_metadata: " + e.getMessage());
      }
      Object e = m.get("edits");
      if (!(e instanceof Map)) {
        throw new IllegalArgumentException("view.private_metadata: must carry the edits");
      }
      action = ChatAction.of(ChatAction.APPROVE, Payloads.text(m, "request_id"));
      @SuppressWarnings("unchecked")
      Map<String, Object> asked = (Map<String, Object>) e;
      edits = asked;
    }
    String channel = Payloads.text(p, "container", "channel_id");
    String ts = Payloads.text(p, "container", "message_ts");
    return new SlackInteraction(type, Payloads.text(p, "user", "id"),
      Payloads.text(p, "user", "team_id") != null ? Payloads.text(p, "user", "team_id") : Payloads.text(p, "team", "id"),
      actionId, action, Payloads.text(p, "response_url"),
      channel != null ? channel : Payloads.text(p, "channel", "id"),
      ts != null ? ts : Payloads.text(p, "message", "ts"), Payloads.text(p, "trigger_id"), reason, callbackId,
      inputs, edits, value);
  }

  /** A submitted view's input values by block_id: a text or number input's value, a select's chosen value. */
  @SuppressWarnings("unchecked")
  private static Map<String, String> inputs(Object values) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    if (!(values instanceof Map)) {
      return out;
    }
    for (Map.Entry<String, Object> block : ((Map<String, Object>) values).entrySet()) {
      if (!(block.getValue() instanceof Map)) {
        continue;
      }
      for (Object element : ((Map<String, Object>) block.getValue()).values()) {
        if (!(element instanceof Map)) {
          continue;
        }
        Map<String, Object> el = (Map<String, Object>) element;
        String v = el.get("selected_option") instanceof Map ? Payloads.text(el, "selected_option", "value")
          : Payloads.text(el, "value");
        if (v != null) {
          out.put(block.getKey(), v);
        }
      }
    }
    return out;
  }

  /**
   * The fields named {@code read} of a Slack form body (UTF-8, well-formed form encoding, each at most once);
   * IllegalArgumentException (SEC-010) otherwise. Other fields are ignored.
   */
  static Map<String, String> formFields(byte[] formBody, Set<String> read) {
    String body;
    try {
      body = StrictJson.utf8(formBody, "body");
    } catch (GatewayException e) {
      throw new IllegalArgumentException("body: is not valid UTF-8");
    }
    if (!UriText.queryProblems(body).isEmpty()) {
      throw new IllegalArgumentException("body: is not a well-formed form encoding");
    }
    Map<String, String> f = new java.util.HashMap<>();
    for (String pair : body.split("&", -1)) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String name = UriText.decode(pair.substring(0, eq), true);
      if (read.contains(name) && f.put(name, UriText.decode(pair.substring(eq + 1), true)) != null) {
        throw new IllegalArgumentException(name + ": form field is given more than once");
      }
    }
    return f;
  }
}
