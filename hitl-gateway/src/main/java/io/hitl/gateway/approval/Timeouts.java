package io.hitl.gateway.approval;

import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.DecisionRules;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.TimeoutPolicy;
import io.hitl.gateway.core.TimeoutRules;
import io.hitl.gateway.core.machine.ApprovalMachine;
import io.hitl.gateway.core.machine.ApprovalState;
import io.hitl.gateway.store.TimerStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;

/**
 * The timeout plan of a request applied under its row lock, by its timer or by a command that found the
 * deadline passed: the machine's timer transition persisted, the reminder count kept, the next timer set.
 */
final class Timeouts {
  private final TimeoutPolicy defaults;
  private final TransitionWriter writer;
  private final TimerStore timers = new TimerStore();

  Timeouts(TimeoutPolicy defaults, TransitionWriter writer) {
    this.defaults = defaults;
    this.writer = writer;
  }

  /** What is due at {@code now}: deadline outcome, notice, reminder; the change says which and when next. */
  Future<Change> due(SqlConnection conn, ApprovalState s, int sent, String corr, Instant now) {
    TimeoutPolicy p = TimeoutPolicy.fromSnapshot(s.row().policy(), defaults);
    TimeoutRules.Plan plan = TimeoutRules.plan(s.row(), p, sent, now);
    String outcome;
    switch (plan.outcome()) {
      case EXPIRE:
        outcome = "expired";
        break;
      case APPROVE:
        outcome = "approved";
        break;
      case ESCALATE:
        outcome = "escalated";
        break;
      default:
        outcome = plan.notice() ? "notice" : plan.reminder() ? "reminder" : "none";
    }
    ApprovalMachine.Transition t = ApprovalMachine.timer(s, p, sent, corr, now);
    return writer.persist(conn, Change.of(s.row()).timed(outcome), t)
      .compose(c -> plan.remindersSent() > sent
        ? timers.remindersSent(conn, s.row().id(), plan.remindersSent()).map(c) : Future.succeededFuture(c))
      .map(c -> c.nextTimer(TimeoutRules.nextAt(c.approval(), p, plan.remindersSent())));
  }

  /**
   * A command that found the deadline passed: the timeout action first; the command is then refused
   * (SEC-013, or as the outcome says) or, when the request was escalated and is still pending, run again.
   */
  Future<Change> now(SqlConnection conn, ApprovalState s, String corr, Instant now) {
    return timers.remindersSent(conn, s.row().id()).compose(sent -> due(conn, s, sent, corr, now))
      .map(c -> c.approval().status() == ApprovalStatus.PENDING ? c.again() : c.refused(expiredRefusal(c)));
  }

  private static GatewayException expiredRefusal(Change c) {
    try {
      DecisionRules.requirePending(c.approval());
    } catch (GatewayException e) {
      return e;
    }
    return new GatewayException(ErrorCode.SEC_013, "Request " + c.approval().id() + " expired");
  }
}
