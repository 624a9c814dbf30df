package io.hitl.gateway.approval;

import io.hitl.gateway.bus.ApprovalJson;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.policy.PolicySnapshot;
import io.hitl.gateway.outbox.Callbacks;
import io.hitl.gateway.outbox.JobPlan;
import io.hitl.gateway.store.CallbackStore;
import io.hitl.gateway.store.Json;
import io.hitl.gateway.store.OutboxStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The outbox rows of a change, written in its transaction (SPEC I3): a chat and webhook job per published
 * entry on the channels its request's policy names, a Guardian notice on every channel, and an engine
 * callback per terminal outcome of a request that named a callback_url.
 */
final class OutboxPlan {
  private static final Set<String> TERMINAL_ACTIONS = Set.of(Events.APPROVED, Events.REJECTED, Events.EXPIRED,
    Events.CANCELLED);
  private static final Set<String> DETAILED = Set.of(Events.ESCALATED, Events.REMINDER, Events.ACKNOWLEDGED,
    Events.SELF_APPROVAL);

  private final GatewayConfig config;
  private final Clock clock;
  private final JobPlan plan;
  private final OutboxStore outbox = new OutboxStore();
  private final CallbackStore callbacks = new CallbackStore();

  OutboxPlan(GatewayConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.plan = JobPlan.of(config);
  }

  /** Inserts the jobs of {@code c}; how many there were. */
  Future<Integer> insert(SqlConnection conn, Change c) {
    return callbackJobs(conn, c).compose(callbackJobs -> {
      List<OutboxStore.Job> all = jobs(c);
      all.addAll(callbackJobs);
      return outbox.insert(conn, all, Times.micros(clock.instant())).map(all.size());
    });
  }

  /** A callback job per terminal outcome in {@code c} of a request that named a callback_url. */
  private Future<List<OutboxStore.Job>> callbackJobs(SqlConnection conn, Change c) {
    Future<List<OutboxStore.Job>> f = Future.succeededFuture(new ArrayList<>());
    if (!config.callbacksEnabled()) {
      return f;
    }
    for (Change.Step s : c.steps()) {
      JournalEntry e = s.entry();
      if (!s.about() || !TERMINAL_ACTIONS.contains(e.action()) || s.request().status() == ApprovalStatus.PENDING) {
        continue;
      }
      f = f.compose(jobs -> callbacks.find(conn, s.request().id()).map(url -> {
        if (url != null) {
          jobs.add(Callbacks.decision(url, s.request(), e.createdAt(), e.correlationId()));
        }
        return jobs;
      }));
    }
    return f;
  }

  private List<OutboxStore.Job> jobs(Change c) {
    List<OutboxStore.Job> jobs = new ArrayList<>();
    for (Change.Step s : c.steps()) {
      JournalEntry e = s.entry();
      String event = Events.eventOf(e.action());
      if (event == null) {
        continue;
      }
      if (!s.about()) {
        // Guardian entries are about no single request: a notice on every channel
        Object reason = e.payload().get("reason");
        jobs.addAll(plan.notices(event, "Guardian " + String.valueOf(e.payload().get("state")).toLowerCase()
          + (reason == null ? "" : ": " + reason), Times.format(e.createdAt()), e.payload()));
        continue;
      }
      List<String> named = PolicySnapshot.channels(s.request().policy());
      for (OutboxStore.Job j : plan.jobs(event, e.action(), e.actor(), Times.format(e.createdAt()), e.correlationId(),
          Json.plainMap(ApprovalJson.approval(s.request(), e.createdAt()).getMap()))) {
        if (named != null && !named.contains(j.channel())) {
          continue;
        }
        if (DETAILED.contains(e.action())) {
          j.payload().put("details", e.payload());
        }
        if (c.progress() != null) {
          j.payload().put("progress", c.progress());
        }
        jobs.add(j);
      }
    }
    return jobs;
  }
}
