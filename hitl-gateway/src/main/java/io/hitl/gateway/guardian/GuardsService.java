package io.hitl.gateway.guardian;

import io.hitl.gateway.store.DbFailures;
import io.hitl.gateway.approval.ApprovalService;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.RequestValidator;
import io.hitl.gateway.core.Role;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.guard.ApprovalSettings;
import io.hitl.gateway.core.guard.GuardEntries;
import io.hitl.gateway.core.guard.GuardianState;
import io.hitl.gateway.core.guard.Lockout;
import io.hitl.gateway.core.guard.LockoutSource;
import io.hitl.gateway.core.guard.Lockouts;
import io.hitl.gateway.journal.Journal;
import io.hitl.gateway.store.GuardianStore;
import io.hitl.gateway.store.LockoutStore;
import io.hitl.gateway.store.SettingsStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Symbol lockouts, approval settings and Guardian reads. Each change commits with its journal entry;
 * nothing is cached, so every node sees a change with its next request.
 */
public final class GuardsService {
  public static final int MAX_LOCKOUTS = 1000;

  private final Pool pool;
  private final GatewayConfig config;
  private final Clock clock;
  private final GuardianStore guardian = new GuardianStore();
  private final LockoutStore lockouts = new LockoutStore();
  private final SettingsStore settings = new SettingsStore();
  private final Journal journal;

  public GuardsService(Pool pool, GatewayConfig config, Clock clock, Journal journal) {
    this.pool = pool;
    this.journal = journal;
    this.config = config;
    this.clock = clock;
  }

  public Instant now() {
    return Times.micros(clock.instant());
  }

  public Future<GuardianState> guardian() {
    return guardian.get(pool).recover(DbFailures::fail);
  }

  /** The Guardian row checked against its last journal entry. */
  public Future<GuardianStore.Checked> checkedGuardian() {
    return guardian.checked(pool);
  }

  /** Journals that the Guardian row disagrees with the journal; published as integrity.alert after commit. */
  public Future<Void> integrityAlert(GuardianStore.Checked c) {
    Map<String, Object> payload = new java.util.LinkedHashMap<>();
    payload.put("journal_seq", c.lastSeq());
    payload.put("differences", c.differences().stream().map(d -> d.describe()).toList());
    payload.put("state_in_force", c.effective().stateName());
    JournalEntry e = JournalEntry.of(null, GuardEntries.GUARDIAN_TARGET, ApprovalService.SYSTEM,
      GuardEntries.GUARDIAN_INTEGRITY_FAILURE, c.stored().stateName(), c.effective().stateName(), payload,
      "guardian-integrity-" + UUID.randomUUID(), ErrorCode.SEC_080.code(), now());
    return journal.inTransaction(pool, tx -> tx.append(e)).mapEmpty();
  }

  public Future<List<Lockout>> lockouts(Actor actor) {
    requireReader(actor);
    return lockouts.active(pool, now(), MAX_LOCKOUTS).recover(DbFailures::fail);
  }

  /**
   * A new lockout. Manual ones need an admin; news_shock and cooldown come from system processes on
   * the event bus and are recorded under the sending service's name, or "system".
   */
  public Future<Lockout> createLockout(Map<String, Object> body, Actor actor, String corr) {
    Lockout l;
    Instant now = now();
    try {
      Object source = body.get("source");
      if (source == null || LockoutSource.MANUAL.json().equals(source)) {
        requireAdmin(actor, "create manual lockouts");
      }
      l = Lockouts.parse(body, LockoutSource.MANUAL, EnumSet.allOf(LockoutSource.class),
        actor == null ? ApprovalService.SYSTEM : actor.subject(), now);
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    JournalEntry made = GuardEntries.lockoutCreated(l, corr);
    JournalEntry e = actor == null ? made : actor.stamp(made);
    return journal.inTransaction(pool, tx -> lockouts.insert(tx.conn(), l).compose(v -> tx.append(e)))
      .map(v -> l).recover(DbFailures::fail);
  }

  /** Ends a lockout before its time; audited with who, why and how early. */
  public Future<Lockout> removeLockout(UUID id, Object reasonValue, Actor actor, String corr) {
    String reason;
    try {
      requireAdmin(actor, "remove lockouts");
      reason = RequestValidator.optionalText(reasonValue, "reason", Lockouts.MAX_REASON);
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    Instant now = now();
    return journal.inTransaction(pool, tx -> lockouts.forUpdate(tx.conn(), id).compose(l -> {
      if (l == null || !l.activeAt(now)) {
        return Future.failedFuture(new GatewayException(ErrorCode.SEC_011, l == null ? "No lockout " + id
          : "Lockout " + id + " is no longer active (" + (l.removedAt() != null ? "removed at "
            + Times.format(l.removedAt()) : "ended at " + Times.format(l.until())) + ")"));
      }
      return lockouts.remove(tx.conn(), id, actor.subject(), reason, now)
        .compose(removed -> tx.append(actor.stamp(GuardEntries.lockoutRemoved(removed, corr))).map(v -> removed));
    })).recover(DbFailures::fail);
  }

  public Future<ApprovalSettings> settings(Actor actor) {
    requireReader(actor);
    return settings.get(pool).recover(DbFailures::fail);
  }

  public Future<ApprovalSettings> updateSettings(Map<String, Object> body, Actor actor, String corr) {
    try {
      requireAdmin(actor, "change approval settings");
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    Instant now = now();
    return journal.inTransaction(pool, tx -> settings.forUpdate(tx.conn()).compose(before -> {
      ApprovalSettings after = before.apply(body, actor.subject(), now);
      JournalEntry e = actor.stamp(GuardEntries.settingsUpdated(before, after, config.hitlEnabled, corr));
      return settings.update(tx.conn(), after).compose(v -> tx.append(e)).map(v -> after);
    })).recover(DbFailures::fail);
  }



  static void requireAdmin(Actor actor, String action) {
    if (actor == null) {
      throw new GatewayException(ErrorCode.SEC_001, "An authenticated admin is required to " + action);
    }
    actor.require(Role.ADMIN, action);
  }

  private static void requireReader(Actor actor) {
    if (actor == null || !actor.canRead()) {
      throw new GatewayException(ErrorCode.SEC_002, "A role is required to read the trading guards");
    }
  }
}
