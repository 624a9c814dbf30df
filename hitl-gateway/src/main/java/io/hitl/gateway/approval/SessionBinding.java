package io.hitl.gateway.approval;

import io.hitl.gateway.core.session.SessionRules;
import io.hitl.gateway.store.SessionStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.UUID;

/** A create that names a session: the session checked (the caller's, still open), then the request bound to it. */
final class SessionBinding {
  private final SessionStore sessions = new SessionStore();

  /** Holds the session's row shared until commit, so a lapse waits for this create or this create sees the lapse. */
  Future<Void> check(SqlConnection conn, UUID session, String caller) {
    if (session == null) {
      return Future.succeededFuture();
    }
    return sessions.forShare(conn, session).map(s -> {
      SessionRules.requireBindable(s, session, caller);
      return null;
    });
  }

  /**
   * Binds a request the change just created, journaled as {@code session_bound} after its creation so that verify
   * re-derives the binding; a repeated create (the existing request) is left as it was bound.
   */
  Future<Change> bound(SqlConnection conn, UUID session, Change c, String owner, String corr, Instant at) {
    if (session == null || !c.created()) {
      return Future.succeededFuture(c);
    }
    return sessions.bind(conn, session, c.approval().id())
      .map(v -> c.with(SessionRules.bound(session, c.approval().id(), owner, corr, at), null));
  }
}
