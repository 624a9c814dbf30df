package io.hitl.gateway.approval;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.machine.ApprovalMachine;
import io.hitl.gateway.core.pretrade.ScopedSwitch;
import io.hitl.gateway.core.pretrade.ScopedSwitches;
import io.hitl.gateway.core.pretrade.SwitchEntries;
import io.hitl.gateway.store.ApprovalStore;
import io.hitl.gateway.store.SwitchStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.UUID;

/**
 * Engaging a scoped kill switch: the switch row, then every pending trade in its scope rejected (reason
 * SCOPED_SWITCH), in one transaction with its journal entry first. The engage holds the Guardian lock shared
 * and then the switches' lock exclusively, the order a create takes them in; a create holds the switches'
 * lock shared while it reads them, so a trade in scope either commits before the engage (and is rejected by
 * it) or waits and is refused.
 */
public final class SwitchCascade {
  static final int BATCH = 500;
  /** Below every id in PostgreSQL's order (bytes compared unsigned, unlike {@link UUID#compareTo}). */
  private static final UUID FIRST = new UUID(0, 0);

  private final ApprovalService service;
  private final SwitchStore switches = new SwitchStore();
  private final ApprovalStore approvals = new ApprovalStore();

  /** The switch in force on the scope; {@code engaged} false when one already was (it is returned unchanged). */
  public record Result(ScopedSwitch state, boolean engaged, long rejected) {
  }

  public SwitchCascade(ApprovalService service) {
    this.service = service;
  }

  /**
   * Engages {@code asked} (its id, scope, reason and author; its time is taken once the locks are held), its entry
   * stamped with the identity {@code by} acted under and the channel (and chat user) {@code via} it came through.
   */
  public Future<Result> engage(ScopedSwitch asked, SwitchEntries.Via via, String corr,
      io.hitl.gateway.core.Actor by) {
    Result[] out = new Result[1];
    return service.tx(conn -> service.guards().guardianShared(conn).compose(g -> switches.exclusive(conn))
      .compose(v -> {
        // taken once the locks are ours, so every request that committed before has an earlier time
        Instant now = service.now();
        ScopedSwitch s = new ScopedSwitch(asked.id(), asked.scope(), asked.reason(), asked.setBy(), now, 0, null, null,
          null);
        return switches.insert(conn, s).compose(inserted -> {
          if (inserted == null) {
            return switches.engagedOn(conn, s.scope()).map(existing -> {
              out[0] = new Result(existing, false, 0);
              return Change.none();
            });
          }
          return rejectInScope(conn, s, new Swept(Change.none(), 0), FIRST, corr, now).compose(x -> {
            if (x.change().next() == Change.Next.ALONE) {
              return Future.succeededFuture(x.change());
            }
            return switches.setRejected(conn, s.id(), x.count()).map(stored -> {
              out[0] = new Result(stored, true, x.count());
              return x.change().withFirst(by.stamp(SwitchEntries.engaged(stored, via, corr)));
            });
          });
        });
      })).map(c -> out[0]);
  }

  private record Swept(Change change, long count) {
  }

  /** Batch after batch of pending trades carrying the scope's key and value, in id order, until none is left. */
  private Future<Swept> rejectInScope(SqlConnection conn, ScopedSwitch s, Swept soFar, UUID after, String corr,
      Instant now) {
    return approvals.pendingInScopeForUpdate(conn, s.scope().kind().contextKey(), s.scope().value(), after, BATCH)
      .compose(batch -> {
        if (batch.isEmpty()) {
          return Future.succeededFuture(soFar);
        }
        Future<Swept> f = Future.succeededFuture(soFar);
        for (Approval a : batch) {
          // the scope's own rule has the last word, so the cascade rejects exactly what a create would refuse
          if (!ScopedSwitches.stops(s.scope(), a.context())) {
            continue;
          }
          f = f.compose(x -> x.change().next() == Change.Next.ALONE ? Future.succeededFuture(x)
            : reject(conn, x.change(), a, s, corr, now).map(c -> new Swept(c, x.count() + 1)));
        }
        UUID last = batch.get(batch.size() - 1).id();
        return f.compose(x -> x.change().next() == Change.Next.ALONE ? Future.succeededFuture(x)
          : rejectInScope(conn, s, x, last, corr, now));
      });
  }

  /** One pending trade rejected by the switch; one that does not match its journal is handled as a tamper instead. */
  private Future<Change> reject(SqlConnection conn, Change c, Approval pending, ScopedSwitch s, String corr,
      Instant now) {
    return service.integrity().checked(conn, pending, corr, now, st -> service.writer().persist(conn,
        Change.of(st.row()), ApprovalMachine.decide(st, ApprovalStatus.REJECTED, ApprovalService.SYSTEM,
          ApprovalService.SYSTEM, ScopedSwitches.REJECT_REASON, ScopedSwitches.rejectComment(s), null, corr, now)))
      .map(t -> t.next() == Change.Next.ALONE ? t : c.then(t));
  }
}
