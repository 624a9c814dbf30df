package io.hitl.gateway.outbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a chat message about one request says, read from the request's JSON view (the same view the API
 * returns, plus `approved_by` when a quorum is collecting). Both renderers lay out these facts.
 */
public record MessageFacts(String requestId, String type, String title, String description, String status,
    Map<String, Object> context, String riskLevel, String requestedBy, Instant expiresAt, Instant decidedAt,
    String decidedBy, String decisionChannel, String decisionReason, String decisionComment, int requiredApprovals,
    List<String> approvedBy, int escalationLevel, String tradeState, List<String> breaches) {

  /** One labelled value; {@code at} set for times, which each platform renders in the reader's time zone. */
  public record Field(String label, String text, Instant at, boolean code) {
    static Field text(String label, String text) {
      return new Field(label, text, null, false);
    }
  }

  private static final Set<String> TRADE_KEYS = Set.of("ticker", "action", "quantity", "price", "confidence",
    "risk_level", "strategy", "reason", "risk_pct", "side", "notify_channels");
  private static final int MAX_CONTEXT_FIELDS = 6;

  @SuppressWarnings("unchecked")
  public static MessageFacts of(Map<String, Object> view) {
    Object ctx = view.get("context");
    Map<String, Object> context = ctx instanceof Map ? (Map<String, Object>) ctx : Map.of();
    Object voters = view.get("approved_by");
    List<String> approvedBy = new ArrayList<>();
    if (voters instanceof List) {
      ((List<Object>) voters).forEach(v -> approvedBy.add(String.valueOf(v)));
    }
    return new MessageFacts(str(view.get("request_id")), str(view.get("type")), str(view.get("title")),
      str(view.get("description")), str(view.get("status")), context,
      str(view.get("risk_level") != null ? view.get("risk_level") : context.get("risk_level")),
      str(view.get("requested_by")), instant(view.get("expires_at")), instant(view.get("decided_at")),
      str(view.get("decided_by")), str(view.get("decision_channel")), str(view.get("decision_reason")),
      str(view.get("decision_comment")), integer(view.get("required_approvals"), 1), List.copyOf(approvedBy),
      integer(view.get("escalation_level"), 0), str(view.get("trade_state")), breaches(view.get("limit_override")));
  }

  /** "limit: detail" per breached limit of a limit-override request; empty for any other request. */
  @SuppressWarnings("unchecked")
  private static List<String> breaches(Object override) {
    List<String> out = new ArrayList<>();
    Object list = override instanceof Map ? ((Map<String, Object>) override).get("breaches") : null;
    if (list instanceof List) {
      for (Object b : (List<Object>) list) {
        if (b instanceof Map) {
          Map<String, Object> m = (Map<String, Object>) b;
          out.add(m.get("limit") + ": " + m.get("detail"));
        }
      }
    }
    return List.copyOf(out);
  }

  public boolean pending() {
    return "pending".equals(status);
  }

  public boolean trade() {
    return "TRADE_EXECUTION".equals(type);
  }

  public String typeLabel() {
    return ChatText.words(type);
  }

  public String statusLabel() {
    return ChatText.words(status);
  }

  /** The emoji that leads the headline for this state. */
  public String icon() {
    switch (status == null ? "" : status) {
      case "approved":
        return "✅";
      case "rejected":
        return "❌";
      case "expired":
        return "⌛";
      case "cancelled":
        return "🚫";
      default:
        return escalationLevel > 0 ? "⏫" : "🔔";
    }
  }

  public String headline() {
    if (pending() && !breaches.isEmpty()) {
      return icon() + " Limit Override Required: " + title;
    }
    if (pending()) {
      return icon() + " Approval Required: " + title;
    }
    return icon() + " " + title + " — " + status.toUpperCase(java.util.Locale.ROOT);
  }

  /** Request ID, Type, Expires, Requested by (and the escalation level once escalated). */
  public List<Field> requestFields() {
    List<Field> f = new ArrayList<>();
    f.add(new Field("Request ID", requestId, null, true));
    f.add(Field.text("Type", typeLabel()));
    f.add(new Field("Expires", ChatText.utc(expiresAt), expiresAt, false));
    f.add(Field.text("Requested by", requestedBy));
    if (escalationLevel > 0) {
      f.add(Field.text("Escalation", "level " + escalationLevel));
    }
    if (requiredApprovals > 1) {
      f.add(Field.text("Approvals", approvedBy.size() + " of " + requiredApprovals
        + (approvedBy.isEmpty() ? "" : " (" + String.join(", ", approvedBy) + ")")));
    }
    return f;
  }

  /** Trade facts in the seed's order (Ticker … Strategy), or the simple values of a generic request's context. */
  public List<Field> detailFields() {
    List<Field> f = new ArrayList<>();
    if (trade()) {
      add(f, "Ticker", context.get("ticker"));
      add(f, "Action", context.get("action") != null ? context.get("action") : context.get("side"));
      add(f, "Quantity", context.get("quantity"));
      add(f, "Price", context.get("price"));
      Object confidence = context.get("confidence");
      if (confidence != null) {
        f.add(Field.text("Confidence", ChatText.percent(String.valueOf(confidence))));
      }
      if (riskLevel != null) {
        f.add(Field.text("Risk Level", ChatText.words(riskLevel)));
      }
      add(f, "Strategy", context.get("strategy"));
      if (!breaches.isEmpty()) {
        f.add(Field.text(breaches.size() == 1 ? "Limit breached" : "Limits breached", String.join("\n", breaches)));
      }
      return f;
    }
    if (riskLevel != null) {
      f.add(Field.text("Risk Level", ChatText.words(riskLevel)));
    }
    for (Map.Entry<String, Object> e : context.entrySet()) {
      if (f.size() >= MAX_CONTEXT_FIELDS) {
        break;
      }
      Object v = e.getValue();
      if (!TRADE_KEYS.contains(e.getKey()) && (v instanceof String || v instanceof Number || v instanceof Boolean)) {
        f.add(Field.text(ChatText.words(e.getKey()), String.valueOf(v)));
      }
    }
    return f;
  }

  public String reason() {
    Object r = context.get("reason");
    return r == null ? null : String.valueOf(r);
  }

  /** Who ended the request and how, e.g. "alice via Slack"; for an expiry, the deadline that passed. */
  public String outcomeLine() {
    if (pending()) {
      return null;
    }
    if ("expired".equals(status)) {
      return "No decision before " + ChatText.utc(expiresAt) + (decisionReason == null ? "" : " (" + decisionReason + ")");
    }
    String by = decidedBy == null ? "unknown" : decidedBy;
    return statusLabel() + " by " + by + (decisionChannel == null ? "" : " via " + ChatText.channel(decisionChannel))
      + (tradeState == null ? "" : " · trade " + tradeState.toLowerCase(java.util.Locale.ROOT));
  }

  /**
   * Everything a rendered message depends on apart from its one-time link: when this has not changed
   * since the message was last written, an update would change nothing and is skipped.
   */
  public String stateKey() {
    return String.join("|", String.valueOf(status), String.valueOf(decidedBy), String.valueOf(decisionChannel),
      String.valueOf(decisionReason), String.valueOf(decisionComment), String.valueOf(escalationLevel),
      String.valueOf(expiresAt), String.join(",", approvedBy)) + (tradeState == null ? "" : "|" + tradeState);
  }

  private static void add(List<Field> f, String label, Object v) {
    if (v != null) {
      f.add(Field.text(label, String.valueOf(v)));
    }
  }

  private static String str(Object o) {
    return o == null ? null : String.valueOf(o);
  }

  private static int integer(Object o, int def) {
    if (o instanceof Number) {
      return ((Number) o).intValue();
    }
    try {
      return o == null ? def : Integer.parseInt(String.valueOf(o));
    } catch (NumberFormatException e) {
      return def;
    }
  }

  private static Instant instant(Object o) {
    if (o == null) {
      return null;
    }
    try {
      return Instant.parse(String.valueOf(o));
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }
}
