package io.hitl.gateway.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.MutableClock;
import io.hitl.gateway.support.Poll;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VertxSchedulerTest {
  private Vertx vertx;
  private Context context;
  private MutableClock clock;
  private VertxScheduler scheduler;
  /** Request id → the clock's millisecond when its timer acted. */
  private final Map<UUID, Long> fired = new ConcurrentHashMap<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    clock = new MutableClock();
    scheduler = on(() -> new VertxScheduler(vertx, clock, id -> fired.put(id, clock.millis())));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void everyTimerActsAtOrAfterItsInstantAndOnlyOnce() throws Exception {
    Instant base = clock.instant();
    Map<UUID, Instant> due = new ConcurrentHashMap<>();
    for (int i = 0; i < 200; i++) {
      due.put(UUID.randomUUID(), base.plusMillis(20 + i * 2).plusNanos(i * 1_777L));
    }
    on(() -> {
      due.forEach(scheduler::schedule);
      return null;
    });
    waitFor(() -> fired.size() == due.size(), 5_000);
    due.forEach((id, at) -> assertThat(fired.get(id)).isGreaterThanOrEqualTo(VertxScheduler.ceilMillis(at)));
    assertThat(on(scheduler::size)).isZero();
    // proves no timer fires a second time: nothing to wait for but time
    Thread.sleep(100);
    assertThat(fired).hasSameSizeAs(due);
  }

  @Test
  void aTimerThatFiresBeforeTheClockSaysSoIsReArmedNotActedOn() throws Exception {
    UUID id = UUID.randomUUID();
    Instant at = clock.instant().plusMillis(150);
    long t0 = System.nanoTime();
    on(() -> {
      scheduler.schedule(id, at);
      return null;
    });
    clock.advance(Duration.ofMillis(-300));
    waitFor(() -> fired.containsKey(id), 5_000);
    assertThat(fired.get(id)).isGreaterThanOrEqualTo(at.toEpochMilli());
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(400);
  }

  @Test
  void cancelledTimersNeverActAndRescheduledOnesActOnceAtTheNewInstant() throws Exception {
    UUID cancelled = UUID.randomUUID();
    UUID moved = UUID.randomUUID();
    Instant now = clock.instant();
    on(() -> {
      scheduler.schedule(cancelled, now.plusMillis(50));
      scheduler.schedule(moved, now.plusMillis(50));
      scheduler.cancel(cancelled);
      scheduler.schedule(moved, now.plusMillis(250));
      return null;
    });
    assertThat(on(() -> scheduler.dueAt(moved)))
      .isEqualTo(Instant.ofEpochMilli(VertxScheduler.ceilMillis(now.plusMillis(250))));
    waitFor(() -> fired.containsKey(moved), 5_000);
    // proves the cancelled timer stays silent and the moved one fires once: nothing to wait for but time
    Thread.sleep(100);
    assertThat(fired).containsOnlyKeys(moved);
    assertThat(fired.get(moved)).isGreaterThanOrEqualTo(now.plusMillis(250).toEpochMilli());
  }

  @Test
  void takeDueReturnsWhatAClockJumpMadeDueAndReArmsWhatWouldNowFireLate() throws Exception {
    UUID overdue = UUID.randomUUID();
    UUID sooner = UUID.randomUUID();
    UUID later = UUID.randomUUID();
    Instant now = clock.instant();
    on(() -> {
      scheduler.schedule(overdue, now.plusSeconds(2));
      scheduler.schedule(sooner, now.plusSeconds(10));
      scheduler.schedule(later, now.plusSeconds(3600));
      return null;
    });
    clock.advance(Duration.ofSeconds(10).minusMillis(300));
    List<UUID> due = on(scheduler::takeDue);
    assertThat(due).containsExactly(overdue);
    assertThat(on(scheduler::size)).isEqualTo(2);
    waitFor(() -> fired.containsKey(sooner), 3_000);
    assertThat(fired).containsOnlyKeys(sooner);
    assertThat(on(() -> scheduler.dueAt(later))).isNotNull();
  }

  private <T> T on(Supplier<T> work) {
    CompletableFuture<T> f = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        f.complete(work.get());
      } catch (RuntimeException e) {
        f.completeExceptionally(e);
      }
    });
    try {
      return f.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void waitFor(Supplier<Boolean> condition, long millis) {
    // a liveness bound only: the timers are due within a second
    Poll.until(condition::get, Duration.ofMillis(Math.max(millis, 30_000)), "the condition");
  }
}
