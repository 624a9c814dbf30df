package io.hitl.gateway.outbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Request views as the API returns them, for the renderer tests. */
final class Views {
  static final String ID = "0b6a1a7e-3c1f-4a57-9a77-1a2b3c4d5e6f";

  private Views() {
  }

  static Map<String, Object> pendingTrade() {
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("ticker", "7203.T");
    context.put("action", "BUY");
    context.put("quantity", "100");
    context.put("price", "2850.5");
    context.put("strategy", "momentum");
    context.put("confidence", "0.85");
    context.put("risk_pct", "1.5");
    context.put("reason", "Strong momentum signal detected with 85% confidence");
    context.put("risk_level", "MEDIUM");
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("request_id", ID);
    v.put("type", "TRADE_EXECUTION");
    v.put("title", "BUY 100 7203.T");
    v.put("description", "Trade execution request: BUY 100 shares of 7203.T");
    v.put("context", context);
    v.put("risk_level", "MEDIUM");
    v.put("requested_by", "engine-1");
    v.put("status", "pending");
    v.put("required_approvals", 1);
    v.put("created_at", "2026-01-17T12:00:00.000000Z");
    v.put("expires_at", "2026-01-17T12:30:00.000000Z");
    v.put("escalation_level", 0);
    v.put("seconds_remaining", 1800);
    v.put("approved_by", new ArrayList<>());
    return v;
  }

  static Map<String, Object> decided(String status, String by, String channel, String reason) {
    Map<String, Object> v = pendingTrade();
    v.put("status", status);
    v.put("decided_at", "2026-01-17T12:05:00.000000Z");
    v.put("decided_by", by);
    v.put("decision_channel", channel);
    v.put("decision_reason", reason);
    v.remove("seconds_remaining");
    return v;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Object o) {
    return (List<Map<String, Object>>) o;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }
}
