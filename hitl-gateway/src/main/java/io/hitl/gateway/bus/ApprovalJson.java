package io.hitl.gateway.bus;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.PolicyKeys;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.pretrade.LimitOverride;
import io.hitl.gateway.core.pretrade.Order;
import io.hitl.gateway.core.pretrade.OrderDigest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON views of the contract: snake_case, statuses lower case, decimals as strings. */
public final class ApprovalJson {
  private ApprovalJson() {
  }

  public static JsonObject approval(Approval a, Instant now) {
    JsonObject j = new JsonObject()
      .put("request_id", a.id().toString())
      .put("type", a.type())
      .put("title", a.title())
      .put("description", a.description())
      .put("context", a.context() == null ? new JsonObject() : new JsonObject(a.context()))
      .put("risk_level", a.context() == null ? null : a.context().get("risk_level"))
      .put("trade_id", a.tradeId())
      .put("requested_by", a.requestedBy())
      .put("correlation_id", a.correlationId())
      .put("status", a.status().json())
      .put("required_approvals", a.requiredApprovals())
      .put("created_at", Times.format(a.createdAt()))
      .put("expires_at", Times.format(a.expiresAt()))
      .put("escalation_level", a.escalationLevel())
      .put("escalate_at", Times.format(a.escalateAt()))
      .put("timeout_action", a.policy() == null ? null : a.policy().get(PolicyKeys.TIMEOUT_ACTION))
      .put("decided_at", Times.format(a.decidedAt()))
      .put("decided_by", a.decidedBy())
      .put("decision_channel", a.decisionChannel())
      .put("decision_reason", a.decisionReason())
      .put("decision_comment", a.decisionComment())
      .put("policy_hash", a.policyHash())
      .put("policy_name", a.policy() == null ? null : a.policy().get(PolicyKeys.POLICY_NAME))
      .put("policy_version", a.policy() == null ? null : a.policy().get(PolicyKeys.POLICY_VERSION))
      .put("lineage_id", a.lineageId() == null ? null : a.lineageId().toString())
      .put("overrides", a.overrides() == null ? null : new JsonObject(a.overrides()))
      .put("row_hash", a.rowHash());
    if (a.isTrade()) {
      j.put("order_digest", orderDigest(a));
    }
    Object override = a.policy() == null ? null : a.policy().get(LimitOverride.SNAPSHOT_KEY);
    if (override instanceof Map) {
      j.put(LimitOverride.SNAPSHOT_KEY, new JsonObject(new LinkedHashMap<>(map(override))));
    }
    if (a.status() == ApprovalStatus.PENDING) {
      long remaining = Math.max(0, Duration.between(now, a.expiresAt()).toMillis()) / 1000;
      j.put("seconds_remaining", remaining);
    }
    return j;
  }

  /**
   * The digest of the order this request authorises: the order as asked, or as an approval with edits
   * changed it (a new proposal, a new digest).
   */
  public static String orderDigest(Approval a) {
    Object edited = a.overrides() == null ? null : a.overrides().get("final_parameters");
    return OrderDigest.of(Order.fromContext(edited instanceof Map ? map(edited) : a.context() == null ? Map.of()
      : a.context()));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object v) {
    return (Map<String, Object>) v;
  }

  public static JsonObject journal(JournalEntry e) {
    return new JsonObject()
      .put("seq", e.seq())
      .put("approval_id", e.approvalId() == null ? null : e.approvalId().toString())
      .put("target", e.target())
      .put("actor", e.actor())
      .put("action", e.action())
      .put("previous_state", e.previousState())
      .put("new_state", e.newState())
      .put("payload", e.payload() == null ? new JsonObject() : new JsonObject(e.payload()))
      .put("correlation_id", e.correlationId())
      .put("error_code", e.errorCode())
      .put("prev_hash", e.prevHash())
      .put("hash", e.hash())
      .put("created_at", Times.format(e.createdAt()));
  }
}
