package io.hitl.gateway.approval;

import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.NewRequest;
import io.hitl.gateway.core.RequestValidator;
import io.hitl.gateway.core.Role;
import io.hitl.gateway.core.machine.ApprovalMachine;
import io.hitl.gateway.core.machine.ApprovalState;
import io.hitl.gateway.core.policy.LineageRules;
import io.hitl.gateway.core.policy.PolicyRules;
import io.hitl.gateway.core.policy.PolicySnapshot;
import io.hitl.gateway.store.ApprovalStore;
import io.hitl.gateway.store.CallbackStore;
import io.hitl.gateway.store.DbFailures;
import io.hitl.gateway.store.LineageStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Asks a rejected or expired request again (seed 004 item 6): a new request with the same type, title,
 * description and context, matched against the policy in force now, linked by lineage_id to the first
 * request of its lineage. The lineage's first row is locked, so concurrent re-requests are serialized.
 */
final class ReRequest {
  private final WritePath w;
  private final CreateRequest creates;
  private final ApprovalStore approvals = new ApprovalStore();
  private final LineageStore lineages = new LineageStore();
  private final CallbackStore callbacks = new CallbackStore();

  ReRequest(WritePath w, CreateRequest creates) {
    this.w = w;
    this.creates = creates;
  }

  Future<ApprovalService.Created> reRequest(UUID id, String reason, Actor actor, String corr) {
    Instant now = w.now();
    String why;
    try {
      actor.require(Role.SUBMITTER, "re-request approval requests");
      why = RequestValidator.optionalText(reason, "reason", RequestValidator.MAX_REASON);
    } catch (GatewayException e) {
      return w.refusals().refused(e, id, actor, "rerequest_refused", Map.of(), corr);
    }
    return w.policies().active(w.pool()).recover(DbFailures::fail).compose(active -> w.commitBy(actor, conn ->
      approvals.findForUpdate(conn, id).compose(found -> found == null ? Future.failedFuture(WritePath.notFound(id))
        : w.integrity().checked(conn, found, corr, now, source -> again(conn, source, active, why, actor, corr, now)))))
      .map(c -> new ApprovalService.Created(c.approval(), c.created()))
      .recover(t -> w.refusals().refused(t, id, actor, "rerequest_refused", Map.of(), corr));
  }

  private Future<Change> again(SqlConnection conn, ApprovalState s, PolicyRules.Active active, String why, Actor actor,
      String corr, Instant now) {
    Approval source = s.row();
    UUID root = LineageRules.rootOf(source);
    Future<Approval> first = root.equals(source.id()) ? Future.succeededFuture(source)
      : approvals.findForUpdate(conn, root);
    return first.compose(x -> lineages.lineage(conn, root)).compose(lineage -> {
      LineageRules.check(source, actor, lineage, PolicySnapshot.reRequest(source.policy(),
        w.policies().limits().reRequest()), now);
      NewRequest req = new NewRequest(source.type(), source.title(), source.description(), source.context(), null,
        null);
      PolicyRules.Resolution policy = PolicyRules.resolve(active, req.type(), req.context(), null, Map.of(),
        w.policies().limits());
      Approval fresh = CreateRequest.fresh(req, policy, actor, corr, null, root, now);
      Map<String, Object> link = new LinkedHashMap<>();
      link.put("new_request_id", fresh.id().toString());
      link.put("lineage_id", root.toString());
      link.put("reason", why);
      Change c = Change.of(source).with(ApprovalMachine.reRequested(s, link, actor.subject(), corr, now));
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("lineage_id", root.toString());
      extra.put("re_requested_from", source.id().toString());
      extra.put("re_request", lineage.reRequests() + 1);
      extra.put("reason", why);
      // the new request reports to the same engine callback as the one it repeats
      // the repeated order goes through the pre-trade gate like any new one
      return creates.admitted(conn, req, policy, fresh, actor, corr, null, root, now).compose(a -> approvals
        .insert(conn, a.gated().row())
        .compose(ok -> callbacks.copy(conn, source.id(), fresh.id(), now))
        .compose(url -> creates.gated(conn, c, a.gated(), actor, corr, now,
          url == null ? extra : CreateRequest.callbackAudit(extra, url), a.reason())));
    });
  }
}
