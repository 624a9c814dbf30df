package io.hitl.gateway.core;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The promise behind a 503: a change answered "nothing committed" at its deadline never commits. The
 * change passes the gate once its work is done and before its transaction may commit; the deadline closes
 * the gate. Whichever comes first wins: a change past the gate is answered "outcome unknown" at the
 * deadline, a change whose gate closed first is rolled back.
 */
public final class CommitGate {
  private enum State { OPEN, PASSED, CLOSED, FINISHED }

  private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);

  /** Called before the change may commit: true when it may, false when its caller was already told it did not. */
  public boolean pass() {
    return state.compareAndSet(State.OPEN, State.PASSED) || state.get() == State.PASSED;
  }

  /**
   * At the deadline: SEC-099 when the change had not passed (it never will), SEC-098 when it had (its
   * commit may land), null when it already finished and was answered.
   */
  public ErrorCode expire() {
    if (state.compareAndSet(State.OPEN, State.CLOSED)) {
      return ErrorCode.SEC_099;
    }
    return state.get() == State.PASSED ? ErrorCode.SEC_098 : null;
  }

  /** The change's outcome is known and answered; a later deadline does nothing. */
  public void finish() {
    state.updateAndGet(s -> s == State.CLOSED ? s : State.FINISHED);
  }
}
