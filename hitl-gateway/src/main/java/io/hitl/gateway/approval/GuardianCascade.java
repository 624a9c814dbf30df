package io.hitl.gateway.approval;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.guard.GuardEntries;
import io.hitl.gateway.core.guard.GuardianRules;
import io.hitl.gateway.core.guard.GuardianSource;
import io.hitl.gateway.core.guard.GuardianState;
import io.hitl.gateway.store.ApprovalStore;
import io.hitl.gateway.store.GuardianStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.List;

/**
 * SPEC I6. A lock sets the Guardian row LOCKED and rejects every pending request in the same
 * transaction (reason GUARDIAN_LOCK, channel system), holding the Guardian lock exclusively
 * throughout: a decision or create holds it shared from its first statement, so it either commits
 * before the lock or waits and then sees it.
 */
public final class GuardianCascade {
  public static final String REASON = "GUARDIAN_LOCK";
  public static final String TARGET = GuardEntries.GUARDIAN_TARGET;
  static final int BATCH = 500;

  private final ApprovalService service;
  private final GuardianStore guardian = new GuardianStore();
  private final ApprovalStore approvals = new ApprovalStore();

  /** The Guardian after a lock or unlock; {@code changed} false when it already was in that state. */
  public record Result(GuardianState state, boolean changed, int rejected) {
  }

  public GuardianCascade(ApprovalService service) {
    this.service = service;
  }

  public Future<Result> lock(GuardianSource source, String reason, String actor, String corr) {
    return change(true, source, reason, actor, corr);
  }

  public Future<Result> unlock(GuardianSource source, String reason, String actor, String corr) {
    return change(false, source, reason, actor, corr);
  }

  private Future<Result> change(boolean lock, GuardianSource source, String reason, String actor, String corr) {
    Result[] out = new Result[1];
    return service.tx(conn -> guardian.exclusive(conn).compose(current -> {
      if (!GuardianRules.changes(current, lock, source)) {
        out[0] = new Result(current, false, 0);
        return Future.succeededFuture(new Change(null));
      }
      // taken once the lock is ours, so every approval that committed before has an earlier decided_at
      Instant now = service.now();
      Change c = new Change(null);
      c.entries.add(null);
      c.snapshots.add(null);
      Future<Integer> rejected = lock ? rejectPending(conn, c, corr, now, 0) : Future.succeededFuture(0);
      return rejected.compose(n -> guardian.set(conn, lock, reason, source, actor, now, n).map(state -> {
        c.entries.set(0, GuardEntries.guardianChanged(current, state, n, corr));
        out[0] = new Result(state, true, n);
        return c;
      }));
    })).map(c -> out[0]);
  }

  /** Batch after batch of pending requests, all in this transaction, until none is left. */
  private Future<Integer> rejectPending(SqlConnection conn, Change c, String corr, Instant now, int soFar) {
    return approvals.pendingForUpdate(conn, BATCH).compose(batch -> {
      if (batch.isEmpty()) {
        return Future.succeededFuture(soFar);
      }
      Future<Change> f = Future.succeededFuture(c);
      for (Approval a : batch) {
        f = f.compose(x -> reject(conn, c, a, corr, now));
      }
      return f.compose(x -> rejectPending(conn, c, corr, now, soFar + batch.size()));
    });
  }

  /** A pending request rejected by the lock; one that does not match its journal is handled as a tamper instead. */
  private Future<Change> reject(SqlConnection conn, Change c, Approval locked, String corr, Instant now) {
    return service.checked(conn, locked, corr, now, a -> {
      Approval done = a.decided(ApprovalStatus.REJECTED, now, ApprovalService.SYSTEM, ApprovalService.SYSTEM, REASON,
        null);
      return service.terminal(conn, new Change(a), done, Events.REJECTED, ApprovalService.SYSTEM, corr, now);
    }).map(t -> merge(c, t.entries, t.snapshots));
  }

  /** The steps of one rejection added to the cascade's change, which then reports the request last changed. */
  private static Change merge(Change c, List<JournalEntry> entries, List<Approval> snapshots) {
    for (int i = 0; i < entries.size(); i++) {
      c.record(entries.get(i), snapshots.get(i));
    }
    return c;
  }
}
