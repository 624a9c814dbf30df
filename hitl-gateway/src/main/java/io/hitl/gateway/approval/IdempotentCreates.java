package io.hitl.gateway.approval;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.Idempotency;
import io.hitl.gateway.store.IdempotencyStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;

/**
 * The idempotency of creates inside their transaction: a submitter's Idempotency-Key is marked in flight
 * on every node for as long as the create runs, and a create that collides with a stored request is a
 * retry (the stored request is returned) or refused as {@link Idempotency} judges.
 */
final class IdempotentCreates {
  private final IdempotencyStore store = new IdempotencyStore();

  /** Succeeds when no other transaction is creating with this submitter's key; SEC-015 otherwise. */
  Future<Void> reserve(SqlConnection conn, String submitter, String key) {
    if (key == null) {
      return Future.succeededFuture();
    }
    return store.tryMark(conn, submitter, key).compose(mine -> mine ? Future.<Void>succeededFuture()
      : Future.failedFuture(Idempotency.inFlight()));
  }

  /** The stored request this create repeats; a refusal when it reuses a key or trade_id otherwise; null when none. */
  Future<Approval> repeated(SqlConnection conn, String submitter, String key, String tradeId, String fingerprint) {
    return store.collisions(conn, submitter, key, tradeId).compose(found -> {
      IdempotencyStore.Collision hit = pick(found);
      if (hit == null) {
        return Future.succeededFuture(null);
      }
      Idempotency.Verdict v = Idempotency.judge(hit.stored(), submitter, fingerprint);
      return v == Idempotency.Verdict.RETRY ? Future.succeededFuture(hit.approval())
        : Future.failedFuture(Idempotency.refusal(v, hit.byKey()));
    });
  }

  /** The submitter's own key decides first; otherwise the request holding the trade_id. */
  private static IdempotencyStore.Collision pick(List<IdempotencyStore.Collision> found) {
    IdempotencyStore.Collision byTrade = null;
    for (IdempotencyStore.Collision c : found) {
      if (c.byKey()) {
        return c;
      }
      byTrade = c;
    }
    return byTrade;
  }
}
