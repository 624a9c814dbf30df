package io.hitl.gateway.expiry;

import io.hitl.gateway.bus.ApprovalJson;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.TimeoutPolicy;
import io.hitl.gateway.core.TimeoutRules;
import io.hitl.gateway.store.TimerStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up recovery (seed 001 §11): pages through every pending request by deadline; a row whose hash
 * does not match and a request already past its deadline are handed to the approval service at once (it
 * rejects the first with SEC-080 and applies the timeout action to the second); every other request gets
 * its timer and is re-published as a `recovered` event so UIs and notifiers catch up.
 */
final class Recovery {
  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
  static final int PAGE = 500;
  static final String EVENT = "recovered";

  private final Pool pool;
  private final Clock clock;
  private final Scheduler timers;
  private final Function<UUID, Future<Void>> handleNow;
  private final Consumer<JsonObject> publisher;
  private final TimeoutPolicy defaults;
  private final TimerStore store = new TimerStore();

  /** What one recovery found. */
  record Summary(int pending, int armed, int overdue, int tampered, long millis) {
    JsonObject json() {
      return new JsonObject().put("pending", pending).put("armed", armed).put("overdue", overdue)
        .put("tampered", tampered).put("millis", millis);
    }
  }

  private static final class Counts {
    int pending;
    int armed;
    int overdue;
    int tampered;
  }

  Recovery(Pool pool, Clock clock, Scheduler timers, Function<UUID, Future<Void>> handleNow,
      Consumer<JsonObject> publisher, TimeoutPolicy defaults) {
    this.pool = pool;
    this.clock = clock;
    this.timers = timers;
    this.handleNow = handleNow;
    this.publisher = publisher;
    this.defaults = defaults;
  }

  Future<Summary> run() {
    long t0 = System.nanoTime();
    Counts c = new Counts();
    return page(TimerStore.Cursor.START, c).map(v -> {
      Summary s = new Summary(c.pending, c.armed, c.overdue, c.tampered,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      LOG.info("recovery: {} pending request(s) checked in {} ms: {} timer(s) re-armed and re-published, "
        + "{} overdue handled now, {} failed the integrity check (SEC-080)", s.pending(), s.millis(), s.armed(),
        s.overdue(), s.tampered());
      return s;
    });
  }

  private Future<Void> page(TimerStore.Cursor after, Counts c) {
    return store.pendingPage(pool, after, PAGE).compose(rows -> {
      Instant now = Times.micros(clock.instant());
      List<Future<Void>> handled = new ArrayList<>();
      for (TimerStore.Pending p : rows) {
        Approval a = p.approval();
        c.pending++;
        if (!a.integrityOk()) {
          c.tampered++;
          handled.add(handleNow.apply(a.id()));
        } else if (TimeoutRules.deadlinePassed(a, now)) {
          c.overdue++;
          handled.add(handleNow.apply(a.id()));
        } else {
          Instant next = TimeoutRules.nextAt(a, TimeoutPolicy.fromSnapshot(a.policy(), defaults), p.remindersSent());
          timers.schedule(a.id(), next);
          c.armed++;
          publisher.accept(event(a, next, now));
        }
      }
      Future<Void> done = Future.join(handled).mapEmpty();
      if (rows.size() < PAGE) {
        return done;
      }
      Approval last = rows.get(rows.size() - 1).approval();
      return done.compose(v -> page(new TimerStore.Cursor(last.expiresAt(), last.id()), c));
    });
  }

  /** Not journaled, so it has no seq: a snapshot of a request that was already announced before the restart. */
  static JsonObject event(Approval a, Instant next, Instant now) {
    return new JsonObject()
      .put("event", EVENT)
      .put("action", EVENT)
      .put("actor", "system")
      .put("at", Times.format(now))
      .put("correlation_id", a.correlationId())
      .put("approval", ApprovalJson.approval(a, now))
      .put("next_timer_at", Times.format(next));
  }
}
