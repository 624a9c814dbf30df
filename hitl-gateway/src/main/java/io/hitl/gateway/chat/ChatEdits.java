package io.hitl.gateway.chat;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.DecisionRules;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.policy.EditRules;
import io.hitl.gateway.core.policy.Policy;
import io.hitl.gateway.core.policy.PolicySnapshot;
import io.hitl.gateway.outbox.EditForm;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * "Approve with changes…" before anything is decided: the form a pending request's policy allows, and the
 * review of what was filled in, judged by the same edit rules the approval applies (schema, direction, diff
 * size), so a refusal can be shown on the form. The approval itself judges the edits again, under its lock.
 */
final class ChatEdits {
  /** The edits of a filled-in form that pass the rules, and their changes as "key: from → to". */
  record Reviewed(Map<String, Object> edits, List<String> changes) {
  }

  private ChatEdits() {
  }

  /** The form of a pending request whose policy allows edits; otherwise the refusal saying why not. */
  static EditForm form(Approval a) {
    DecisionRules.requirePending(a);
    Policy.EditPolicy policy = PolicySnapshot.edits(a.policy());
    if (policy == null) {
      throw EditRules.refusal(EditRules.NOT_ALLOWED, Map.of("edits", "this request's policy allows no edits"),
        "The policy of this request allows no edits; use Approve or Reject");
    }
    return EditForm.of(a.id().toString(), a.title(), policy, a.context() == null ? Map.of() : a.context());
  }

  /** The edits asked for by {@code submitted} (input texts by key), as the rules judge them on {@code a}. */
  static Reviewed review(Approval a, Map<String, String> submitted) {
    EditForm form = form(a);
    Map<String, Object> context = a.context() == null ? Map.of() : a.context();
    Map<String, Object> edits = form.edits(submitted, context);
    if (edits.isEmpty()) {
      throw GatewayException.invalid(Map.of("edits", "nothing was changed; change a value, or use Approve"));
    }
    EditRules.Edited edited = EditRules.apply(PolicySnapshot.edits(a.policy()), PolicySnapshot.name(a.policy()),
      context, edits);
    if (!edited.changed()) {
      throw GatewayException.invalid(Map.of("edits", "nothing was changed; change a value, or use Approve"));
    }
    List<String> changes = new ArrayList<>();
    edited.diff().forEach((k, v) -> {
      Map<?, ?> c = (Map<?, ?>) v;
      changes.add(k + ": " + c.get("from") + " → " + c.get("to"));
    });
    return new Reviewed(edits, changes);
  }

  /**
   * A refusal as field errors: `edits.price` goes to the input of `price`; anything else to {@code fallbackKey}.
   * The message leads with what the clicker should read.
   */
  static Map<String, String> fieldErrors(GatewayException e, String fallbackKey, String fallbackText) {
    Map<String, String> out = new LinkedHashMap<>();
    Object errors = e.extensions().get("errors");
    if (errors instanceof Map) {
      for (Map.Entry<?, ?> x : ((Map<?, ?>) errors).entrySet()) {
        String field = String.valueOf(x.getKey());
        String key = field.startsWith("edits.") ? field.substring("edits.".length()) : fallbackKey;
        out.merge(key, (key.equals(fallbackKey) && !field.startsWith("edits") ? field + " " : "") + x.getValue()
          + " (" + e.code().code() + ")", (a, b) -> a + "; " + b);
      }
    }
    if (out.isEmpty()) {
      out.put(fallbackKey, fallbackText);
    }
    return out;
  }
}
