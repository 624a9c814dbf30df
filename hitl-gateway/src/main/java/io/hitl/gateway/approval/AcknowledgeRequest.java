package io.hitl.gateway.approval;

import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.DecisionRules;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.RequestValidator;
import io.hitl.gateway.core.machine.ApprovalMachine;
import io.hitl.gateway.core.machine.ApprovalState;
import io.hitl.gateway.core.policy.AcknowledgementRules;
import io.hitl.gateway.core.policy.PolicySnapshot;
import io.hitl.gateway.store.AcknowledgementStore;
import io.hitl.gateway.store.ApprovalStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A persona ticks its box on a pending request (seed 004 item 3). Ticking a box already ticked changes
 * nothing; a request past its deadline gets its timeout action first, as a late decision does. The caller
 * gets the request with its progress and checklist as this change left them.
 */
final class AcknowledgeRequest {
  private final WritePath w;
  private final ApprovalStore approvals = new ApprovalStore();
  private final AcknowledgementStore acknowledgements = new AcknowledgementStore();

  AcknowledgeRequest(WritePath w) {
    this.w = w;
  }

  Future<ApprovalService.Decided> acknowledge(UUID id, String persona, String comment, String channel, Actor actor,
      String corr) {
    Instant now = w.now();
    Map<String, Object> attempt = new LinkedHashMap<>();
    attempt.put("persona", persona);
    attempt.put("channel", channel);
    String note;
    try {
      if (!actor.canRead()) {
        throw new GatewayException(ErrorCode.SEC_002, "A role is required to acknowledge requests");
      }
      if (persona == null || persona.isBlank()) {
        throw GatewayException.invalid(Map.of("persona", "is required"));
      }
      note = RequestValidator.optionalText(comment, "comment", RequestValidator.MAX_REASON);
      WritePath.requireChannel(channel);
    } catch (GatewayException e) {
      return w.refusals().refused(e, id, actor, "acknowledge_refused", attempt, corr);
    }
    return w.commitBy(actor, conn -> approvals.findForUpdate(conn, id).compose(found -> found == null
      ? Future.failedFuture(WritePath.notFound(id))
      : w.integrity().checked(conn, found, corr, now, s -> ticked(conn, s, persona, note, channel, actor, corr, now))))
      .transform(ar -> {
        if (ar.failed()) {
          return w.refusals().refused(ar.cause(), id, actor, "acknowledge_refused", attempt, corr);
        }
        Change c = ar.result();
        return c.next() == Change.Next.AGAIN ? acknowledge(id, persona, comment, channel, actor, corr)
          : Future.succeededFuture(new ApprovalService.Decided(c.approval(), c.answer()));
      });
  }

  private Future<Change> ticked(SqlConnection conn, ApprovalState s, String persona, String note, String channel,
      Actor actor, String corr, Instant now) {
    Approval a = s.row();
    AcknowledgementRules.check(a, actor, persona, w.operatorsOf(a).selfApproval());
    DecisionRules.requirePending(a);
    if (!now.isBefore(a.expiresAt())) {
      return w.timeouts().now(conn, s, corr, now);
    }
    return acknowledgements.insert(conn, a.id(), persona, actor.subject(), note, now)
      .compose(ticked -> acknowledgements.list(conn, a.id()).map(list -> {
        Change c = Change.of(a).answered(ReadRequests.answer(a, new ArrayList<>(s.approvers()), w.operatorsOf(a),
          list));
        if (!ticked) {
          return c;
        }
        Set<String> done = new LinkedHashSet<>();
        list.forEach(x -> done.add(x.persona()));
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("comment", note);
        payload.put("channel", channel);
        payload.put("acknowledged", new ArrayList<>(done));
        payload.put("missing", PolicySnapshot.missing(a.policy(), done));
        return c.with(ApprovalMachine.acknowledge(s, persona, payload, actor.subject(), corr, now));
      }));
  }
}
