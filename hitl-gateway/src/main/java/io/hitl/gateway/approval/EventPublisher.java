package io.hitl.gateway.approval;

import io.hitl.gateway.bus.ApprovalJson;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.Times;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * The events of a committed change on {@code hitl.events}, in journal order: each published entry with the
 * request as that entry left it (or, for the Guardian's, its payload), the request's next timer and the
 * quorum progress. Entries without an event are named in {@code silent_seqs}, so stream readers never wait
 * on a seq that will not come.
 */
final class EventPublisher {
  private final Clock clock;
  private final Consumer<JsonObject> publisher;

  EventPublisher(Clock clock, Consumer<JsonObject> publisher) {
    this.clock = clock;
    this.publisher = publisher;
  }

  void publish(Change c) {
    JsonArray silent = new JsonArray();
    for (JournalEntry e : c.entries()) {
      if (Events.eventOf(e.action()) == null) {
        silent.add(e.seq());
      }
    }
    for (Change.Step s : c.steps()) {
      JournalEntry e = s.entry();
      String event = Events.eventOf(e.action());
      if (event == null) {
        continue;
      }
      JsonObject ev = new JsonObject()
        .put("event", event)
        .put("seq", e.seq())
        .put("action", e.action())
        .put("actor", e.actor())
        .put("at", Times.format(e.createdAt()))
        .put("correlation_id", e.correlationId());
      if (!silent.isEmpty()) {
        ev.put("silent_seqs", silent);
      }
      if (s.about()) {
        publisher.accept(ev.put("approval", ApprovalJson.approval(s.request(), Times.micros(clock.instant())))
          .put("next_timer_at", c.approval().status() == ApprovalStatus.PENDING ? Times.format(c.nextTimerAt()) : null)
          .put("progress", c.progress() == null ? null : new JsonObject(c.progress())));
      } else {
        publisher.accept(ev.put(GuardianCascade.TARGET, new JsonObject(e.payload())));
      }
    }
  }
}
