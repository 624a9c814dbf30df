package io.hitl.gateway.core.replay;

import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.guard.ApprovalSettings;
import io.hitl.gateway.core.guard.GuardEntries;
import io.hitl.gateway.core.guard.GuardianSource;
import io.hitl.gateway.core.guard.GuardianState;
import io.hitl.gateway.core.guard.Lockout;
import io.hitl.gateway.core.guard.LockoutSource;
import io.hitl.gateway.core.guard.TradingMode;
import io.hitl.gateway.core.pretrade.ScopedSwitch;
import io.hitl.gateway.core.session.EngineSession;
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
 * The guard tables (guardian_state, symbol_lockouts, approval_settings, policies, scoped_switches, and the
 * engine sessions' engine_sessions and session_requests) re-derived by folding the journal in seq order, and compared with what the tables hold. Entries of
 * other kinds are ignored.
 */
public final class GuardReplay {
  /** The Guardian row as the database is created with it. */
  public static final GuardianState INITIAL_GUARDIAN = new GuardianState(false, null, GuardianSource.INITIAL, "system",
    Instant.EPOCH, 0, 0);
  /** The settings row as the database is created with it. */
  public static final ApprovalSettings INITIAL_SETTINGS = new ApprovalSettings(TradingMode.LIVE, false, true, null,
    null, null);

  /** A stored policy version as the journal states it. */
  public record PolicyVersion(int version, String hash, String createdBy, Instant createdAt) {
  }

  private record Derived<T>(T row, long seq) {
  }

  private GuardianState guardian = INITIAL_GUARDIAN;
  private Long guardianSeq;
  private ApprovalSettings settings = INITIAL_SETTINGS;
  private Long settingsSeq;
  private final Map<UUID, Derived<Lockout>> lockouts = new TreeMap<>();
  private final Map<Integer, Derived<PolicyVersion>> policies = new TreeMap<>();
  private final SwitchReplay switches = new SwitchReplay();
  private final SessionReplay sessions = new SessionReplay();

  /** Folds one entry in; entries must come in seq order. */
  public void apply(JournalEntry e) {
    switch (e.action()) {
      case GuardEntries.GUARDIAN_LOCKED, GuardEntries.GUARDIAN_UNLOCKED -> {
        guardian = guardian(guardian, e);
        guardianSeq = e.seq();
      }
      case GuardEntries.LOCKOUT_CREATED -> {
        Lockout l = lockoutCreated(e);
        lockouts.put(l.id(), new Derived<>(l, e.seq()));
      }
      case GuardEntries.LOCKOUT_REMOVED -> {
        UUID id = UUID.fromString(text(e, "lockout_id"));
        Derived<Lockout> d = lockouts.get(id);
        Lockout before = d != null ? d.row() : lockoutCreated(e);
        lockouts.put(id, new Derived<>(lockoutRemoved(before, e), e.seq()));
      }
      case GuardEntries.SETTINGS_UPDATED -> {
        settings = settings(e);
        settingsSeq = e.seq();
      }
      case GuardEntries.POLICY_UPDATED -> {
        PolicyVersion p = policy(e);
        policies.put(p.version(), new Derived<>(p, e.seq()));
      }
      default -> {
        switches.apply(e);
        sessions.apply(e);
      }
    }
  }

  /** Every stored scoped kill switch against its history. */
  public List<Difference> compareSwitches(Collection<ScopedSwitch> found) {
    return switches.compare(found);
  }

  /** Every stored engine session against its history. */
  public List<Difference> compareSessions(Collection<EngineSession> found) {
    return sessions.compareSessions(found);
  }

  /** Every stored binding of a request to a session (request id → session id) against its history. */
  public List<Difference> compareSessionBindings(Map<UUID, UUID> found) {
    return sessions.compareBindings(found);
  }

  /** One step of the Guardian fold: the row after {@code e}, a lock or unlock entry. */
  public static GuardianState guardian(GuardianState before, JournalEntry e) {
    boolean locked = GuardEntries.GUARDIAN_LOCKED.equals(e.action());
    Map<String, Object> p = e.payload();
    long locks = p.get("locks") instanceof Number n ? n.longValue() : before.locks() + (locked ? 1 : 0);
    long blocked = p.get("blocked_by_guardian") instanceof Number n ? n.longValue()
      : before.blockedByGuardian() + (p.get("rejected") instanceof Number r ? r.longValue() : 0);
    return new GuardianState(locked, (String) p.get("reason"), GuardianSource.parse(String.valueOf(p.get("source"))),
      e.actor(), e.createdAt(), blocked, locks);
  }

  /**
   * The differences between the stored Guardian row and its last journal entry alone, for the check on
   * every read; the counters are compared only when the entry carries them.
   */
  public static List<Difference> guardianAgainstLast(GuardianState found, JournalEntry last) {
    if (last == null) {
      return compareGuardian(INITIAL_GUARDIAN, null, found, true);
    }
    return compareGuardian(guardian(found, last), last.seq(), found, last.payload().get("locks") instanceof Number);
  }

  public static Lockout lockoutCreated(JournalEntry e) {
    return new Lockout(UUID.fromString(text(e, "lockout_id")), text(e, "ticker"), text(e, "reason"),
      LockoutSource.parse(text(e, "source")), e.actor(), e.createdAt(), Instant.parse(text(e, "until")), null, null,
      null);
  }

  public static Lockout lockoutRemoved(Lockout before, JournalEntry e) {
    return new Lockout(before.id(), before.ticker(), before.reason(), before.source(), before.createdBy(),
      before.createdAt(), before.until(), e.createdAt(), e.actor(), (String) e.payload().get("removed_reason"));
  }

  @SuppressWarnings("unchecked")
  public static ApprovalSettings settings(JournalEntry e) {
    Map<String, Object> after = (Map<String, Object>) e.payload().get("after");
    return new ApprovalSettings(TradingMode.parse(String.valueOf(after.get("trading_mode"))),
      Boolean.TRUE.equals(after.get("auto_approve_paper")), Boolean.TRUE.equals(after.get("require_approval_for_live")),
      (Boolean) after.get("hitl_enabled"), e.actor(), e.createdAt());
  }

  public static PolicyVersion policy(JournalEntry e) {
    return new PolicyVersion(((Number) e.payload().get("version")).intValue(), text(e, "hash"), e.actor(),
      e.createdAt());
  }

  public GuardianState guardian() {
    return guardian;
  }

  public ApprovalSettings settings() {
    return settings;
  }

  public List<Difference> compareGuardian(GuardianState found) {
    return compareGuardian(guardian, guardianSeq, found, true);
  }

  public List<Difference> compareSettings(ApprovalSettings found) {
    List<Difference> out = new ArrayList<>();
    String t = "approval_settings";
    ApprovalSettings x = settings;
    diff(out, t, "1", "trading_mode", x.tradingMode().json(), found.tradingMode().json(), settingsSeq);
    diff(out, t, "1", "auto_approve_paper", x.autoApprovePaper(), found.autoApprovePaper(), settingsSeq);
    diff(out, t, "1", "require_approval_for_live", x.requireApprovalForLive(), found.requireApprovalForLive(),
      settingsSeq);
    diff(out, t, "1", "hitl_enabled", x.hitlEnabled(), found.hitlEnabled(), settingsSeq);
    diff(out, t, "1", "updated_by", x.updatedBy(), found.updatedBy(), settingsSeq);
    diff(out, t, "1", "updated_at", x.updatedAt(), found.updatedAt(), settingsSeq);
    return out;
  }

  /** Every stored lockout against its history; lockouts the journal has but the table lacks are named too. */
  public List<Difference> compareLockouts(Collection<Lockout> found) {
    List<Difference> out = new ArrayList<>();
    String t = "symbol_lockouts";
    Set<UUID> seen = new HashSet<>();
    for (Lockout f : found) {
      seen.add(f.id());
      Derived<Lockout> d = lockouts.get(f.id());
      String id = f.id().toString();
      if (d == null) {
        out.add(new Difference(t, id, "row", null, "a lockout of " + f.ticker() + " with no journal history", null));
        continue;
      }
      Lockout x = d.row();
      long s = d.seq();
      diff(out, t, id, "ticker", x.ticker(), f.ticker(), s);
      diff(out, t, id, "reason", x.reason(), f.reason(), s);
      diff(out, t, id, "source", x.source().json(), f.source().json(), s);
      diff(out, t, id, "created_by", x.createdBy(), f.createdBy(), s);
      diff(out, t, id, "created_at", x.createdAt(), f.createdAt(), s);
      diff(out, t, id, "until", x.until(), f.until(), s);
      diff(out, t, id, "removed_at", x.removedAt(), f.removedAt(), s);
      diff(out, t, id, "removed_by", x.removedBy(), f.removedBy(), s);
      diff(out, t, id, "removed_reason", x.removedReason(), f.removedReason(), s);
    }
    lockouts.forEach((id, d) -> {
      if (!seen.contains(id)) {
        out.add(new Difference(t, id.toString(), "row", "a lockout of " + d.row().ticker(), null, d.seq()));
      }
    });
    return out;
  }

  /**
   * Every stored policy version against its history; {@code documentHashes} are the SHA-256 of each stored
   * document's canonical JSON, which must be the version's hash.
   */
  public List<Difference> comparePolicies(Collection<PolicyVersion> found, Map<Integer, String> documentHashes) {
    List<Difference> out = new ArrayList<>();
    String t = "policies";
    Set<Integer> seen = new HashSet<>();
    for (PolicyVersion f : found) {
      seen.add(f.version());
      Derived<PolicyVersion> d = policies.get(f.version());
      String id = String.valueOf(f.version());
      if (d == null) {
        out.add(new Difference(t, id, "row", null, "a policy version with no journal history", null));
        continue;
      }
      diff(out, t, id, "hash", d.row().hash(), f.hash(), d.seq());
      String doc = documentHashes.get(f.version());
      if (doc != null && !doc.equals(d.row().hash())) {
        out.add(new Difference(t, id, "document", "a document hashing to " + d.row().hash(),
          "a document hashing to " + doc, d.seq()));
      }
      diff(out, t, id, "created_by", d.row().createdBy(), f.createdBy(), d.seq());
      diff(out, t, id, "created_at", d.row().createdAt(), f.createdAt(), d.seq());
    }
    policies.forEach((v, d) -> {
      if (!seen.contains(v)) {
        out.add(new Difference(t, String.valueOf(v), "row", "policy version " + v, null, d.seq()));
      }
    });
    return out;
  }

  private static List<Difference> compareGuardian(GuardianState x, Long seq, GuardianState found, boolean counters) {
    List<Difference> out = new ArrayList<>();
    String t = "guardian_state";
    diff(out, t, "1", "state", x.stateName(), found.stateName(), seq);
    diff(out, t, "1", "reason", x.reason(), found.reason(), seq);
    diff(out, t, "1", "source", x.source().json(), found.source().json(), seq);
    diff(out, t, "1", "changed_by", x.changedBy(), found.changedBy(), seq);
    diff(out, t, "1", "changed_at", x.changedAt(), found.changedAt(), seq);
    if (counters) {
      diff(out, t, "1", "blocked_by_guardian", x.blockedByGuardian(), found.blockedByGuardian(), seq);
      diff(out, t, "1", "locks", x.locks(), found.locks(), seq);
    }
    return out;
  }

  private static void diff(List<Difference> out, String table, String id, String field, Object expected, Object found,
      Long seq) {
    if (!Objects.equals(expected, found)) {
      out.add(new Difference(table, id, field, expected == null ? null : String.valueOf(expected),
        found == null ? null : String.valueOf(found), seq));
    }
  }

  private static String text(JournalEntry e, String key) {
    Object v = e.payload().get(key);
    return v == null ? null : String.valueOf(v);
  }
}
