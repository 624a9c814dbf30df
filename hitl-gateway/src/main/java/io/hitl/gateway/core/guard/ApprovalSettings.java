package io.hitl.gateway.core.guard;

import io.hitl.gateway.core.GatewayException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The approval settings every node reads in the create transaction. {@code hitlEnabled} null means
 * "follow HITL_ENABLED": the environment decides until an admin sets a value.
 */
public record ApprovalSettings(TradingMode tradingMode, boolean autoApprovePaper, boolean requireApprovalForLive,
    Boolean hitlEnabled, String updatedBy, Instant updatedAt) {

  private static final Set<String> FIELDS = Set.of("trading_mode", "auto_approve_paper", "require_approval_for_live",
    "hitl_enabled");

  public boolean hitlEnabled(boolean environmentDefault) {
    return hitlEnabled == null ? environmentDefault : hitlEnabled;
  }

  /**
   * These settings with the fields of a PUT body applied; absent fields keep their value, and
   * {@code "hitl_enabled": null} returns that setting to the HITL_ENABLED default.
   */
  public ApprovalSettings apply(Map<String, Object> body, String by, Instant at) {
    Map<String, String> errors = new LinkedHashMap<>();
    Set<String> unknown = new TreeSet<>(body.keySet());
    unknown.removeAll(FIELDS);
    unknown.forEach(f -> errors.put(f, "unknown field"));
    if (body.isEmpty()) {
      errors.put("body", "must set at least one of " + String.join(", ", new TreeSet<>(FIELDS)));
    }
    TradingMode mode = tradingMode;
    if (body.containsKey("trading_mode")) {
      Object v = body.get("trading_mode");
      mode = v instanceof String ? TradingMode.parse((String) v) : null;
      if (mode == null) {
        errors.put("trading_mode", "must be paper, live or disabled");
      }
    }
    Boolean autoPaper = flag(body, "auto_approve_paper", autoApprovePaper, false, errors);
    Boolean requireLive = flag(body, "require_approval_for_live", requireApprovalForLive, false, errors);
    Boolean hitl = flag(body, "hitl_enabled", hitlEnabled, true, errors);
    if (!errors.isEmpty()) {
      throw GatewayException.invalid(errors);
    }
    return new ApprovalSettings(mode, autoPaper, requireLive, hitl, by, at);
  }

  private static Boolean flag(Map<String, Object> body, String field, Boolean current, boolean nullable,
      Map<String, String> errors) {
    if (!body.containsKey(field)) {
      return current;
    }
    Object v = body.get(field);
    if (v == null && nullable) {
      return null;
    }
    if (!(v instanceof Boolean)) {
      errors.put(field, nullable ? "must be true, false or null" : "must be true or false");
      return current;
    }
    return (Boolean) v;
  }
}
