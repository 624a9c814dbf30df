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
import io.hitl.gateway.core.guard.GuardianState;
import io.hitl.gateway.core.guard.Lockout;
import io.hitl.gateway.core.guard.LockoutSource;
import io.hitl.gateway.core.guard.Lockouts;
import io.hitl.gateway.store.GuardianStore;
import io.hitl.gateway.store.JournalStore;
import io.hitl.gateway.store.LockoutStore;
import io.hitl.gateway.store.SettingsStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Symbol lockouts, approval settings and Guardian reads. Each change commits with its journal entry;
 * nothing is cached, so every node sees a change with its next request.
 */
public final class GuardsService {
  public static final int MAX_LOCKOUTS = 1000;
  static final String SETTINGS_TARGET = "approval_settings";

  private final Pool pool;
  private final GatewayConfig config;
  private final Clock clock;
  private final GuardianStore guardian = new GuardianStore();
  private final LockoutStore lockouts = new LockoutStore();
  private final SettingsStore settings = new SettingsStore();
  private final JournalStore journal = new JournalStore();

  public GuardsService(Pool pool, GatewayConfig config, Clock clock) {
    this.pool = pool;
    this.config = config;
    this.clock = clock;
  }

  public Instant now() {
    return Times.micros(clock.instant());
  }

  public Future<GuardianState> guardian() {
    return guardian.get(pool).recover(DbFailures::fail);
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
    Map<String, Object> payload = lockoutPayload(l);
    JournalEntry e = JournalEntry.of(null, l.ticker(), l.createdBy(), "lockout_created", null, "ACTIVE", payload, corr,
      null, now);
    return pool.withTransaction(conn -> lockouts.insert(conn, l).compose(v -> journal.append(conn, List.of(e))))
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
    return pool.withTransaction(conn -> lockouts.forUpdate(conn, id).compose(l -> {
      if (l == null || !l.activeAt(now)) {
        return Future.failedFuture(new GatewayException(ErrorCode.SEC_011, l == null ? "No lockout " + id
          : "Lockout " + id + " is no longer active (" + (l.removedAt() != null ? "removed at "
            + Times.format(l.removedAt()) : "ended at " + Times.format(l.until())) + ")"));
      }
      return lockouts.remove(conn, id, actor.subject(), reason, now).compose(removed -> {
        Map<String, Object> payload = lockoutPayload(removed);
        payload.put("removed_reason", reason);
        payload.put("seconds_early", Duration.between(now, removed.until()).toSeconds());
        JournalEntry e = JournalEntry.of(null, removed.ticker(), actor.subject(), "lockout_removed", "ACTIVE",
          "REMOVED", payload, corr, null, now);
        return journal.append(conn, List.of(e)).map(v -> removed);
      });
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
    return pool.withTransaction(conn -> settings.forUpdate(conn).compose(before -> {
      ApprovalSettings after = before.apply(body, actor.subject(), now);
      Map<String, Object> payload = new LinkedHashMap<>();
      payload.put("before", view(before));
      payload.put("after", view(after));
      JournalEntry e = JournalEntry.of(null, SETTINGS_TARGET, actor.subject(), "settings_updated",
        before.tradingMode().name(), after.tradingMode().name(), payload, corr, null, now);
      return settings.update(conn, after).compose(v -> journal.append(conn, List.of(e))).map(v -> after);
    })).recover(DbFailures::fail);
  }

  private Map<String, Object> view(ApprovalSettings s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("trading_mode", s.tradingMode().json());
    m.put("auto_approve_paper", s.autoApprovePaper());
    m.put("require_approval_for_live", s.requireApprovalForLive());
    m.put("hitl_enabled", s.hitlEnabled());
    m.put("hitl_enabled_effective", s.hitlEnabled(config.hitlEnabled));
    return m;
  }

  private static Map<String, Object> lockoutPayload(Lockout l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("lockout_id", l.id().toString());
    m.put("ticker", l.ticker());
    m.put("reason", l.reason());
    m.put("source", l.source().json());
    m.put("until", Times.format(l.until()));
    return m;
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
