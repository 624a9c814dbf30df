package io.hitl.gateway.switches;

import io.hitl.gateway.approval.SwitchCascade;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.Role;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.pretrade.ScopedSwitch;
import io.hitl.gateway.core.pretrade.SwitchEntries;
import io.hitl.gateway.core.pretrade.SwitchRequests;
import io.hitl.gateway.journal.Journal;
import io.hitl.gateway.store.DbFailures;
import io.hitl.gateway.store.SwitchStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Scoped kill switches: engaged (with the cascade that rejects what is pending in scope), released by an
 * explicit admin action, and listed with who, why and when. Nothing is cached: every create reads the
 * engaged switches from PostgreSQL, so every node enforces a switch from the moment its engage commits.
 */
public final class SwitchService {
  /** How many switches a list answers with at most (every engaged one comes first). */
  public static final int MAX_LISTED = 1000;

  private final Pool pool;
  private final Clock clock;
  private final Journal journal;
  private final SwitchCascade cascade;
  private final SwitchStore switches = new SwitchStore();

  public SwitchService(Pool pool, Clock clock, Journal journal, SwitchCascade cascade) {
    this.pool = pool;
    this.clock = clock;
    this.journal = journal;
    this.cascade = cascade;
  }

  /** The engaged switches, or with {@code history} the lifted ones too (most recent first). */
  public Future<List<ScopedSwitch>> list(Actor actor, boolean history) {
    if (actor == null || !actor.canRead()) {
      return Future.failedFuture(new GatewayException(ErrorCode.SEC_002,
        "A role is required to read the kill switches"));
    }
    return (history ? switches.recent(pool, MAX_LISTED) : switches.engaged(pool, MAX_LISTED)).recover(DbFailures::fail);
  }

  /** Engages a switch on {scope, value} with a reason (admin); an engaged scope is answered as it stands. */
  public Future<SwitchCascade.Result> engage(Map<String, Object> body, Actor actor, String corr) {
    return engage(body, actor, SwitchEntries.Via.UNKNOWN, corr);
  }

  /** The same, journaled with the channel (and chat user) it came from. */
  public Future<SwitchCascade.Result> engage(Map<String, Object> body, Actor actor, SwitchEntries.Via via,
      String corr) {
    ScopedSwitch asked;
    try {
      requireAdmin(actor, "engage a kill switch");
      asked = SwitchRequests.engage(body, actor.subject(), now());
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    return cascade.engage(asked, via, corr, actor).recover(DbFailures::fail);
  }

  /** Releases an engaged switch (admin), journaled with who and why; the only way a switch ends. */
  public Future<ScopedSwitch> release(UUID id, Object reasonValue, Actor actor, String corr) {
    return release(id, reasonValue, actor, SwitchEntries.Via.UNKNOWN, corr);
  }

  /** The same, journaled with the channel (and chat user) it came from. */
  public Future<ScopedSwitch> release(UUID id, Object reasonValue, Actor actor, SwitchEntries.Via via, String corr) {
    String reason;
    try {
      requireAdmin(actor, "release a kill switch");
      Map<String, String> errors = new HashMap<>();
      reason = SwitchRequests.reason(reasonValue, false, errors);
      if (!errors.isEmpty()) {
        throw GatewayException.invalid(errors);
      }
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    Instant now = now();
    return journal.inTransaction(pool, tx -> switches.byId(tx.conn(), id).compose(found -> {
      if (found == null) {
        return Future.failedFuture(new GatewayException(ErrorCode.SEC_011, "No kill switch " + id));
      }
      ScopedSwitch lifted = found.lifted(now, actor.subject(), reason);
      return switches.liftById(tx.conn(), id, lifted).compose(stored -> {
        if (stored == null) {
          return Future.failedFuture(new GatewayException(ErrorCode.SEC_030, "Kill switch " + id + " on "
            + found.scope().label() + " was already released"
            + (found.liftedAt() == null ? "" : " at " + Times.format(found.liftedAt()) + " by " + found.liftedBy())));
        }
        return tx.append(actor.stamp(SwitchEntries.lifted(stored, via, corr))).map(v -> stored);
      });
    })).recover(DbFailures::fail);
  }

  private Instant now() {
    return Times.micros(clock.instant());
  }

  private static void requireAdmin(Actor actor, String action) {
    if (actor == null) {
      throw new GatewayException(ErrorCode.SEC_001, "An authenticated admin is required to " + action);
    }
    actor.require(Role.ADMIN, action);
  }
}
