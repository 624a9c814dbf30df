package io.hitl.gateway.approval;

import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.guard.GuardEntries;
import io.hitl.gateway.core.guard.GuardianRules;
import io.hitl.gateway.core.guard.GuardianSource;
import io.hitl.gateway.core.guard.GuardianState;
import io.hitl.gateway.core.machine.ApprovalMachine;
import io.hitl.gateway.store.ApprovalStore;
import io.hitl.gateway.store.GuardianStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;

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

  /** A person's lock or unlock: the entries they write name who acted ({@link Change#by}). */
  public Future<Result> change(boolean lock, GuardianSource source, String reason, Actor by, String corr) {
    return change(lock, source, reason, by.subject(), by, corr);
  }

  private Future<Result> change(boolean lock, GuardianSource source, String reason, String actor, String corr) {
    return change(lock, source, reason, actor, null, corr);
  }

  private Future<Result> change(boolean lock, GuardianSource source, String reason, String actor, Actor by,
      String corr) {
    Result[] out = new Result[1];
    return service.tx(Change.by(by, conn -> guardian.exclusive(conn).compose(current -> {
      if (!GuardianRules.changes(current, lock, source)) {
        out[0] = new Result(current, false, 0);
        return Future.succeededFuture(Change.none());
      }
      // taken once the lock is ours, so every approval that committed before has an earlier decided_at
      Instant now = service.now();
      Future<Swept> swept = lock ? rejectPending(conn, new Swept(Change.none(), 0), corr, now)
        : Future.succeededFuture(new Swept(Change.none(), 0));
      return swept.compose(x -> x.change().next() == Change.Next.ALONE ? Future.succeededFuture(x.change())
        : guardian.set(conn, lock, reason, source, actor, now, x.count()).map(state -> {
          out[0] = new Result(state, true, x.count());
          return x.change().withFirst(GuardEntries.guardianChanged(current, state, x.count(), corr));
        }));
    }))).map(c -> out[0]);
  }

  /** The rejections so far and how many pending requests they covered. */
  private record Swept(Change change, int count) {
  }

  /** Batch after batch of pending requests, all in this transaction, until none is left. */
  private Future<Swept> rejectPending(SqlConnection conn, Swept soFar, String corr, Instant now) {
    return approvals.pendingForUpdate(conn, BATCH).compose(batch -> {
      if (batch.isEmpty()) {
        return Future.succeededFuture(soFar);
      }
      Future<Change> f = Future.succeededFuture(soFar.change());
      for (Approval a : batch) {
        f = f.compose(c -> c.next() == Change.Next.ALONE ? Future.succeededFuture(c) : reject(conn, c, a, corr, now));
      }
      return f.compose(c -> c.next() == Change.Next.ALONE ? Future.succeededFuture(new Swept(c, 0))
        : rejectPending(conn, new Swept(c, soFar.count() + batch.size()), corr, now));
    });
  }

  /**
   * A pending request rejected by the lock (the machine's decision, reason GUARDIAN_LOCK); one that does not
   * match its journal is handled as a tamper instead. The cascade's change then reports the request last changed.
   */
  private Future<Change> reject(SqlConnection conn, Change c, Approval locked, String corr, Instant now) {
    return service.integrity().checked(conn, locked, corr, now, s -> service.writer().persist(conn,
        Change.of(s.row()), ApprovalMachine.decide(s, ApprovalStatus.REJECTED, ApprovalService.SYSTEM,
          ApprovalService.SYSTEM, REASON, null, null, corr, now)))
      .map(t -> t.next() == Change.Next.ALONE ? t : c.then(t));
  }
}
