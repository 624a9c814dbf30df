package io.hitl.gateway.core.session;

import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.Times;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/** Opening, binding to, lapsing and closing engine sessions: the rules, without Vert.x or SQL. */
public final class SessionRules {
  public static final int MIN_TIMEOUT_SECONDS = 1;
  public static final int MAX_TIMEOUT_SECONDS = 600;
  /** The body field of a create that binds the new request to a session. */
  public static final String FIELD = "session_id";
  /** The reason a request is cancelled with when its session lapses. */
  public static final String REASON = "ENGINE_DISCONNECTED";
  /** The reason a request is cancelled with when its engine closes the session asking for that. */
  public static final String REASON_CLOSED = "ENGINE_SESSION_CLOSED";
  public static final String OPENED = "session_opened";
  public static final String LAPSED = "session_lapsed";
  public static final String CLOSED = "session_closed";
  /** A request bound to a session in its create transaction: {session_id, approval_id}. */
  public static final String BOUND = "session_bound";
  private static final Set<String> OPEN_FIELDS = Set.of("heartbeat_timeout_seconds");

  private SessionRules() {
  }

  /** A new open session for {@code owner} from {heartbeat_timeout_seconds}. */
  public static EngineSession open(Map<String, Object> body, String owner, Instant now) {
    Map<String, String> errors = new TreeMap<>();
    Set<String> unknown = new TreeSet<>(body.keySet());
    unknown.removeAll(OPEN_FIELDS);
    unknown.forEach(f -> errors.put(f, "unknown field"));
    long timeout = wholeSeconds(body.get("heartbeat_timeout_seconds"));
    if (timeout < MIN_TIMEOUT_SECONDS || timeout > MAX_TIMEOUT_SECONDS) {
      errors.put("heartbeat_timeout_seconds", "must be whole seconds within " + MIN_TIMEOUT_SECONDS + ".."
        + MAX_TIMEOUT_SECONDS);
    }
    if (!errors.isEmpty()) {
      throw GatewayException.invalid(errors);
    }
    Instant at = Times.micros(now);
    return new EngineSession(UUID.randomUUID(), owner, (int) timeout, at, at, null, null, 0);
  }

  /** A JSON number with no fraction, as seconds; -1 for anything else (a string, a fraction, out of range). */
  static long wholeSeconds(Object v) {
    if (!(v instanceof Number n)) {
      return -1;
    }
    try {
      BigDecimal d = new BigDecimal(n.toString());
      return d.stripTrailingZeros().scale() <= 0 && d.abs().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0
        ? d.longValueExact() : -1;
    } catch (ArithmeticException | NumberFormatException e) {
      return -1;
    }
  }

  /** The session id a create names, or null; anything but a UUID string is SEC-010. */
  public static UUID sessionId(Object v) {
    if (v == null) {
      return null;
    }
    try {
      if (v instanceof String s && s.length() == 36) {
        return UUID.fromString(s);
      }
    } catch (IllegalArgumentException e) {
      // answered below as the field's error
    }
    throw GatewayException.invalid(Map.of(FIELD, "must be the id of a session the caller opened"));
  }

  /** A create may bind to a session its caller opened and that is still open (not lapsed, not closed). */
  public static void requireBindable(EngineSession s, UUID id, String caller) {
    requireOwner(s, id, caller);
    if (!s.open()) {
      throw endedRefusal(s, List.of());
    }
  }

  /** Only its owner may heartbeat, bind to or close a session; for anyone else it does not exist (SEC-011). */
  public static void requireOwner(EngineSession s, UUID id, String caller) {
    if (s == null || !s.owner().equals(caller)) {
      throw new GatewayException(ErrorCode.SEC_011, "No session " + id);
    }
  }

  /** The reason the requests of an ended session were cancelled with: its lapse's, or its close's. */
  public static String reason(EngineSession s) {
    return s.closedAt() != null ? REASON_CLOSED : REASON;
  }

  /** SEC-073 for an ended session: lapsed or closed, when, and which of its requests that cancelled. */
  public static GatewayException endedRefusal(EngineSession s, List<UUID> cancelled) {
    Map<String, Object> ext = new LinkedHashMap<>();
    ext.put("session_id", s.id().toString());
    ext.put("state", s.state());
    ext.put(s.lapsedAt() != null ? "lapsed_at" : "closed_at", Times.format(s.endedAt()));
    ext.put("cancelled", cancelled.stream().map(UUID::toString).toList());
    String how = s.lapsedAt() != null
      ? " lapsed at " + Times.format(s.lapsedAt()) + " (no heartbeat within " + s.timeoutSeconds() + " s); "
      : " was closed by its engine at " + Times.format(s.closedAt()) + "; ";
    return new GatewayException(ErrorCode.SEC_073, "Session " + s.id() + how + s.cancelled()
      + " pending request(s) were cancelled" + (s.cancelled() > 0 ? " with reason " + reason(s) : ""), ext);
  }

  public static JournalEntry opened(EngineSession s, String corr) {
    return JournalEntry.of(null, target(s), s.owner(), OPENED, null, "OPEN", payload(s), corr, null, s.openedAt());
  }

  public static JournalEntry lapsed(EngineSession s, String corr) {
    return JournalEntry.of(null, target(s), "system", LAPSED, "OPEN", "LAPSED", payload(s), corr, null, s.lapsedAt());
  }

  /** Closed by its owner; {@code cancelPending} says whether its pending requests were cancelled with it. */
  public static JournalEntry closed(EngineSession s, boolean cancelPending, String corr) {
    Map<String, Object> p = payload(s);
    p.put("cancel_pending", cancelPending);
    return JournalEntry.of(null, target(s), s.owner(), CLOSED, "OPEN", "CLOSED", p, corr, null, s.closedAt());
  }

  /** The binding of a new request to its session, by the session's owner, at the request's creation. */
  public static JournalEntry bound(UUID session, UUID approval, String owner, String corr, Instant at) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("session_id", session.toString());
    p.put("approval_id", approval.toString());
    return JournalEntry.of(null, target(session), owner, BOUND, null, null, p, corr, null, at);
  }

  private static String target(EngineSession s) {
    return target(s.id());
  }

  private static String target(UUID session) {
    return "session:" + session;
  }

  private static Map<String, Object> payload(EngineSession s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("session_id", s.id().toString());
    m.put("owner", s.owner());
    m.put("timeout_seconds", s.timeoutSeconds());
    m.put("last_seen_at", Times.format(s.lastSeenAt()));
    if (!s.open()) {
      m.put("cancelled", s.cancelled());
    }
    return m;
  }
}
