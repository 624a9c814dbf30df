package io.hitl.gateway.audit;

import io.hitl.gateway.core.CanonicalJson;
import io.hitl.gateway.core.Hashing;
import io.hitl.gateway.core.guard.Lockout;
import io.hitl.gateway.core.pretrade.ScopedSwitch;
import io.hitl.gateway.core.session.EngineSession;
import io.hitl.gateway.core.replay.Difference;
import io.hitl.gateway.core.replay.GuardReplay;
import io.hitl.gateway.core.replay.GuardReplay.PolicyVersion;
import io.hitl.gateway.store.GuardianStore;
import io.hitl.gateway.store.LockoutStore;
import io.hitl.gateway.store.PolicyStore;
import io.hitl.gateway.store.PretradeStore;
import io.hitl.gateway.store.SessionStore;
import io.hitl.gateway.store.SettingsStore;
import io.hitl.gateway.store.SwitchStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Reads the guard tables and compares them with their re-derivation from the journal. */
final class GuardTables {
  private static final int PAGE = 1000;
  private final GuardianStore guardian = new GuardianStore();
  private final SettingsStore settings = new SettingsStore();
  private final LockoutStore lockouts = new LockoutStore();
  private final PolicyStore policies = new PolicyStore();
  private final SwitchStore switches = new SwitchStore();
  private final SessionStore sessions = new SessionStore();
  private final PretradeStore pretrade = new PretradeStore();

  /**
   * Every difference between the tables as read on {@code db} and {@code replay}; kept seconds before
   * {@code purgedBefore} (null: no purge) are not compared, as a purge removes a second and its orders in batches of
   * their own.
   */
  Future<List<Difference>> compare(SqlClient db, GuardReplay replay, Instant purgedBefore) {
    List<Difference> out = new ArrayList<>();
    return guardian.checked(db).compose(g -> {
      out.addAll(replay.compareGuardian(g.stored()));
      return settings.get(db);
    }).compose(s -> {
      out.addAll(replay.compareSettings(s));
      return allLockouts(db, new UUID(0, 0), new ArrayList<>());
    }).compose(ls -> {
      out.addAll(replay.compareLockouts(ls));
      return allPolicies(db, 0, new ArrayList<>(), new HashMap<>());
    }).compose(found -> {
      out.addAll(replay.comparePolicies(found.versions, found.documentHashes));
      return allSwitches(db, new UUID(0, 0), new ArrayList<>());
    }).compose(found -> {
      out.addAll(replay.compareSwitches(found));
      return allSessions(db, new UUID(0, 0), new ArrayList<>());
    }).compose(found -> {
      out.addAll(replay.compareSessions(found));
      return allBindings(db, new UUID(0, 0), new LinkedHashMap<>());
    }).compose(found -> {
      out.addAll(replay.compareSessionBindings(found));
      return pretrade.keptDifferences(db, purgedBefore == null ? Long.MIN_VALUE : purgedBefore.getEpochSecond());
    }).map(kept -> {
      out.addAll(keptDifferences(kept));
      return out;
    });
  }

  /**
   * The kept per-second window totals are sums of the counted orders' rows, not journal projections: each
   * second that disagrees with its rows is named, orders and notional apart, the rows' figures expected.
   */
  static List<Difference> keptDifferences(List<PretradeStore.KeptDifference> kept) {
    List<Difference> out = new ArrayList<>();
    for (PretradeStore.KeptDifference k : kept) {
      String id = k.windowKey() + "@" + k.second();
      if (k.orders() == null || k.orders() != k.counted()) {
        out.add(new Difference("pretrade_window_seconds", id, "orders", Long.toString(k.counted()),
          k.orders() == null ? null : k.orders().toString(), null));
      }
      if (k.notional() == null || k.notional().compareTo(k.countedNotional()) != 0) {
        out.add(new Difference("pretrade_window_seconds", id, "notional", k.countedNotional().toPlainString(),
          k.notional() == null ? null : k.notional().toPlainString(), null));
      }
    }
    return out;
  }

  private Future<List<EngineSession>> allSessions(SqlClient db, UUID after, List<EngineSession> acc) {
    return sessions.pageAfter(db, after, PAGE).compose(page -> {
      acc.addAll(page);
      return page.size() < PAGE ? Future.succeededFuture(acc) : allSessions(db, page.get(page.size() - 1).id(), acc);
    });
  }

  private Future<Map<UUID, UUID>> allBindings(SqlClient db, UUID after, Map<UUID, UUID> acc) {
    return sessions.bindingsAfter(db, after, PAGE).compose(page -> {
      acc.putAll(page);
      UUID last = null;
      for (UUID k : page.keySet()) {
        last = k;
      }
      return page.size() < PAGE ? Future.succeededFuture(acc) : allBindings(db, last, acc);
    });
  }

  private Future<List<ScopedSwitch>> allSwitches(SqlClient db, UUID after, List<ScopedSwitch> acc) {
    return switches.pageAfter(db, after, PAGE).compose(page -> {
      acc.addAll(page);
      return page.size() < PAGE ? Future.succeededFuture(acc) : allSwitches(db, page.get(page.size() - 1).id(), acc);
    });
  }

  private Future<List<Lockout>> allLockouts(SqlClient db, UUID after, List<Lockout> acc) {
    return lockouts.pageAfter(db, after, PAGE).compose(page -> {
      acc.addAll(page);
      return page.size() < PAGE ? Future.succeededFuture(acc) : allLockouts(db, page.get(page.size() - 1).id(), acc);
    });
  }

  private record Policies(List<PolicyVersion> versions, Map<Integer, String> documentHashes) {
  }

  private Future<Policies> allPolicies(SqlClient db, int after, List<PolicyVersion> acc, Map<Integer, String> docs) {
    return policies.pageAfter(db, after, PAGE).compose(page -> {
      for (PolicyStore.Version v : page) {
        acc.add(new PolicyVersion(v.version(), v.hash(), v.createdBy(), v.createdAt()));
        docs.put(v.version(), Hashing.sha256Hex(CanonicalJson.write(v.document())));
      }
      return page.size() < PAGE ? Future.succeededFuture(new Policies(acc, docs))
        : allPolicies(db, page.get(page.size() - 1).version(), acc, docs);
    });
  }
}
