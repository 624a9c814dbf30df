package io.hitl.gateway.sessions;

import io.hitl.gateway.approval.SessionCascade;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.Role;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.session.EngineSession;
import io.hitl.gateway.core.session.SessionRules;
import io.hitl.gateway.journal.Journal;
import io.hitl.gateway.store.DbFailures;
import io.hitl.gateway.store.SessionStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Engine sessions for cancel-on-disconnect: opened by a submitter, kept alive by its heartbeats, lapsed by the
 * sweep once a heartbeat is overdue (its pending requests cancelled) or closed by its engine, and read back by the
 * engine on reconnect.
 */
public final class SessionService {
  /** How many sessions one sweep lapses at most; the next sweep takes the rest. */
  static final int SWEEP_BATCH = 100;
  /** How many cancelled request ids a lapsed session's answer names at most. */
  static final int MAX_NAMED = 1000;

  private final Pool pool;
  private final Clock clock;
  private final Journal journal;
  private final SessionCascade cascade;
  private final SessionStore sessions = new SessionStore();

  /** A session as its engine reads it: with the requests its lapse or close cancelled (none while open). */
  public record View(EngineSession session, List<UUID> cancelled) {
  }

  public SessionService(Pool pool, Clock clock, Journal journal, SessionCascade cascade) {
    this.pool = pool;
    this.clock = clock;
    this.journal = journal;
    this.cascade = cascade;
  }

  public Future<EngineSession> open(Map<String, Object> body, Actor actor, String corr) {
    EngineSession s;
    try {
      actor.require(Role.SUBMITTER, "open engine sessions");
      s = SessionRules.open(body, actor.subject(), now());
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    return journal.inTransaction(pool, tx -> sessions.insert(tx.conn(), s)
      .compose(v -> tx.append(SessionRules.opened(s, corr)))).map(v -> s).recover(DbFailures::fail);
  }

  /** Keeps an open session alive; an ended one (lapsed, closed) is SEC-073 naming what its end cancelled. */
  public Future<EngineSession> heartbeat(UUID id, Actor actor) {
    try {
      actor.require(Role.SUBMITTER, "send heartbeats");
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    return sessions.heartbeat(pool, id, actor.subject(), now()).compose(s -> s != null ? Future.succeededFuture(s)
      : read(id, actor).compose(v -> Future.<EngineSession>failedFuture(
        SessionRules.endedRefusal(v.session(), v.cancelled())))).recover(DbFailures::fail);
  }

  /**
   * Its owner closes the session: no lapse will follow; with {@code cancelPending} its pending requests are
   * cancelled (ENGINE_SESSION_CLOSED), otherwise left to their own deadlines. Closing an ended session changes
   * nothing and answers it as it is.
   */
  public Future<View> close(UUID id, boolean cancelPending, Actor actor, String channel, String corr) {
    try {
      actor.require(Role.SUBMITTER, "close engine sessions");
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    return cascade.close(id, actor, cancelPending, channel, corr).compose(r -> r.changed()
      ? Future.succeededFuture(new View(r.session(), r.cancelled())) : read(id, actor)).recover(DbFailures::fail);
  }

  /** The session (its owner or an admin), with the requests its lapse or close cancelled. */
  public Future<View> read(UUID id, Actor actor) {
    return sessions.find(pool, id).compose(s -> {
      if (s == null || !s.owner().equals(actor.subject()) && !actor.has(Role.ADMIN)) {
        return Future.failedFuture(new GatewayException(ErrorCode.SEC_011, "No session " + id));
      }
      return s.open() ? Future.succeededFuture(new View(s, List.of()))
        : sessions.cancelled(pool, id, SessionRules.reason(s), MAX_NAMED).map(ids -> new View(s, ids));
    }).recover(DbFailures::fail);
  }

  /** Lapses every session whose heartbeat is overdue by this node's clock; how many it lapsed. */
  public Future<Integer> sweep() {
    return sessions.due(pool, now(), SWEEP_BATCH).compose(due -> {
      Future<Integer> f = Future.succeededFuture(0);
      for (EngineSession s : due) {
        f = f.compose(n -> cascade.lapse(s.id(), "session-" + s.id()).map(r -> r.session() == null ? n : n + 1));
      }
      return f;
    });
  }

  private Instant now() {
    return Times.micros(clock.instant());
  }
}
