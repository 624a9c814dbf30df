package io.hitl.gateway.core;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bound on the work one verticle holds at once. A request enters before any work starts and leaves
 * when it is answered; one that finds the bound reached is refused at once ("not now, retry shortly")
 * instead of queueing behind the others, so a caller past the peak waits milliseconds, not until a
 * pool time-out. Decisions have a reserve above the bound (see {@link #tryEnterDecision()}). The highest
 * count ever held is kept, so a test or an operator can see the bound held.
 */
public final class InFlight {
  private final int bound;
  private final AtomicInteger current = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();

  /** {@code bound} of 0 or less: no bound (every request enters). */
  public InFlight(int bound) {
    this.bound = bound;
  }

  /** True when the request may start (it must then {@link #leave()} exactly once); false when it is refused. */
  public boolean tryEnter() {
    return enter(bound);
  }

  /**
   * The same for a person's decision: it may enter past the bound by {@link #reserve()}, so the requests engines
   * send can fill the bound without ever refusing an approver's click or call; only decisions use the reserve.
   */
  public boolean tryEnterDecision() {
    return enter(bound + reserve());
  }

  /** Room kept above the bound for decisions: a quarter of the bound, at least one (none without a bound). */
  public int reserve() {
    return bound > 0 ? Math.max(1, bound / 4) : 0;
  }

  private boolean enter(int limit) {
    while (true) {
      int now = current.get();
      if (bound > 0 && now >= limit) {
        refused.incrementAndGet();
        return false;
      }
      if (current.compareAndSet(now, now + 1)) {
        peak.accumulateAndGet(now + 1, Math::max);
        return true;
      }
    }
  }

  public void leave() {
    if (current.decrementAndGet() < 0) {
      current.incrementAndGet();
      throw new IllegalStateException("left more often than entered");
    }
  }

  public int bound() {
    return bound;
  }

  public int current() {
    return current.get();
  }

  /** The most requests ever in flight at once. */
  public int peak() {
    return peak.get();
  }

  /** How many requests were refused because the bound was reached. */
  public long refused() {
    return refused.get();
  }
}
