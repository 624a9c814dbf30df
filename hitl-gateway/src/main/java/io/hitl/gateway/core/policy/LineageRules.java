package io.hitl.gateway.core.policy;

import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Re-request lineage (seed 004 item 6): a rejected or expired request may be asked again as a new request
 * linked by lineage_id (the first request's id), by its requester or an admin, from the newest request of
 * the lineage only, after a cooldown and within a per-lineage limit.
 */
public final class LineageRules {
  private LineageRules() {
  }

  /** The lineage as stored: how many re-requests it has and its newest request. */
  public record Lineage(UUID root, int reRequests, UUID newest) {
  }

  public static UUID rootOf(Approval a) {
    return a.lineageId() != null ? a.lineageId() : a.id();
  }

  /** Throws the refusal of a re-request of {@code source}, in the order role, status, newest, limit, cooldown. */
  public static void check(Approval source, Actor actor, Lineage lineage, Policy.ReRequest rules, Instant now) {
    actor.require(Role.SUBMITTER, "re-request approval requests");
    if (!actor.has(Role.ADMIN) && !actor.subject().equals(source.requestedBy())) {
      throw new GatewayException(ErrorCode.SEC_002, "Only the requester or an admin may re-request a request");
    }
    if (source.status() != ApprovalStatus.REJECTED && source.status() != ApprovalStatus.EXPIRED) {
      throw new GatewayException(ErrorCode.SEC_030, "Only rejected or expired requests can be re-requested; request "
        + source.id() + " is " + source.status().json(), Map.of("status", source.status().json()));
    }
    if (!source.id().equals(lineage.newest())) {
      throw new GatewayException(ErrorCode.SEC_030, "Request " + source.id() + " was already re-requested as "
        + lineage.newest() + "; re-request the newest request of the lineage",
        Map.of("lineage_id", lineage.root().toString(), "newest_request_id", lineage.newest().toString()));
    }
    if (lineage.reRequests() >= rules.maxPerLineage()) {
      throw new GatewayException(ErrorCode.SEC_030, "Lineage " + lineage.root() + " has reached its limit of "
        + rules.maxPerLineage() + " re-request(s)",
        Map.of("lineage_id", lineage.root().toString(), "max_per_lineage", rules.maxPerLineage()));
    }
    Instant allowedAt = (source.decidedAt() == null ? source.createdAt() : source.decidedAt())
      .plusSeconds(rules.cooldownSeconds());
    if (now.isBefore(allowedAt)) {
      long millis = Duration.between(now, allowedAt).toMillis();
      long seconds = Math.max(1, (millis + 999) / 1000);
      Map<String, Object> ext = new LinkedHashMap<>();
      ext.put("retry_after_seconds", seconds);
      ext.put("lineage_id", lineage.root().toString());
      throw new GatewayException(ErrorCode.SEC_060, "Request " + source.id() + " may be re-requested "
        + rules.cooldownSeconds() + " s after its decision; retry in " + seconds + " s", ext);
    }
  }
}
