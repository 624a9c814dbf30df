package io.hitl.gateway.approval;

import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.RequestValidator;
import io.hitl.gateway.core.machine.ApprovalMachine;
import io.hitl.gateway.core.machine.ApprovalState;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.DecisionRules;
import io.hitl.gateway.store.ApprovalStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A cancel by the requester or an admin (the machine's cancel); past the deadline the timeout plan applies instead. */
final class CancelRequest {
  private final WritePath w;
  private final ApprovalStore approvals = new ApprovalStore();

  CancelRequest(WritePath w) {
    this.w = w;
  }

  Future<Approval> cancel(UUID id, String reason, String channel, Actor actor, String corr) {
    Instant now = w.now();
    String why;
    try {
      why = RequestValidator.optionalText(reason, "reason", RequestValidator.MAX_REASON);
      WritePath.requireChannel(channel);
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    return w.commitBy(actor, conn -> approvals.findForUpdate(conn, id).compose(found -> found == null
      ? Future.failedFuture(WritePath.notFound(id))
      : w.integrity().checked(conn, found, corr, now, s -> cancelled(conn, s, why, channel, actor, corr, now))))
      .transform(ar -> {
        if (ar.failed()) {
          return w.refusals().refused(ar.cause(), id, actor, "cancel_refused", Map.of("channel", channel), corr);
        }
        return ar.result().next() == Change.Next.AGAIN ? cancel(id, reason, channel, actor, corr)
          : Future.succeededFuture(ar.result().approval());
      });
  }

  private Future<Change> cancelled(SqlConnection conn, ApprovalState s, String why, String channel, Actor actor,
      String corr, Instant now) {
    ApprovalMachine.Result r = ApprovalMachine.cancel(s, actor, channel, why, corr, now);
    if (r.refused()) {
      return Future.failedFuture(r.refusal());
    }
    if (r.verdict() != null && r.verdict().kind() == DecisionRules.Kind.EXPIRE_NOW) {
      return w.timeouts().now(conn, s, corr, now);
    }
    return w.writer().persist(conn, Change.of(s.row()), r.transition());
  }
}
