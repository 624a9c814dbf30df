package io.hitl.gateway.approval;

import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.Decision;
import io.hitl.gateway.core.DecisionRules;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.RequestValidator;
import io.hitl.gateway.core.Role;
import io.hitl.gateway.core.guard.DecisionGuards;
import io.hitl.gateway.core.guard.GuardianState;
import io.hitl.gateway.core.machine.ApprovalMachine;
import io.hitl.gateway.core.machine.ApprovalState;
import io.hitl.gateway.core.policy.EditRules;
import io.hitl.gateway.core.policy.PolicySnapshot;
import io.hitl.gateway.core.policy.Progress;
import io.hitl.gateway.core.pretrade.Breach;
import io.hitl.gateway.core.pretrade.LimitOverride;
import io.hitl.gateway.core.pretrade.Order;
import io.hitl.gateway.core.pretrade.PretradePolicy;
import io.hitl.gateway.core.pretrade.ScopedSwitch;
import io.hitl.gateway.core.pretrade.ScopedSwitches;
import io.hitl.gateway.store.AcknowledgementStore;
import io.hitl.gateway.store.ApprovalStore;
import io.hitl.gateway.store.HistoryStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
      Object override, String channel, Actor actor, String corr) {
    Instant now = w.now();
    Map<String, Object> attempt = new LinkedHashMap<>();
    attempt.put("decision", decision == null ? null : decision.json());
    attempt.put("channel", channel);
    if (edits != null) {
      attempt.put("edits", edits);
    }
    if (override != null) {
      attempt.put(LimitOverride.BODY_KEY, override);
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
      if (override != null && decision == Decision.REJECT) {
        throw GatewayException.invalid(Map.of(LimitOverride.BODY_KEY, "goes only with an approval"));
      }
      if (edits != null && !(edits instanceof Map && !((Map<?, ?>) edits).isEmpty())) {
        throw EditRules.refusal(EditRules.INVALID, Map.of("edits", "must be an object of context keys and new values"),
          "Edits must be an object of context keys and new values");
      }
    } catch (GatewayException e) {
      return w.refusals().refused(e, id, actor, "decision_refused", attempt, corr);
    }
    DecisionRules.Ballot ballot = new DecisionRules.Ballot(actor, decision, why);
    return w.guards().prefetch(w.pool(), id, decision).compose(ready -> w.commitBy(actor, conn -> {
      // the locks (Guardian, switches, the row) and the reads under them sent together, in the order they are
      // taken: the connection runs each once the one before it has returned, and the first failure is reported
      Future<GuardianState> guardian = w.guards().guardianShared(conn);
      Future<Void> switches = w.guards().switchesShared(conn);
      Future<Approval> row = approvals.findForUpdate(conn, id);
      Future<HistoryStore.History> history = w.integrity().history(conn, id);
      return guardian.compose(g -> switches.compose(v -> row).compose(found -> found == null
        ? Future.failedFuture(WritePath.notFound(id))
        : w.integrity().checked(conn, found, history, corr, now, s -> decided(conn, g, s, ballot, note, edits,
          override, channel, corr, now))));
    }))
      .transform(ar -> {
        if (ar.failed()) {
          return w.refusals().refused(ar.cause(), id, actor, "decision_refused", attempt, corr);
        }
        Change c = ar.result();
        return c.next() == Change.Next.AGAIN ? decide(id, decision, reason, comment, edits, override, channel, actor,
          corr)
          : Future.succeededFuture(new ApprovalService.Decided(c.approval(), c.answer()));
      });
  }

  /** One ballot on a request whose row matched its journal, under its row lock. */
  private Future<Change> decided(SqlConnection conn, GuardianState guardian, ApprovalState s,
      DecisionRules.Ballot ballot, String note, Object edits, Object override, String channel, String corr,
      Instant now) {
    Approval a = s.row();
    List<Breach> breaches = LimitOverride.breaches(a.policy());
    LimitOverride.Grant grant;
    try {
      grant = grant(a, breaches, override);
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    // the decision's reads sent together: the guards' facts, the acknowledgements, and (for an approval) the
    // switch that would stop the order as asked, judged below unless edits change the order
    Future<DecisionGuards> guards = w.guards().decisionFacts(conn, guardian, a, ballot.decision(), now);
    Future<List<AcknowledgementStore.Acknowledgement>> acknowledged = acknowledgedBy(conn, a);
    Future<Optional<ScopedSwitch>> stopsAsked = ballot.decision() == Decision.APPROVE
      ? w.guards().stoppedBy(conn, a, a.context()) : null;
    return guards.compose(facts -> acknowledged.compose(acks -> {
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
        boolean approved = after.row().status() == ApprovalStatus.APPROVED;
        if (ballot.decision() == Decision.APPROVE) {
          Map<String, Object> edited = approved ? finalParameters(after.row()) : null;
          Future<Optional<ScopedSwitch>> stops = edited == null ? stopsAsked : w.guards().stoppedBy(conn, a, edited);
          return stops.compose(stop -> stop.isPresent()
            ? stopped(conn, s, stop.get(), corr, now)
            : approve(conn, s, r, after, approved, breaches, grant, override, acks, corr, now, ballot));
        }
        return approve(conn, s, r, after, approved, breaches, grant, override, acks, corr, now, ballot);
      }));
  }

  /**
   * An approval of a trade whose order (after edits) is in an engaged switch's scope: the request is rejected as
   * the engage would have rejected it, and the approver is refused with SEC-072 once that has committed.
   */
  private Future<Change> stopped(SqlConnection conn, ApprovalState s, ScopedSwitch stop, String corr, Instant now) {
    return w.writer().persist(conn, Change.of(s.row()), ApprovalMachine.decide(s, ApprovalStatus.REJECTED,
        ApprovalService.SYSTEM, ApprovalService.SYSTEM, ScopedSwitches.REJECT_REASON, ScopedSwitches.rejectComment(stop),
        null, corr, now))
      .map(c -> c.refused(ScopedSwitches.refusal(stop)));
  }

  /** The ballot as the machine decided it, with no switch in the way. */
  private Future<Change> approve(SqlConnection conn, ApprovalState s, ApprovalMachine.Result r, ApprovalState after,
      boolean approved, List<Breach> breaches, LimitOverride.Grant grant, Object override,
      List<AcknowledgementStore.Acknowledgement> acks, String corr, Instant now, DecisionRules.Ballot ballot) {
    Approval a = s.row();
    if (override != null && !approved) {
      return Future.failedFuture(new GatewayException(ErrorCode.SEC_053, "The override grant goes with the "
        + "approval that decides the request; this one counts towards its quorum"));
    }
    Map<String, Object> finalParameters = approved ? finalParameters(after.row()) : null;
    if (finalParameters != null && breaches != null && grant.raises()) {
      return Future.failedFuture(new GatewayException(ErrorCode.SEC_053, "A raise authorises the order as "
        + "asked; approve edits with grant once"));
    }
    List<String> approvers = new ArrayList<>(after.approvers());
    Change c = Change.of(a).withProgress(Progress.of(after.row(), approvers, r.verdict().superApproval()))
      .answered(ReadRequests.answer(after.row(), approvers, w.operatorsOf(a), acks));
    // an edited order is a new proposal: it is checked against the limits again before it is approved
    Future<Instant> recounted = finalParameters == null ? Future.succeededFuture()
      : w.pretrade().edited(conn, a, finalParameters);
    return recounted.compose(at -> w.writer().persist(conn, c, r.transition()).compose(done -> !approved
      || breaches == null ? Future.succeededFuture(done)
      : w.pretrade().granted(conn, a, grant, breaches, finalParameters == null, ballot.actor().subject(), corr, now)
        .map(entries -> {
          Change out = done;
          for (JournalEntry e : entries) {
            out = out.with(e, done.approval());
          }
          return out;
        }))
      // the edited order's count is journaled last, so verify takes it as the latest count of the request
      .map(done -> at == null ? done : done.with(PretradeChecks.recounted(a, finalParameters, at,
        ballot.actor().subject(), corr, now), done.approval())));
  }

  /** The approver's grant on a limit-override request; a grant on any other request is SEC-053. */
  private static LimitOverride.Grant grant(Approval a, List<Breach> breaches, Object override) {
    if (breaches == null) {
      if (override != null) {
        throw new GatewayException(ErrorCode.SEC_053, "Request " + a.id() + " is not a limit-override request; "
          + "there is no limit to raise");
      }
      return LimitOverride.Grant.DEFAULT;
    }
    PretradePolicy p = PolicySnapshot.pretrade(a.policy());
    return LimitOverride.parse(override, p == null ? Duration.ZERO : p.maxRaise(), breaches,
      Order.fromContext(a.context()));
  }

  /** The parameters an approval with edits decided, or null when it was approved as asked. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> finalParameters(Approval decided) {
    Object v = decided.overrides() == null ? null : decided.overrides().get("final_parameters");
    return v instanceof Map ? (Map<String, Object>) v : null;
  }

  /** The acknowledgements of {@code a}, read only when its policy names personas. */
  private Future<List<AcknowledgementStore.Acknowledgement>> acknowledgedBy(SqlConnection conn, Approval a) {
    if (PolicySnapshot.acknowledgements(a.policy()).isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return acknowledgements.list(conn, a.id());
  }
}
