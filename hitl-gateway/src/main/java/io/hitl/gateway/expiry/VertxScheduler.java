package io.hitl.gateway.expiry;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@link Scheduler} on {@code vertx.setTimer}: the delay comes from the clock when armed, and the clock is
 * checked again when the timer fires, so a timer that fires early (the clock was set back, or ran slow)
 * is re-armed instead of acting. Each entry keeps only the timer id, the due time and when the Vert.x
 * timer will fire.
 */
public final class VertxScheduler implements Scheduler {
  /** A Vert.x timer firing this much later than the clock asks for is re-armed by {@link #takeDue}. */
  private static final long DRIFT_MILLIS = 20;

  private final Vertx vertx;
  private final Clock clock;
  private final Consumer<UUID> onDue;
  private final Map<UUID, Slot> slots = new HashMap<>();

  private static final class Slot {
    long timerId;
    final long dueMillis;
    long firesAtNanos;

    Slot(long dueMillis) {
      this.dueMillis = dueMillis;
    }
  }

  public VertxScheduler(Vertx vertx, Clock clock, Consumer<UUID> onDue) {
    this.vertx = vertx;
    this.clock = clock;
    this.onDue = onDue;
  }

  @Override
  public void schedule(UUID id, Instant at) {
    Slot old = slots.get(id);
    long due = ceilMillis(at);
    if (old != null) {
      if (old.dueMillis == due) {
        return;
      }
      vertx.cancelTimer(old.timerId);
    }
    Slot s = new Slot(due);
    slots.put(id, s);
    arm(id, s);
  }

  @Override
  public void cancel(UUID id) {
    Slot s = slots.remove(id);
    if (s != null) {
      vertx.cancelTimer(s.timerId);
    }
  }

  @Override
  public Instant dueAt(UUID id) {
    Slot s = slots.get(id);
    return s == null ? null : Instant.ofEpochMilli(s.dueMillis);
  }

  @Override
  public int size() {
    return slots.size();
  }

  @Override
  public List<UUID> takeDue() {
    long now = clock.millis();
    long nanos = System.nanoTime();
    List<UUID> due = new ArrayList<>();
    for (Iterator<Map.Entry<UUID, Slot>> it = slots.entrySet().iterator(); it.hasNext();) {
      Map.Entry<UUID, Slot> e = it.next();
      Slot s = e.getValue();
      if (s.dueMillis <= now) {
        vertx.cancelTimer(s.timerId);
        it.remove();
        due.add(e.getKey());
      } else if (TimeUnit.NANOSECONDS.toMillis(s.firesAtNanos - nanos) > s.dueMillis - now + DRIFT_MILLIS) {
        vertx.cancelTimer(s.timerId);
        arm(e.getKey(), s);
      }
    }
    return due;
  }

  private void arm(UUID id, Slot s) {
    long delay = Math.max(1, s.dueMillis - clock.millis());
    s.firesAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
    s.timerId = vertx.setTimer(delay, timerId -> fired(id, timerId));
  }

  private void fired(UUID id, long timerId) {
    Slot s = slots.get(id);
    if (s == null || s.timerId != timerId) {
      return;
    }
    if (clock.millis() < s.dueMillis) {
      arm(id, s);
      return;
    }
    slots.remove(id);
    onDue.accept(id);
  }

  /** The first millisecond at or after {@code at}, so a timer acting at that millisecond is never early. */
  static long ceilMillis(Instant at) {
    long ms = at.toEpochMilli();
    return at.getNano() % 1_000_000 == 0 ? ms : ms + 1;
  }
}
