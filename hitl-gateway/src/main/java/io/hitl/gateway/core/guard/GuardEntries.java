package io.hitl.gateway.core.guard;

import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The journal entries of the guard tables. Each carries every field of the row it produced, so the
 * fold in {@link io.hitl.gateway.core.replay.GuardReplay} re-derives the row from the entry alone.
 */
public final class GuardEntries {
  public static final String GUARDIAN_TARGET = "guardian";
  public static final String SETTINGS_TARGET = "approval_settings";
  public static final String POLICIES_TARGET = "policies";
  public static final String GUARDIAN_LOCKED = "guardian_locked";
  public static final String GUARDIAN_UNLOCKED = "guardian_unlocked";
  /** The Guardian row was found to disagree with its last journal entry; the gateway treats itself as locked. */
  public static final String GUARDIAN_INTEGRITY_FAILURE = "guardian_integrity_failure";
  public static final String LOCKOUT_CREATED = "lockout_created";
  public static final String LOCKOUT_REMOVED = "lockout_removed";
  public static final String SETTINGS_UPDATED = "settings_updated";
  public static final String POLICY_UPDATED = "policy_updated";

  private GuardEntries() {
  }

  /** A lock or unlock that moved the row from {@code before} to {@code after}, rejecting {@code rejected} requests. */
  public static JournalEntry guardianChanged(GuardianState before, GuardianState after, long rejected, String corr) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("state", after.stateName());
    payload.put("reason", after.reason());
    payload.put("source", after.source().json());
    payload.put("rejected", rejected);
    payload.put("blocked_by_guardian", after.blockedByGuardian());
    payload.put("locks", after.locks());
    return JournalEntry.of(null, GUARDIAN_TARGET, after.changedBy(), after.locked() ? GUARDIAN_LOCKED
      : GUARDIAN_UNLOCKED, before.stateName(), after.stateName(), payload, corr, null, after.changedAt());
  }

  public static JournalEntry lockoutCreated(Lockout l, String corr) {
    return JournalEntry.of(null, l.ticker(), l.createdBy(), LOCKOUT_CREATED, null, "ACTIVE", lockout(l), corr, null,
      l.createdAt());
  }

  public static JournalEntry lockoutRemoved(Lockout removed, String corr) {
    Map<String, Object> payload = lockout(removed);
    payload.put("removed_reason", removed.removedReason());
    payload.put("seconds_early", Duration.between(removed.removedAt(), removed.until()).toSeconds());
    return JournalEntry.of(null, removed.ticker(), removed.removedBy(), LOCKOUT_REMOVED, "ACTIVE", "REMOVED", payload,
      corr, null, removed.removedAt());
  }

  /** {@code environmentDefault} is HITL_ENABLED, shown beside the stored value as the effective one. */
  public static JournalEntry settingsUpdated(ApprovalSettings before, ApprovalSettings after,
      boolean environmentDefault, String corr) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("before", settings(before, environmentDefault));
    payload.put("after", settings(after, environmentDefault));
    return JournalEntry.of(null, SETTINGS_TARGET, after.updatedBy(), SETTINGS_UPDATED, before.tradingMode().name(),
      after.tradingMode().name(), payload, corr, null, after.updatedAt());
  }

  /** A new policy version; {@code names} are the policies it holds, the fallback last. */
  public static JournalEntry policyUpdated(int version, String hash, List<String> names, String by, Instant at,
      String corr) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("version", version);
    payload.put("hash", hash);
    payload.put("policies", names);
    return JournalEntry.of(null, POLICIES_TARGET, by, POLICY_UPDATED, null, null, payload, corr, null, at);
  }

  private static Map<String, Object> settings(ApprovalSettings s, boolean environmentDefault) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("trading_mode", s.tradingMode().json());
    m.put("auto_approve_paper", s.autoApprovePaper());
    m.put("require_approval_for_live", s.requireApprovalForLive());
    m.put("hitl_enabled", s.hitlEnabled());
    m.put("hitl_enabled_effective", s.hitlEnabled(environmentDefault));
    return m;
  }

  private static Map<String, Object> lockout(Lockout l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("lockout_id", l.id().toString());
    m.put("ticker", l.ticker());
    m.put("reason", l.reason());
    m.put("source", l.source().json());
    m.put("until", Times.format(l.until()));
    return m;
  }
}
