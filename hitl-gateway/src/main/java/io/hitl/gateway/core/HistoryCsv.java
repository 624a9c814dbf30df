package io.hitl.gateway.core;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The history export: one CSV line per request with what a desk reviews (who asked, what, who decided, how,
 * and which parameters an approver edited). The `integrity` column says whether the row matched its hash.
 */
public final class HistoryCsv {
  public static final List<String> COLUMNS = List.of("request_id", "created_at", "status", "type", "title", "ticker",
    "side", "quantity", "price", "notional", "risk_level", "requested_by", "required_approvals", "decided_at",
    "decided_by", "decision_channel", "decision_reason", "decision_comment", "edited_keys", "policy_name",
    "lineage_id", "correlation_id", "integrity");

  private HistoryCsv() {
  }

  public static String header() {
    return Csv.line(COLUMNS);
  }

  public static String line(Approval a) {
    Map<String, Object> c = a.context() == null ? Map.of() : a.context();
    List<String> cells = new ArrayList<>();
    cells.add(a.id().toString());
    cells.add(Times.format(a.createdAt()));
    cells.add(a.status().json());
    cells.add(a.type());
    cells.add(a.title());
    cells.add(text(c.get("ticker")));
    cells.add(text(c.getOrDefault("action", c.get("side"))));
    cells.add(text(c.get("quantity")));
    cells.add(text(c.get("price")));
    cells.add(notional(c.get("quantity"), c.get("price")));
    cells.add(text(c.get("risk_level")));
    cells.add(a.requestedBy());
    cells.add(String.valueOf(a.requiredApprovals()));
    cells.add(Times.format(a.decidedAt()));
    cells.add(a.decidedBy());
    cells.add(a.decisionChannel());
    cells.add(a.decisionReason());
    cells.add(a.decisionComment());
    cells.add(editedKeys(a.overrides()));
    cells.add(a.policy() == null ? null : text(a.policy().get(PolicyKeys.POLICY_NAME)));
    cells.add(a.lineageId() == null ? null : a.lineageId().toString());
    cells.add(a.correlationId());
    cells.add(a.integrityOk() ? "ok" : "row_hash_mismatch");
    return Csv.line(cells);
  }

  /** quantity × price, to 8 places (HALF_EVEN), or empty when either is not a number. */
  public static String notional(Object quantity, Object price) {
    BigDecimal q = quantity instanceof Boolean ? null : Decimals.parse(quantity);
    BigDecimal p = price instanceof Boolean ? null : Decimals.parse(price);
    if (q == null || p == null) {
      return null;
    }
    return q.multiply(p).setScale(8, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
  }

  private static String editedKeys(Map<String, Object> overrides) {
    Object diff = overrides == null ? null : overrides.get("diff");
    if (!(diff instanceof Map) || ((Map<?, ?>) diff).isEmpty()) {
      return null;
    }
    return String.join(" ", ((Map<?, ?>) diff).keySet().stream().map(String::valueOf).sorted().toList());
  }

  private static String text(Object v) {
    return v == null ? null : v instanceof BigDecimal ? ((BigDecimal) v).toPlainString() : String.valueOf(v);
  }
}
