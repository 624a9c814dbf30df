package io.hitl.gateway.approval;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.machine.ApprovalEntry;
import io.hitl.gateway.core.machine.ApprovalMachine;
import io.hitl.gateway.store.ApprovalStore;
import io.hitl.gateway.store.TimerStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

/**
 * Persists a machine transition under the row lock its caller holds: per entry, the rows it changes
 * (a vote row, the conditional terminal write with its ballot, the rescheduled deadline) and what follows
 * a terminal outcome of a trade. A conditional write that lost is refused (SEC-012); entries that change
 * no table (notices, reminders, acknowledgements written by their use case) are only recorded.
 */
final class TransitionWriter {
  private final ApprovalStore approvals = new ApprovalStore();
  private final TimerStore timers = new TimerStore();
  private final TradeGuards guards;

  TransitionWriter(TradeGuards guards) {
    this.guards = guards;
  }

  /** {@code c} with every step of {@code t} written and recorded, in order. */
  Future<Change> persist(SqlConnection conn, Change c, ApprovalMachine.Transition t) {
    Future<Change> f = Future.succeededFuture(c);
    for (ApprovalMachine.Step s : t.steps()) {
      f = f.compose(x -> write(conn, x, s));
    }
    return f;
  }

  private Future<Change> write(SqlConnection conn, Change c, ApprovalMachine.Step s) {
    JournalEntry e = s.entry();
    Approval before = c.approval();
    Approval after = s.snapshot();
    Change next = c.with(e, after);
    ApprovalEntry typed = ApprovalEntry.of(e);
    if (typed instanceof ApprovalEntry.Voted v) {
      return approvals.insertVote(conn, after, v.approver(), "APPROVE", v.channel(), v.comment(), e.createdAt())
        .map(next);
    }
    if (typed instanceof ApprovalEntry.Decided d) {
      // the ballot and the terminal write sent together (one round trip); the ballot's failure is the one reported
      Future<?> ballot = d.vote() == null ? Future.succeededFuture()
        : approvals.insertVote(conn, after, d.decidedBy(), d.vote(), d.channel(), d.comment(), d.decidedAt());
      Future<Boolean> terminal = approvals.updateTerminal(conn, after);
      return ballot.compose(x -> terminal).compose(won -> won
        ? guards.decided(conn, next, after, e.correlationId(), e.createdAt())
        : Future.failedFuture(new GatewayException(ErrorCode.SEC_012,
          "Request " + after.id() + " was decided concurrently")));
    }
    if (typed instanceof ApprovalEntry.Escalated) {
      return timers.reschedule(conn, before, after).compose(won -> won ? Future.succeededFuture(next)
        : Future.failedFuture(new GatewayException(ErrorCode.SEC_012, "Request " + after.id()
          + " changed concurrently")));
    }
    return Future.succeededFuture(next);
  }
}
