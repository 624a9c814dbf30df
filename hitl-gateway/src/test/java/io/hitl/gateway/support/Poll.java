package io.hitl.gateway.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for something the gateway does asynchronously (a delivery, a decision after an acknowledged click). */
public final class Poll {
  private Poll() {
  }

  /** Waits until {@code done} holds; fails after {@code timeout}, which only ever catches a hung test. */
  public static void until(BooleanSupplier done, Duration timeout, String what) {
    until(done::getAsBoolean, b -> b, timeout, what);
  }

  public static <T> T until(Supplier<T> probe, java.util.function.Predicate<T> done, Duration timeout, String what) {
    long end = System.nanoTime() + timeout.toNanos();
    T last = probe.get();
    while (!done.test(last)) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last seen: " + last);
      }
      try {
        // the interval between looks at the condition, not a wait for time to pass
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      last = probe.get();
    }
    return last;
  }
}
