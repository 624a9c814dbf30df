package io.hitl.gateway.approval;

import io.hitl.gateway.bus.ApprovalJson;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.journal.Journal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The announcement of a committed change through {@link Journal}, in journal order: each published entry
 * with the request as that entry left it (or, for the Guardian's, its payload), the request's next timer
 * and the quorum progress; the seqs of entries without an event go out as the journal announces them and,
 * for readers of {@code hitl.events}, in {@code silent_seqs}.
 */
final class EventPublisher {
  private final Clock clock;
  private final Journal journal;

  EventPublisher(Clock clock, Journal journal) {
    this.clock = clock;
    this.journal = journal;
  }

  void publish(Change c) {
    JsonArray silent = new JsonArray();
    Map<Long, Change.Step> bySeq = new HashMap<>();
    for (Change.Step s : c.steps()) {
      bySeq.put(s.entry().seq(), s);
      if (Events.eventOf(s.entry().action()) == null) {
        silent.add(s.entry().seq());
      }
    }
    journal.announce(c.entries(), e -> event(c, bySeq.get(e.seq()), silent));
  }

  private JsonObject event(Change c, Change.Step s, JsonArray silent) {
    JournalEntry e = s.entry();
    JsonObject ev = new JsonObject()
      .put("event", Events.eventOf(e.action()))
      .put("seq", e.seq())
      .put("action", e.action())
      .put("actor", e.actor())
      .put("at", Times.format(e.createdAt()))
      .put("correlation_id", e.correlationId());
    if (!silent.isEmpty()) {
      ev.put("silent_seqs", silent);
    }
    if (!s.about()) {
      return ev.put(GuardianCascade.TARGET, new JsonObject(e.payload()));
    }
    return ev.put("approval", ApprovalJson.approval(s.request(), Times.micros(clock.instant())))
      .put("next_timer_at", c.approval().status() == ApprovalStatus.PENDING ? Times.format(c.nextTimerAt()) : null)
      .put("progress", c.progress() == null ? null : new JsonObject(c.progress()));
  }
}
