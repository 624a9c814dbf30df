package io.hitl.gateway.approval;

import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.Role;
import io.hitl.gateway.core.machine.ApprovalState;
import io.hitl.gateway.store.DbFailures;
import io.hitl.gateway.store.HistoryStore;
import io.hitl.gateway.store.TimerStore;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expire, escalate and remind: what a timer firing does to one request under its row lock (the machine's
 * timer transition), and the cleanup that fires every overdue one. A tampered row is rejected (SEC-080).
 */
final class TimerRequests {
  private static final int CLEANUP_PAGE = 500;
  private static final int CLEANUP_PARALLEL = 16;

  private final WritePath w;
  private static final Logger LOG = LoggerFactory.getLogger(TimerRequests.class);
  private static final HistoryStore.History NO_HISTORY = new HistoryStore.History(List.of(), List.of());

  private final TimerStore timers = new TimerStore();
  private final HistoryStore histories = new HistoryStore();

  TimerRequests(WritePath w) {
    this.w = w;
  }

  /**
   * The timeout action once the deadline has passed, else the escalation notice and a reminder when due;
   * nothing for a decided request or one not yet due. Timer-driven entries carry the request's own
   * correlation id unless {@code corr} is given.
   */
  Future<ApprovalService.Timed> onTimer(UUID id, Actor actor, String corr) {
    try {
      actor.require(Role.ADMIN, "drive expiry timers");
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    Instant now = w.now();
    return w.commit().run(conn -> timers.lock(conn, id).compose(p -> {
      if (p == null) {
        return Future.failedFuture(WritePath.notFound(id));
      }
      String trace = corr != null ? corr : p.approval().correlationId();
      return w.integrity().checked(conn, p.approval(), trace, now,
        s -> w.timeouts().due(conn, s, p.remindersSent(), trace, now));
    })).map(TimerRequests::timed);
  }

  /**
   * {@link #onTimer} for many requests whose timers fell due together, applied as one batch: the rows free
   * now are locked in one statement (id order) and their histories read in one more; each whose row matches
   * its journal gets what is due, all in one transaction ({@link GroupCommit#together}). Every other request
   * goes through {@link #onTimer} on its own: a row locked elsewhere (it waits there as before), a row that
   * does not match its journal (refused and recorded there, SEC-080, without failing the batch), one that is
   * gone, and all of them if the batch's transaction failed. Returns each request's outcome, in the order asked.
   */
  Future<Map<UUID, Future<ApprovalService.Timed>>> onTimers(List<UUID> ids, Actor actor, String corr) {
    try {
      actor.require(Role.ADMIN, "drive expiry timers");
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    List<UUID> distinct = ids.stream().distinct().toList();
    Instant now = w.now();
    return w.commit().together(conn -> timers.lockFree(conn, distinct).compose(locked -> locked.isEmpty()
        ? Future.succeededFuture(List.<GroupCommit.Planned>of())
        : histories.histories(conn, locked.stream().map(p -> p.approval().id()).toList()).map(h -> {
          List<GroupCommit.Planned> planned = new ArrayList<>();
          for (TimerStore.Pending p : locked) {
            UUID id = p.approval().id();
            ApprovalState s = w.integrity().matching(p.approval(), h.getOrDefault(id, NO_HISTORY));
            if (s != null) {
              String trace = corr != null ? corr : p.approval().correlationId();
              planned.add(new GroupCommit.Planned(id, c -> w.timeouts().due(c, s, p.remindersSent(), trace, now)));
            }
          }
          return planned;
        })))
      .recover(t -> {
        LOG.warn("{} timers due together could not be applied as one batch ({}); applying each on its own",
          distinct.size(), DbFailures.of(t).detail());
        return Future.succeededFuture(Map.of());
      })
      .compose(batched -> {
        Map<UUID, Future<ApprovalService.Timed>> out = new LinkedHashMap<>();
        for (UUID id : distinct) {
          Change c = batched.get(id);
          out.put(id, c != null ? Future.succeededFuture(timed(c)) : onTimer(id, actor, corr));
        }
        return Future.join(new ArrayList<>(out.values())).transform(ar -> Future.succeededFuture(out));
      });
  }

  private static ApprovalService.Timed timed(Change c) {
    return new ApprovalService.Timed(c.approval(), c.timerOutcome(), c.nextTimerAt());
  }

  /**
   * Handles every pending request whose deadline or escalation notice is due by now minus {@code grace}
   * (the admin cleanup endpoint with no grace; each node's safety-net sweep with some). Audited when asked.
   */
  Future<ApprovalService.Cleanup> cleanup(Actor actor, String corr, Duration grace, boolean audit) {
    try {
      actor.require(Role.ADMIN, "run the expiry cleanup");
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    Instant cutoff = w.now().minus(grace);
    int[] counts = new int[5];
    return cleanupFrom(new UUID(0, 0), cutoff, actor, corr, counts).compose(v -> {
      ApprovalService.Cleanup r = new ApprovalService.Cleanup(counts[0], counts[1], counts[2], counts[3], counts[4]);
      if (!audit) {
        return Future.succeededFuture(r);
      }
      Map<String, Object> payload = new LinkedHashMap<>();
      payload.put("count", r.count());
      payload.put("expired", r.expired());
      payload.put("approved", r.approved());
      payload.put("escalated", r.escalated());
      payload.put("integrity_failures", r.integrityFailures());
      JournalEntry e = JournalEntry.of(null, "approvals", actor.subject(), "cleanup", null, null, payload, corr,
        null, w.now());
      return w.journal().inTransaction(w.pool(), tx -> tx.append(actor.stamp(e))).recover(DbFailures::fail)
        .map(saved -> r);
    });
  }

  private Future<Void> cleanupFrom(UUID after, Instant cutoff, Actor actor, String corr, int[] counts) {
    return timers.dueIds(w.pool(), cutoff, after, CLEANUP_PAGE).recover(DbFailures::fail).compose(ids -> {
      Future<Void> f = Future.succeededFuture();
      for (int i = 0; i < ids.size(); i += CLEANUP_PARALLEL) {
        List<UUID> chunk = ids.subList(i, Math.min(ids.size(), i + CLEANUP_PARALLEL));
        f = f.compose(v -> Future.join(chunk.stream()
          .map(id -> onTimer(id, actor, corr).transform(ar -> counted(ar, counts))).toList()).mapEmpty());
      }
      return ids.size() < CLEANUP_PAGE ? f : f.compose(v -> cleanupFrom(ids.get(ids.size() - 1), cutoff, actor, corr,
        counts));
    });
  }

  private static Future<Void> counted(AsyncResult<ApprovalService.Timed> ar, int[] counts) {
    if (ar.succeeded()) {
      switch (ar.result().outcome()) {
        case "expired":
          counts[0]++;
          break;
        case "approved":
          counts[1]++;
          break;
        case "escalated":
          counts[2]++;
          break;
        case "notice":
          counts[4]++;
          break;
        default:
          break;
      }
      return Future.succeededFuture();
    }
    GatewayException g = DbFailures.of(ar.cause());
    if (g.code() == ErrorCode.SEC_080) {
      counts[3]++;
    } else if (g.code() != ErrorCode.SEC_011 && g.code() != ErrorCode.SEC_012) {
      return Future.failedFuture(g);
    }
    return Future.succeededFuture();
  }
}
