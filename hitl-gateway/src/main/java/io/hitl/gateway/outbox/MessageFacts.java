package io.hitl.gateway.outbox;

import io.hitl.gateway.core.Decimals;
import io.hitl.gateway.core.guard.MarketCheck;
import io.hitl.gateway.core.guard.Quote;
import io.hitl.gateway.core.guard.Slippage;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a chat message about one request says, read from the request's JSON view (the same view the API
 * returns, plus what {@link ChatView} adds for chat: `approved_by` when a quorum is collecting, the persona
 * checklist, whether edits are allowed, who the approvals come from, and the latest quote with its limits).
 * Both renderers lay out these facts.
 */
public record MessageFacts(String requestId, String type, String title, String description, String status,
    Map<String, Object> context, String riskLevel, String requestedBy, Instant expiresAt, Instant decidedAt,
    String decidedBy, String decisionChannel, String decisionReason, String decisionComment, int requiredApprovals,
    List<String> approvedBy, int escalationLevel, String tradeState, List<String> personas,
    Map<String, String> acknowledged, boolean editable, List<String> approverPool, Quote quote,
    BigDecimal slippageMaxPct, Duration quoteMaxAge, Instant renderedAt, Map<String, Object> diff,
    List<String> breaches) {

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
    List<String> personas = new ArrayList<>();
    Map<String, String> acknowledged = new LinkedHashMap<>();
    Object acks = view.get("acknowledgements");
    if (acks instanceof Map) {
      Object required = ((Map<String, Object>) acks).get("required");
      if (required instanceof List) {
        ((List<Object>) required).forEach(p -> personas.add(String.valueOf(p)));
      }
      Object done = ((Map<String, Object>) acks).get("acknowledged");
      if (done instanceof List) {
        for (Object d : (List<Object>) done) {
          if (d instanceof Map) {
            acknowledged.putIfAbsent(String.valueOf(((Map<String, Object>) d).get("persona")),
              String.valueOf(((Map<String, Object>) d).get("by")));
          }
        }
      }
    }
    List<String> pool = new ArrayList<>();
    Object approvers = view.get("approvers");
    if (approvers instanceof Map) {
      for (String k : List.of("roles", "users")) {
        Object names = ((Map<String, Object>) approvers).get(k);
        if (names instanceof List) {
          ((List<Object>) names).forEach(n -> pool.add(String.valueOf(n)));
        }
      }
    }
    Object overrides = view.get("overrides");
    Object diff = overrides instanceof Map ? ((Map<String, Object>) overrides).get("diff") : null;
    Object maxAge = view.get("quote_max_age_seconds");
    return new MessageFacts(str(view.get("request_id")), str(view.get("type")), str(view.get("title")),
      str(view.get("description")), str(view.get("status")), context,
      str(view.get("risk_level") != null ? view.get("risk_level") : context.get("risk_level")),
      str(view.get("requested_by")), instant(view.get("expires_at")), instant(view.get("decided_at")),
      str(view.get("decided_by")), str(view.get("decision_channel")), str(view.get("decision_reason")),
      str(view.get("decision_comment")), integer(view.get("required_approvals"), 1), List.copyOf(approvedBy),
      integer(view.get("escalation_level"), 0), str(view.get("trade_state")), List.copyOf(personas),
      java.util.Collections.unmodifiableMap(acknowledged), Boolean.TRUE.equals(view.get("edits_allowed")),
      List.copyOf(pool), quote(view.get("quote"), str(context.get("ticker"))),
      Decimals.parse(view.get("slippage_max_pct")),
      maxAge instanceof Number ? Duration.ofSeconds(((Number) maxAge).longValue()) : null,
      instant(view.get("rendered_at")),
      diff instanceof Map ? (Map<String, Object>) diff : Map.of(), breaches(view.get("limit_override")));
  }

  /** The personas whose box is not ticked yet, in the policy's order. */
  public List<String> missingPersonas() {
    List<String> m = new ArrayList<>();
    personas.forEach(p -> {
      if (!acknowledged.containsKey(p)) {
        m.add(p);
      }
    });
    return m;
  }

  /** "1 of 2 approvals — needs 1 more from risk"; null for a request one approval decides. */
  public String progressLine() {
    if (requiredApprovals <= 1) {
      return null;
    }
    StringBuilder b = new StringBuilder().append(approvedBy.size()).append(" of ").append(requiredApprovals)
      .append(" approvals");
    int more = requiredApprovals - approvedBy.size();
    if (pending() && more > 0) {
      b.append(" — needs ").append(more).append(" more");
      if (!approverPool.isEmpty()) {
        b.append(" from ").append(String.join(" or ", approverPool));
      }
    }
    if (!approvedBy.isEmpty()) {
      b.append(" (approved: ").append(String.join(", ", approvedBy)).append(")");
    }
    return b.toString();
  }

  /**
   * What a trader checks before clicking, as of {@link #renderedAt}: the latest quote and its age, its deviation
   * from the requested price against the slippage limit, the notional, and the time left. Empty for other requests.
   */
  public List<Field> marketFields() {
    List<Field> f = new ArrayList<>();
    // a view without a render time carries no market facts (an interaction's answer, a test's plain view)
    if (!trade() || renderedAt == null || quoteMaxAge == null || slippageMaxPct == null) {
      return f;
    }
    MarketCheck m = MarketCheck.of(context, quote, renderedAt, quoteMaxAge, slippageMaxPct);
    if (m == null) {
      return f;
    }
    if (quote == null) {
      f.add(Field.text("Quote", "⚠️ no quote for " + m.ticker()));
    } else {
      boolean stale = m.verdict() == MarketCheck.Verdict.STALE;
      f.add(Field.text("Quote", "bid " + Decimals.text(quote.bid()) + " / ask " + Decimals.text(quote.ask()) + " · "
        + ChatText.age(quote.ageAt(renderedAt)) + " old" + (stale ? " ⚠️ stale (limit " + quoteMaxAge.toSeconds()
        + " s)" : "")));
      BigDecimal current = quote.reference(m.side());
      boolean over = Slippage.exceeds(current, m.requestedPrice(), slippageMaxPct);
      BigDecimal dev = Slippage.deviationPct(current, m.requestedPrice()).setScale(2, RoundingMode.HALF_EVEN);
      f.add(Field.text("Deviation", (over ? "⚠️ " : "") + dev.toPlainString() + "% "
        + (Quote.SELL.equals(m.side()) ? "bid" : "ask") + " vs requested " + Decimals.text(m.requestedPrice())
        + " (limit " + slippageMaxPct.stripTrailingZeros().toPlainString() + "%)" + (over ? " — over the limit" : "")));
    }
    if (m.notional() != null) {
      f.add(Field.text("Notional", m.notional().setScale(2, RoundingMode.HALF_EVEN).toPlainString()));
    }
    if (pending() && expiresAt != null) {
      Duration left = Duration.between(renderedAt, expiresAt);
      f.add(Field.text("Time left", left.isNegative() || left.isZero() ? "deadline passed"
        : ChatText.age(left) + " (deadline " + ChatText.utc(expiresAt) + ")"));
    }
    return f;
  }

  /** "✅ risk (alice)" and "⬜ compliance" lines, in the policy's order; empty when the policy names no persona. */
  public List<String> checklist() {
    List<String> lines = new ArrayList<>();
    for (String p : personas) {
      String by = acknowledged.get(p);
      lines.add(by == null ? "⬜ " + p : "✅ " + p + " (" + by + ")");
    }
    return lines;
  }

  /** "Approve" while nothing is missing; otherwise what is. */
  public String approveLabel() {
    List<String> missing = missingPersonas();
    return missing.isEmpty() ? "Approve" : "Approve — needs acknowledgement: " + String.join(", ", missing);
  }

  /** The edits an approval applied, as "price: 2850 → 2840" lines; empty when none. */
  public List<String> diffLines() {
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, Object> e : diff.entrySet()) {
      Object change = e.getValue();
      if (change instanceof Map) {
        Map<?, ?> c = (Map<?, ?>) change;
        lines.add(e.getKey() + ": " + c.get("from") + " → " + c.get("to"));
      }
    }
    return lines;
  }

  /** Re-request is offered on a request that was rejected or expired. */
  public boolean reRequestable() {
    return "rejected".equals(status) || "expired".equals(status);
  }

  @SuppressWarnings("unchecked")
  private static Quote quote(Object q, String ticker) {
    if (!(q instanceof Map)) {
      return null;
    }
    Map<String, Object> m = (Map<String, Object>) q;
    BigDecimal bid = Decimals.parse(m.get("bid"));
    BigDecimal ask = Decimals.parse(m.get("ask"));
    Instant at = instant(m.get("quoted_at"));
    return bid == null || ask == null || at == null ? null : new Quote(ticker, bid, ask, at, at, null);
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
      f.add(Field.text("Approvals", progressLine()));
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
      String.valueOf(expiresAt), String.join(",", approvedBy)) + (tradeState == null ? "" : "|" + tradeState)
      + (acknowledged.isEmpty() ? "" : "|ack:" + String.join(",", acknowledged.keySet()));
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
