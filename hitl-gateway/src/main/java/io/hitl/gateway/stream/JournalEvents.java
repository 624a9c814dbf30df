package io.hitl.gateway.stream;

import io.hitl.gateway.approval.Events;
import io.hitl.gateway.bus.ApprovalJson;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.store.ApprovalStore;
import io.hitl.gateway.store.JournalStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Events rebuilt from the journal, for replay after a Last-Event-ID and for seqs whose live event
 * has not arrived. They have the published shape plus `replayed: true`; their `approval` is the
 * request as it is now (not as it was at that entry), and entries without an event (refusals) are
 * skipped.
 */
final class JournalEvents {
  static final int PAGE = 500;

  /** What one read of the journal found; {@code lastSeq} is where the next page starts. */
  record Page(List<StreamEvent> events, long lastSeq, boolean full) {
  }

  private final Pool pool;
  private final Clock clock;
  private final JournalStore journal = new JournalStore();
  private final ApprovalStore approvals = new ApprovalStore();

  JournalEvents(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  Future<Long> head() {
    return journal.maxSeq(pool);
  }

  Future<Page> after(long seq, int limit) {
    return journal.pageAfter(pool, seq, limit).compose(entries -> page(entries, seq, limit));
  }

  Future<Page> ofRequest(UUID id, long seq, int limit) {
    return journal.byApprovalAfter(pool, id, seq, limit).compose(entries -> page(entries, seq, limit));
  }

  private Future<Page> page(List<JournalEntry> entries, long from, int limit) {
    long last = entries.isEmpty() ? from : entries.get(entries.size() - 1).seq();
    Set<UUID> ids = new LinkedHashSet<>();
    for (JournalEntry e : entries) {
      if (e.approvalId() != null && Events.eventOf(e.action()) != null) {
        ids.add(e.approvalId());
      }
    }
    Future<List<Approval>> current = ids.isEmpty() ? Future.succeededFuture(List.of()) : approvals.findAll(pool, ids);
    return current.map(list -> {
      Map<UUID, Approval> byId = new HashMap<>();
      list.forEach(a -> byId.put(a.id(), a));
      Instant now = Times.micros(clock.instant());
      List<StreamEvent> events = new ArrayList<>();
      for (JournalEntry e : entries) {
        StreamEvent ev = rebuild(e, byId.get(e.approvalId()), now);
        if (ev != null) {
          events.add(ev);
        }
      }
      return new Page(events, last, entries.size() >= limit);
    });
  }

  static StreamEvent rebuild(JournalEntry e, Approval current, Instant now) {
    String event = Events.eventOf(e.action());
    if (event == null) {
      return null;
    }
    JsonObject json = new JsonObject()
      .put("event", event)
      .put("seq", e.seq())
      .put("action", e.action())
      .put("actor", e.actor())
      .put("at", Times.format(e.createdAt()))
      .put("correlation_id", e.correlationId())
      .put("replayed", true);
    if (e.approvalId() == null) {
      json.put("target", e.target()).put("payload", new JsonObject(e.payload()));
    } else if (current != null && current.integrityOk()) {
      json.put("approval", ApprovalJson.approval(current, now));
    } else {
      // a row that fails its hash is not shown; reading it through the API handles the tamper (SEC-080)
      json.put("request_id", e.approvalId().toString()).put("integrity_ok", false);
    }
    return StreamEvent.of(json);
  }
}
