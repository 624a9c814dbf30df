package io.hitl.gateway.journal;

import io.hitl.gateway.approval.Events;
import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.store.JournalStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The one writer of the journal: entries are appended in the transaction of the projection they go
 * with, and once it commits every appended entry is announced (its event on {@code hitl.events}, or its
 * seq on {@code hitl.journal.appended} when it has none), so a stream reader never waits on a seq that
 * will not come. The approval write path appends through it too and gives the event of each entry about
 * a request (the request as that entry left it, its progress and next timer).
 */
public final class Journal {
  private final JournalStore store = new JournalStore();
  private final Consumer<JsonObject> events;
  private final Consumer<JsonObject> silent;
  private final Runnable outboxAdded;

  /** {@code events} publishes on hitl.events, {@code silent} on hitl.journal.appended; outbox jobs wake nobody. */
  public Journal(Consumer<JsonObject> events, Consumer<JsonObject> silent) {
    this(events, silent, () -> { });
  }

  /**
   * As above; {@code outboxAdded} is run after a transaction that wrote outbox jobs committed (the notifier is
   * woken by it, not by every event: most changes add no job, and a claim that finds none is a transaction spent).
   */
  public Journal(Consumer<JsonObject> events, Consumer<JsonObject> silent, Runnable outboxAdded) {
    this.events = events;
    this.silent = silent;
    this.outboxAdded = outboxAdded;
  }

  /** Announces on the bus of {@code vertx}; outbox jobs wake the notifiers of every node. */
  public static Journal on(Vertx vertx) {
    return new Journal(e -> vertx.eventBus().publish(Addresses.EVENTS, e),
      s -> vertx.eventBus().publish(Addresses.JOURNAL_APPENDED, s), wakeNotifiers(vertx));
  }

  /** Publishes on hitl.notify.wake, which every node's notifier claims on. */
  public static Runnable wakeNotifiers(Vertx vertx) {
    return () -> vertx.eventBus().publish(Addresses.NOTIFY_WAKE, new JsonObject().put("outbox", true));
  }

  /** Announces nothing: for the offline command, which has no bus to announce on. */
  public static Journal unannounced() {
    return new Journal(e -> { }, s -> { });
  }

  /** Says that a transaction which wrote outbox jobs committed; call it after the commit. */
  public void outboxAdded() {
    outboxAdded.run();
  }

  /** The entries one transaction appends, announced together after it commits. */
  public final class Unit {
    private final SqlConnection conn;
    private final List<JournalEntry> saved = new ArrayList<>();

    private Unit(SqlConnection conn) {
      this.conn = conn;
    }

    public SqlConnection conn() {
      return conn;
    }

    /** Appends in this transaction; call it last in the transaction, the head row stays locked until commit. */
    public Future<List<JournalEntry>> append(List<JournalEntry> entries) {
      return store.append(conn, entries).onSuccess(saved::addAll);
    }

    public Future<JournalEntry> append(JournalEntry entry) {
      return append(List.of(entry)).map(l -> l.get(0));
    }

    /** As {@link #append}, in one pass over the head for many entries (the group commit's batch). */
    public Future<List<JournalEntry>> appendAll(List<JournalEntry> entries) {
      return store.appendAll(conn, entries).onSuccess(saved::addAll);
    }

    /** Announces what was appended; call once the transaction committed. */
    public void committed() {
      publish(saved, e -> null);
    }

    /**
     * Announces what was appended, the event of an entry as {@code eventOf} builds it (null for the
     * default shape); call once the transaction committed.
     */
    public void committed(Function<JournalEntry, JsonObject> eventOf) {
      publish(saved, eventOf);
    }
  }

  /** {@code work} in one transaction of {@code pool}; what it appended is announced after the commit. */
  public <T> Future<T> inTransaction(Pool pool, Function<Unit, Future<T>> work) {
    Unit[] unit = new Unit[1];
    return pool.withTransaction(conn -> {
      unit[0] = new Unit(conn);
      return work.apply(unit[0]);
    }).onSuccess(v -> unit[0].committed());
  }

  /** For a caller that runs its own transaction on {@code conn}: call {@link Unit#committed()} after its commit. */
  public Unit unit(SqlConnection conn) {
    return new Unit(conn);
  }

  /**
   * Announces entries a caller appended with {@link #unit} once their transaction committed, the event of
   * an entry as {@code eventOf} builds it (null for the default shape).
   */
  public void announce(List<JournalEntry> saved, Function<JournalEntry, JsonObject> eventOf) {
    publish(saved, eventOf);
  }

  private void publish(List<JournalEntry> saved, Function<JournalEntry, JsonObject> eventOf) {
    JsonArray quiet = new JsonArray();
    for (JournalEntry e : saved) {
      if (Events.eventOf(e.action()) == null) {
        quiet.add(e.seq());
      }
    }
    if (!quiet.isEmpty()) {
      silent.accept(new JsonObject().put("seqs", quiet));
    }
    for (JournalEntry e : saved) {
      String event = Events.eventOf(e.action());
      JsonObject own = event == null ? null : eventOf.apply(e);
      if (own != null) {
        events.accept(own);
      } else if (event != null) {
        // the shape a stream replay gives entries about no single request
        events.accept(new JsonObject()
          .put("event", event)
          .put("seq", e.seq())
          .put("action", e.action())
          .put("actor", e.actor())
          .put("at", Times.format(e.createdAt()))
          .put("correlation_id", e.correlationId())
          .put("target", e.target())
          .put("payload", new JsonObject(e.payload())));
      }
    }
  }
}
