package io.hitl.gateway.stream;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.observability.HitlMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fan-out of `hitl.events` to the streams and waiters of one HTTP verticle instance, on its event
 * loop. Events are released in journal order ({@link Sequencer}); a seq missing for longer than
 * {@link #GAP_WAIT_MS} is looked up in the journal. One frame encoding per event, whatever the number
 * of clients, and one write per client for the events released together ({@link LiveBatch}).
 */
final class StreamHub {
  private static final Logger LOG = LoggerFactory.getLogger(StreamHub.class);
  /** How long an out-of-order event waits for the seqs below it before the journal is read. */
  static final long GAP_WAIT_MS = 100;
  /** Delay before reading the journal again after a failed read. */
  private static final long GAP_RETRY_MS = 1000;

  private final Vertx vertx;
  private final JournalEvents journal;
  private final long heartbeatMs;
  private final Set<SseClient> clients = new LinkedHashSet<>();
  /** The clients as of the last add or remove: a fan-out walks it, and a client closing meanwhile is skipped. */
  private SseClient[] snapshot;
  private final Map<String, List<Consumer<StreamEvent>>> waiters = new HashMap<>();
  private Sequencer<StreamEvent> sequencer;
  private boolean gapCheckPending;

  StreamHub(Vertx vertx, JournalEvents journal, long heartbeatMs) {
    this.vertx = vertx;
    this.journal = journal;
    this.heartbeatMs = heartbeatMs;
  }

  /** Subscribes, then starts ordering from the journal head; events of earlier commits are not live. */
  Future<Void> start() {
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.EVENTS, m -> onEvent(m.body()));
    MessageConsumer<JsonObject> silent = vertx.eventBus().consumer(Addresses.JOURNAL_APPENDED,
      m -> onSilent(m.body()));
    return Future.all(consumer.completion(), silent.completion()).compose(v -> journal.head()).map(head -> {
      sequencer = new Sequencer<>(head);
      vertx.setPeriodic(heartbeatMs, id -> heartbeat());
      return null;
    });
  }

  void add(SseClient c) {
    if (clients.add(c)) {
      snapshot = null;
      HitlMetrics.of(vertx).sseConnected();
    }
  }

  void remove(SseClient c) {
    if (clients.remove(c)) {
      snapshot = null;
      HitlMetrics.of(vertx).sseDisconnected();
    }
  }

  int clientCount() {
    return clients.size();
  }

  /** Calls {@code w} with each later event about this request until it is removed. */
  void addWaiter(String requestId, Consumer<StreamEvent> w) {
    waiters.computeIfAbsent(requestId, k -> new ArrayList<>()).add(w);
  }

  void removeWaiter(String requestId, Consumer<StreamEvent> w) {
    List<Consumer<StreamEvent>> l = waiters.get(requestId);
    if (l != null && l.remove(w) && l.isEmpty()) {
      waiters.remove(requestId);
    }
  }

  private void onEvent(JsonObject body) {
    StreamEvent e = body == null ? null : StreamEvent.of(body);
    if (e == null || sequencer == null) {
      return;
    }
    if (e.seq == 0) {
      dispatch(List.of(e));
      return;
    }
    io.vertx.core.json.JsonArray silent = body.getJsonArray("silent_seqs");
    List<StreamEvent> released = new ArrayList<>();
    if (silent != null) {
      List<Long> seqs = new ArrayList<>();
      silent.forEach(o -> seqs.add(((Number) o).longValue()));
      released.addAll(sequencer.skip(seqs));
    }
    released.addAll(sequencer.offer(e.seq, e));
    dispatch(released);
    scheduleGapCheck();
  }

  /** Seqs the journal writer appended without an event: nothing will come for them, so nothing waits on them. */
  private void onSilent(JsonObject body) {
    io.vertx.core.json.JsonArray seqs = body == null ? null : body.getJsonArray("seqs");
    if (seqs == null || sequencer == null) {
      return;
    }
    List<Long> l = new ArrayList<>();
    seqs.forEach(o -> {
      if (o instanceof Number n) {
        l.add(n.longValue());
      }
    });
    dispatch(sequencer.skip(l));
  }

  private void scheduleGapCheck() {
    scheduleGapCheck(GAP_WAIT_MS);
  }

  private void scheduleGapCheck(long delayMs) {
    if (sequencer.waiting() && !gapCheckPending) {
      gapCheckPending = true;
      vertx.setTimer(delayMs, id -> checkGap());
    }
  }

  /** Reads the journal over the missing range: what it holds is released, what it lacks had no event. */
  private void checkGap() {
    if (!sequencer.waiting()) {
      gapCheckPending = false;
      return;
    }
    long from = sequencer.watermark();
    long upTo = sequencer.highestHeld();
    int limit = (int) Math.min(upTo - from, JournalEvents.PAGE);
    journal.after(from, limit).onComplete(ar -> {
      gapCheckPending = false;
      if (ar.failed()) {
        LOG.warn("could not read the journal after seq {}: {}; retrying", from, ar.cause().getMessage());
        scheduleGapCheck(GAP_RETRY_MS);
        return;
      }
      JournalEvents.Page page = ar.result();
      NavigableMap<Long, StreamEvent> found = new TreeMap<>();
      page.events().forEach(e -> found.put(e.seq, e));
      long resolved = page.full() ? Math.min(upTo, page.lastSeq()) : upTo;
      dispatch(sequencer.resolve(resolved, found));
      scheduleGapCheck();
    });
  }

  /** Events released together go to each client in one write; waiters hear of each one. */
  private void dispatch(List<StreamEvent> released) {
    if (released.isEmpty()) {
      return;
    }
    LiveBatch batch = new LiveBatch(released);
    for (SseClient c : clients()) {
      c.offer(batch);
    }
    if (waiters.isEmpty()) {
      return;
    }
    for (StreamEvent e : released) {
      if (e.requestId != null) {
        List<Consumer<StreamEvent>> l = waiters.get(e.requestId);
        if (l != null) {
          new ArrayList<>(l).forEach(w -> w.accept(e));
        }
      }
    }
  }

  private void heartbeat() {
    for (SseClient c : clients()) {
      c.heartbeat();
    }
  }

  private SseClient[] clients() {
    if (snapshot == null) {
      snapshot = clients.toArray(new SseClient[0]);
    }
    return snapshot;
  }
}
