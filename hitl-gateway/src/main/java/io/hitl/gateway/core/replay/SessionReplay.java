package io.hitl.gateway.core.replay;

import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.session.EngineSession;
import io.hitl.gateway.core.session.SessionRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The engine_sessions and session_requests tables re-derived by folding the session entries in seq order
 * ({@code session_opened}, {@code session_lapsed}, {@code session_closed}, {@code session_bound}), and compared
 * with the tables. Heartbeats are not journaled, so an open session's {@code last_seen_at} is only held to be no
 * earlier than its opening; once the session has ended, its end entry states it exactly.
 */
public final class SessionReplay {
  static final String SESSIONS = "engine_sessions";
  static final String BINDINGS = "session_requests";

  private record Derived(EngineSession row, long seq) {
  }

  private record Binding(UUID session, long seq) {
  }

  private final Map<UUID, Derived> sessions = new TreeMap<>();
  private final Map<UUID, Binding> bindings = new TreeMap<>();

  /** Folds one entry in; entries of other kinds are ignored. */
  public void apply(JournalEntry e) {
    switch (e.action()) {
      case SessionRules.OPENED -> {
        EngineSession s = fromPayload(e, e.createdAt());
        sessions.put(s.id(), new Derived(s, e.seq()));
      }
      case SessionRules.LAPSED, SessionRules.CLOSED -> {
        UUID id = UUID.fromString(String.valueOf(e.payload().get("session_id")));
        Derived before = sessions.get(id);
        // an end with no opening (its history archived, or forged): its row is stated without an opening time
        EngineSession s = fromPayload(e, before == null ? null : before.row().openedAt());
        int cancelled = e.payload().get("cancelled") instanceof Number n ? n.intValue() : 0;
        s = SessionRules.LAPSED.equals(e.action()) ? s.lapsed(e.createdAt(), cancelled)
          : s.closed(e.createdAt(), cancelled);
        sessions.put(id, new Derived(s, e.seq()));
      }
      case SessionRules.BOUND -> bindings.put(UUID.fromString(String.valueOf(e.payload().get("approval_id"))),
        new Binding(UUID.fromString(String.valueOf(e.payload().get("session_id"))), e.seq()));
      default -> {
      }
    }
  }

  /** The session an entry states, open, with its owner, timeout and last heartbeat. */
  private static EngineSession fromPayload(JournalEntry e, Instant openedAt) {
    Map<String, Object> p = e.payload();
    Object last = p.get("last_seen_at");
    return new EngineSession(UUID.fromString(String.valueOf(p.get("session_id"))), (String) p.get("owner"),
      p.get("timeout_seconds") instanceof Number n ? n.intValue() : 0, openedAt,
      last == null ? null : Instant.parse(String.valueOf(last)), null, null, 0);
  }

  /** Every stored session against its history; sessions the journal has but the table lacks are named too. */
  public List<Difference> compareSessions(Collection<EngineSession> found) {
    List<Difference> out = new ArrayList<>();
    Set<UUID> seen = new HashSet<>();
    for (EngineSession f : found) {
      seen.add(f.id());
      Derived d = sessions.get(f.id());
      String id = f.id().toString();
      if (d == null) {
        out.add(new Difference(SESSIONS, id, "row", null, "a session of " + f.owner() + " with no journal history",
          null));
        continue;
      }
      EngineSession x = d.row();
      long s = d.seq();
      diff(out, SESSIONS, id, "owner", x.owner(), f.owner(), s);
      diff(out, SESSIONS, id, "timeout_seconds", x.timeoutSeconds(), f.timeoutSeconds(), s);
      diff(out, SESSIONS, id, "opened_at", x.openedAt(), f.openedAt(), s);
      if (x.open()) {
        if (f.lastSeenAt() == null || x.lastSeenAt() != null && f.lastSeenAt().isBefore(x.lastSeenAt())) {
          out.add(new Difference(SESSIONS, id, "last_seen_at", "at or after " + x.lastSeenAt(),
            f.lastSeenAt() == null ? null : f.lastSeenAt().toString(), s));
        }
      } else {
        diff(out, SESSIONS, id, "last_seen_at", x.lastSeenAt(), f.lastSeenAt(), s);
      }
      diff(out, SESSIONS, id, "lapsed_at", x.lapsedAt(), f.lapsedAt(), s);
      diff(out, SESSIONS, id, "closed_at", x.closedAt(), f.closedAt(), s);
      diff(out, SESSIONS, id, "cancelled", x.cancelled(), f.cancelled(), s);
    }
    sessions.forEach((id, d) -> {
      if (!seen.contains(id)) {
        out.add(new Difference(SESSIONS, id.toString(), "row", "a session of " + d.row().owner(), null, d.seq()));
      }
    });
    return out;
  }

  /**
   * Every stored binding (request id → session id) against the {@code session_bound} entries; bindings the journal
   * has but the table lacks are named too.
   */
  public List<Difference> compareBindings(Map<UUID, UUID> found) {
    List<Difference> out = new ArrayList<>();
    found.forEach((approval, session) -> {
      Binding b = bindings.get(approval);
      if (b == null) {
        out.add(new Difference(BINDINGS, approval.toString(), "row", null, "bound to session " + session, null));
      } else {
        diff(out, BINDINGS, approval.toString(), "session_id", b.session(), session, b.seq());
      }
    });
    bindings.forEach((approval, b) -> {
      if (!found.containsKey(approval)) {
        out.add(new Difference(BINDINGS, approval.toString(), "row", "bound to session " + b.session(), null,
          b.seq()));
      }
    });
    return out;
  }

  private static void diff(List<Difference> out, String table, String id, String field, Object expected,
      Object found, long seq) {
    if (!Objects.equals(expected, found)) {
      out.add(new Difference(table, id, field, expected == null ? null : String.valueOf(expected),
        found == null ? null : String.valueOf(found), seq));
    }
  }
}
