package io.hitl.gateway.expiry;

import io.hitl.gateway.bus.ApprovalJson;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.TimeoutPolicy;
import io.hitl.gateway.core.TimeoutRules;
import io.hitl.gateway.store.TimerStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
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
 * its timer and, when there is a publisher, is re-published as a `recovered` event so UIs and notifiers
 * catch up.
 *
 * <p>The rows come from one cursor ({@link TimerStore#pendingRows}), a page at a time: the next page is
 * asked for as soon as a page arrives, and each page's rows are mapped, hash-checked and planned on a worker
 * thread while the database reads the next one. At most {@link #WINDOW} pages are in hand at once, so
 * memory stays bounded with any number of pending requests. Timers are armed and requests handed over on
 * the calling context; the run completes only when every page is checked and every request handed over
 * is done.
 */
final class Recovery {
  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
  static final int PAGE = 1000;
  /** Pages read but not yet armed and handed over (being checked, or waiting for their hand-overs). */
  static final int WINDOW = 4;
  static final String EVENT = "recovered";

  private final Vertx vertx;
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

  /** What a worker found in one page: requests to hand over now, timers to arm and events to publish. */
  private static final class Checked {
    final List<UUID> tampered = new ArrayList<>();
    final List<UUID> overdue = new ArrayList<>();
    final List<UUID> armIds = new ArrayList<>();
    final List<Instant> armAt = new ArrayList<>();
    final List<JsonObject> events = new ArrayList<>();
  }

  /**
   * @param publisher receives a `recovered` event per re-armed request; null publishes none (a node where
   *     nothing can be listening yet)
   */
  Recovery(Vertx vertx, Pool pool, Clock clock, Scheduler timers, Function<UUID, Future<Void>> handleNow,
      Consumer<JsonObject> publisher, TimeoutPolicy defaults) {
    this.vertx = vertx;
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
    return new Pages(c).start().map(v -> {
      Summary s = new Summary(c.pending, c.armed, c.overdue, c.tampered,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      LOG.info("recovery: {} pending request(s) checked in {} ms: {} timer(s) re-armed{}, "
        + "{} overdue handled now, {} failed the integrity check (SEC-080)", s.pending(), s.millis(), s.armed(),
        publisher == null ? "" : " and re-published", s.overdue(), s.tampered());
      return s;
    });
  }

  /** The bounded pipeline of one run; every field is touched on the calling context only. */
  private final class Pages {
    private final Counts c;
    private final Promise<Void> done = Promise.promise();
    private TimerStore.PendingRows rows;
    private boolean reading;
    private boolean exhausted;
    private int inHand;
    private Throwable failure;

    Pages(Counts c) {
      this.c = c;
    }

    /** Runs on the caller's context (a new one off Vert.x threads), where every callback then completes. */
    Future<Void> start() {
      vertx.getOrCreateContext().runOnContext(v -> store.pendingRows(pool).onComplete(ar -> {
        if (ar.failed()) {
          done.fail(ar.cause());
        } else {
          rows = ar.result();
          pump();
        }
      }));
      return done.future();
    }

    private void pump() {
      if (failure != null || exhausted) {
        if (!reading && inHand == 0 && rows != null) {
          TimerStore.PendingRows r = rows;
          rows = null;
          r.close().onComplete(closed -> {
            if (failure != null) {
              done.fail(failure);
            } else {
              done.complete();
            }
          });
        }
        return;
      }
      if (reading || inHand >= WINDOW) {
        return;
      }
      reading = true;
      rows.read(PAGE).onComplete(ar -> {
        reading = false;
        if (ar.failed()) {
          failure = ar.cause();
          pump();
          return;
        }
        List<Row> page = ar.result();
        if (!rows.hasMore()) {
          exhausted = true;
        }
        if (!page.isEmpty()) {
          inHand++;
          Instant now = Times.micros(clock.instant());
          vertx.executeBlocking(() -> check(page, now), false)
            .compose(this::apply)
            .onComplete(applied -> {
              inHand--;
              if (applied.failed() && failure == null) {
                failure = applied.cause();
              }
              pump();
            });
        }
        pump();
      });
    }

    /** Arms, counts and hands over what a worker found; completes when the hand-overs are done. */
    private Future<Void> apply(Checked k) {
      List<Future<Void>> handled = new ArrayList<>(k.tampered.size() + k.overdue.size());
      c.pending += k.tampered.size() + k.overdue.size() + k.armIds.size();
      c.tampered += k.tampered.size();
      c.overdue += k.overdue.size();
      k.tampered.forEach(id -> handled.add(handleNow.apply(id)));
      k.overdue.forEach(id -> handled.add(handleNow.apply(id)));
      for (int i = 0; i < k.armIds.size(); i++) {
        timers.schedule(k.armIds.get(i), k.armAt.get(i));
      }
      c.armed += k.armIds.size();
      if (publisher != null) {
        k.events.forEach(publisher);
      }
      return handled.isEmpty() ? Future.succeededFuture() : Future.join(handled).mapEmpty();
    }
  }

  /** Maps one page and checks each row's hash and deadline; runs on a worker thread and touches no state. */
  private Checked check(List<Row> rows, Instant now) {
    Checked k = new Checked();
    for (Row r : rows) {
      TimerStore.Pending p = TimerStore.pending(r);
      Approval a = p.approval();
      if (!a.integrityOk()) {
        k.tampered.add(a.id());
      } else if (TimeoutRules.deadlinePassed(a, now)) {
        k.overdue.add(a.id());
      } else {
        Instant at = TimeoutRules.nextAt(a, TimeoutPolicy.fromSnapshot(a.policy(), defaults), p.remindersSent());
        k.armIds.add(a.id());
        k.armAt.add(at);
        if (publisher != null) {
          k.events.add(event(a, at, now));
        }
      }
    }
    return k;
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
