package io.hitl.gateway.approval;

import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.Decision;
import io.hitl.gateway.core.DecisionRules;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.RequestValidator;
import io.hitl.gateway.core.Role;
import io.hitl.gateway.core.guard.GuardianState;
import io.hitl.gateway.core.machine.ApprovalMachine;
import io.hitl.gateway.core.machine.ApprovalState;
import io.hitl.gateway.core.policy.EditRules;
import io.hitl.gateway.core.policy.PolicySnapshot;
import io.hitl.gateway.core.policy.Progress;
import io.hitl.gateway.store.AcknowledgementStore;
import io.hitl.gateway.store.ApprovalStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A person's decision (approve, reject, vote towards a quorum; SPEC §5) under the request's policy
 * snapshot: the facts read under the Guardian's shared lock and the row lock, the machine's decision
 * function, the transition persisted. The caller gets the request and the progress the decision computed.
 * A decision past the deadline applies the timeout plan first and runs again if the request stayed pending.
 */
final class DecideRequest {
  private final WritePath w;
  private final ApprovalStore approvals = new ApprovalStore();
  private final AcknowledgementStore acknowledgements = new AcknowledgementStore();

  DecideRequest(WritePath w) {
    this.w = w;
  }

  /** {@code edits} (approve with edits, null for none) change allowed context keys; they go with the deciding approval. */
  Future<ApprovalService.Decided> decide(UUID id, Decision decision, String reason, String comment, Object edits,
      String channel, Actor actor, String corr) {
    Instant now = w.now();
    Map<String, Object> attempt = new LinkedHashMap<>();
    attempt.put("decision", decision == null ? null : decision.json());
    attempt.put("channel", channel);
    if (edits != null) {
      attempt.put("edits", edits);
    }
    String why;
    String note;
    try {
      actor.require(Role.APPROVER, "decide approval requests");
      if (decision == null) {
        throw GatewayException.invalid(Map.of("decision", "must be approve or reject"));
      }
      why = RequestValidator.optionalText(reason, "reason", RequestValidator.MAX_REASON);
      note = RequestValidator.optionalText(comment, "comment", RequestValidator.MAX_REASON);
      WritePath.requireChannel(channel);
      if (edits != null && decision == Decision.REJECT) {
        throw EditRules.withReject();
      }
      if (edits != null && !(edits instanceof Map && !((Map<?, ?>) edits).isEmpty())) {
        throw EditRules.refusal(EditRules.INVALID, Map.of("edits", "must be an object of context keys and new values"),
          "Edits must be an object of context keys and new values");
      }
    } catch (GatewayException e) {
      return w.refusals().refused(e, id, actor, "decision_refused", attempt, corr);
    }
    DecisionRules.Ballot ballot = new DecisionRules.Ballot(actor, decision, why);
    return w.guards().prefetch(w.pool(), id, decision).compose(ready -> w.commitBy(actor, conn -> w.guards()
      .guardianShared(conn).compose(guardian -> approvals.findForUpdate(conn, id).compose(found -> found == null
        ? Future.failedFuture(WritePath.notFound(id))
        : w.integrity().checked(conn, found, corr, now, s -> decided(conn, guardian, s, ballot, note, edits, channel,
          corr, now))))))
      .transform(ar -> {
        if (ar.failed()) {
          return w.refusals().refused(ar.cause(), id, actor, "decision_refused", attempt, corr);
        }
        Change c = ar.result();
        return c.next() == Change.Next.AGAIN ? decide(id, decision, reason, comment, edits, channel, actor, corr)
          : Future.succeededFuture(new ApprovalService.Decided(c.approval(), c.answer()));
      });
  }

  /** One ballot on a request whose row matched its journal, under its row lock. */
  private Future<Change> decided(SqlConnection conn, GuardianState guardian, ApprovalState s,
      DecisionRules.Ballot ballot, String note, Object edits, String channel, String corr, Instant now) {
    Approval a = s.row();
    return w.guards().decisionFacts(conn, guardian, a, ballot.decision(), now)
      .compose(facts -> acknowledgedBy(conn, a).compose(acks -> {
        Set<String> personas = new HashSet<>();
        acks.forEach(x -> personas.add(x.persona()));
        ApprovalMachine.Result r = ApprovalMachine.decision(s, ballot, channel, note, edits, now, w.operatorsOf(a),
          facts, PolicySnapshot.missing(a.policy(), personas), corr);
        if (r.refused()) {
          return Future.failedFuture(r.refusal());
        }
        if (r.verdict().kind() == DecisionRules.Kind.EXPIRE_NOW) {
          return w.timeouts().now(conn, s, corr, now);
        }
        ApprovalState after = r.transition().after();
        List<String> approvers = new ArrayList<>(after.approvers());
        Change c = Change.of(a).withProgress(Progress.of(after.row(), approvers, r.verdict().superApproval()))
          .answered(ReadRequests.answer(after.row(), approvers, w.operatorsOf(a), acks));
        return w.writer().persist(conn, c, r.transition());
      }));
  }

  /** The acknowledgements of {@code a}, read only when its policy names personas. */
  private Future<List<AcknowledgementStore.Acknowledgement>> acknowledgedBy(SqlConnection conn, Approval a) {
    if (PolicySnapshot.acknowledgements(a.policy()).isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return acknowledgements.list(conn, a.id());
  }
}
