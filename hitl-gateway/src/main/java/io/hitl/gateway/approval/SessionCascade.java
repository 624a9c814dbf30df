package io.hitl.gateway.approval;

import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.DecisionRules;
import io.hitl.gateway.core.machine.ApprovalMachine;
import io.hitl.gateway.core.session.EngineSession;
import io.hitl.gateway.core.session.SessionRules;
import io.hitl.gateway.store.ApprovalStore;
import io.hitl.gateway.store.SessionStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An engine session ends: lapsed by the sweep, or closed by its engine. In one transaction, under the session's
 * row lock, the pending requests bound to it are cancelled (a lapse always: reason ENGINE_DISCONNECTED, decided by
 * the system; a close only when its engine asks: ENGINE_SESSION_CLOSED, decided by the engine; one past its
 * deadline gets its timeout plan instead, as any late cancel does) and the session is marked ended, its journal
 * entry first. Each request is written under its own row lock through the machine, so a decision racing the end
 * leaves exactly one outcome.
 */
public final class SessionCascade {
  private final ApprovalService service;
  private final SessionStore sessions = new SessionStore();
  private final ApprovalStore approvals = new ApprovalStore();

  /**
   * The session as the lapse or close left it, with what it cancelled; for a lapse, null when it was no longer
   * due (a heartbeat came, or another node lapsed it); for a close, {@code changed} false when it had already
   * ended (nothing written).
   */
  public record Result(EngineSession session, List<UUID> cancelled, boolean changed) {
  }

  public SessionCascade(ApprovalService service) {
    this.service = service;
  }

  public Future<Result> lapse(UUID id, String corr) {
    Result[] out = new Result[1];
    return service.tx(conn -> sessions.forUpdate(conn, id).compose(s -> {
      Instant now = service.now();
      if (s == null || !s.dueAt(now)) {
        out[0] = new Result(null, List.of(), false);
        return Future.succeededFuture(Change.none());
      }
      return cancelAll(conn, id, Actor.SYSTEM, ApprovalService.SYSTEM, SessionRules.REASON, corr, now).compose(x ->
        x.change().next() == Change.Next.ALONE ? Future.succeededFuture(x.change())
          : sessions.lapse(conn, id, now, x.cancelled().size()).map(lapsed -> {
            out[0] = new Result(lapsed, List.copyOf(x.cancelled()), true);
            return x.change().withFirst(SessionRules.lapsed(lapsed, corr));
          }));
    })).map(c -> out[0]);
  }

  /**
   * Its owner closes the session; with {@code cancelPending} its pending requests are cancelled with it,
   * otherwise they are left to their own deadlines. A session that has already ended is answered as it is.
   */
  public Future<Result> close(UUID id, Actor actor, boolean cancelPending, String channel, String corr) {
    Result[] out = new Result[1];
    return service.tx(Change.by(actor, conn -> sessions.forUpdate(conn, id).compose(s -> {
      SessionRules.requireOwner(s, id, actor.subject());
      if (!s.open()) {
        out[0] = new Result(s, List.of(), false);
        return Future.succeededFuture(Change.none());
      }
      Instant now = service.now();
      Future<Swept> swept = cancelPending
        ? cancelAll(conn, id, actor, channel, SessionRules.REASON_CLOSED, corr, now)
        : Future.succeededFuture(new Swept(Change.none(), new ArrayList<>()));
      return swept.compose(x -> x.change().next() == Change.Next.ALONE ? Future.succeededFuture(x.change())
        : sessions.close(conn, id, now, x.cancelled().size()).map(closed -> {
          out[0] = new Result(closed, List.copyOf(x.cancelled()), true);
          return x.change().withFirst(SessionRules.closed(closed, cancelPending, corr));
        }));
    }))).map(c -> out[0]);
  }

  private Future<Swept> cancelAll(SqlConnection conn, UUID id, Actor actor, String channel, String reason,
      String corr, Instant now) {
    return sessions.pendingBound(conn, id).compose(ids -> {
      Future<Swept> f = Future.succeededFuture(new Swept(Change.none(), new ArrayList<>()));
      for (UUID a : ids) {
        f = f.compose(x -> x.change().next() == Change.Next.ALONE ? Future.succeededFuture(x)
          : cancel(conn, x, a, actor, channel, reason, corr, now));
      }
      return f;
    });
  }

  private record Swept(Change change, List<UUID> cancelled) {
  }

  private Future<Swept> cancel(SqlConnection conn, Swept soFar, UUID id, Actor actor, String channel, String reason,
      String corr, Instant now) {
    return approvals.findForUpdate(conn, id).compose(found -> {
      if (found == null || found.status() != ApprovalStatus.PENDING) {
        // decided since the session's requests were listed: nothing left to cancel
        return Future.succeededFuture(soFar);
      }
      boolean[] cancelled = new boolean[1];
      return service.integrity().checked(conn, found, corr, now, s -> {
        ApprovalMachine.Result r = ApprovalMachine.cancel(s, actor, channel, reason, corr, now);
        if (r.refused()) {
          return Future.succeededFuture(Change.of(s.row()));
        }
        if (r.verdict() != null && r.verdict().kind() == DecisionRules.Kind.EXPIRE_NOW) {
          return service.timeouts().now(conn, s, corr, now);
        }
        cancelled[0] = true;
        return service.writer().persist(conn, Change.of(s.row()), r.transition());
      }).map(t -> {
        if (t.next() == Change.Next.ALONE) {
          return new Swept(t, soFar.cancelled());
        }
        if (cancelled[0]) {
          soFar.cancelled().add(id);
        }
        return new Swept(soFar.change().then(t), soFar.cancelled());
      });
    });
  }
}
