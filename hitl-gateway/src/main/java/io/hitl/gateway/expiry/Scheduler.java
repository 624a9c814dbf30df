package io.hitl.gateway.expiry;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One timer per pending request, keyed by request id, firing at an instant of the gateway's clock and
 * never before it. Not thread-safe: used from the expiry verticle's event loop only.
 */
public interface Scheduler {
  /** Arms the timer of {@code id} for {@code at}, replacing any timer it had. */
  void schedule(UUID id, Instant at);

  void cancel(UUID id);

  /** When the timer of {@code id} fires, or null when it has none. */
  Instant dueAt(UUID id);

  int size();

  /**
   * Removes and returns the timers due by the clock now (for a nudge after the clock moved, or the periodic
   * safety net), and re-arms those whose underlying timer would now fire late.
   */
  List<UUID> takeDue();
}
