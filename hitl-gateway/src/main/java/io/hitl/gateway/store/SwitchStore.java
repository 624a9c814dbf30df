package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.instant;
import static io.hitl.gateway.store.Json.odt;

import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.pretrade.Order;
import io.hitl.gateway.core.pretrade.Scope;
import io.hitl.gateway.core.pretrade.ScopeKind;
import io.hitl.gateway.core.pretrade.ScopedSwitch;
import io.hitl.gateway.core.pretrade.SwitchEntries;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Scoped kill switches. Like the Guardian, a switch change holds an advisory lock exclusively while it
 * engages and rejects what is pending in its scope, and a create holds it shared before it reads the
 * engaged switches, so no request in scope can commit after an engage commits.
 */
public final class SwitchStore {
  /** Key of the advisory lock; distinct from the Guardian's and the journal's. */
  static final long SWITCH_LOCK = 0x53434f50L;
  private static final String LOCK_SHARED = "SELECT pg_advisory_xact_lock_shared(" + SWITCH_LOCK + ")";
  private static final String LOCK_EXCLUSIVE = "SELECT pg_advisory_xact_lock(" + SWITCH_LOCK + ")";
  private static final String COLUMNS = "id, scope_kind, scope_value, reason, set_by, set_at, rejected, lifted_at, "
    + "lifted_by, lift_reason";
  private static final String INSERT = "INSERT INTO scoped_switches (id, scope_kind, scope_value, reason, set_by, "
    + "set_at, rejected) VALUES ($1, $2, $3, $4, $5, $6, $7) "
    + "ON CONFLICT (scope_kind, scope_value) WHERE lifted_at IS NULL DO NOTHING RETURNING " + COLUMNS;
  private static final String ENGAGED_ON = "SELECT " + COLUMNS + " FROM scoped_switches "
    + "WHERE scope_kind = $1 AND scope_value = $2 AND lifted_at IS NULL";
  private static final String ENGAGED = "SELECT " + COLUMNS + " FROM scoped_switches WHERE lifted_at IS NULL "
    + "ORDER BY scope_kind, scope_value LIMIT $1";
  /** The engaged switches some order's keys could match: probes of the partial unique index per key. */
  private static final String MATCHING = "SELECT " + COLUMNS + " FROM scoped_switches WHERE lifted_at IS NULL AND ("
    + "(scope_kind = 'venue' AND scope_value = ANY($1)) OR (scope_kind = 'strategy' AND scope_value = ANY($2)) "
    + "OR (scope_kind = 'account' AND scope_value = ANY($3)) OR (scope_kind = 'desk' AND scope_value = ANY($4)) "
    + "OR (scope_kind = 'symbol' AND scope_value = ANY($5)))";
  /**
   * The last engage or lift on each of the scopes (targets "kind:value"), one probe of journal_switch_changes each:
   * by index, the statement for that many targets, each its own parameter. PostgreSQL estimates a list of parameters
   * as it does the same list of values, so it keeps one plan for the statement (a generic plan); with the targets as
   * one array parameter, the estimate without the array's values came out dearer and it planned the statement
   * again for every create on some connections (about 90 µs of planning a create).
   */
  private static final String[] LAST_CHANGES = new String[17];

  static {
    for (int n = 1; n < LAST_CHANGES.length; n++) {
      StringBuilder in = new StringBuilder();
      for (int i = 1; i <= n; i++) {
        in.append(i == 1 ? "$" : ", $").append(i);
      }
      LAST_CHANGES[n] = "SELECT DISTINCT ON (target) seq, target, actor, action, payload, created_at FROM journal "
        + "WHERE action IN ('switch_engaged', 'switch_lifted') AND target IN (" + in + ") ORDER BY target, seq DESC";
    }
  }

  /** The same for any number of targets, as one array parameter. */
  private static final String LAST_CHANGES_ANY = "SELECT DISTINCT ON (target) seq, target, actor, action, payload, "
    + "created_at FROM journal WHERE action IN ('switch_engaged', 'switch_lifted') AND target = ANY($1) "
    + "ORDER BY target, seq DESC";
  private static final String ARCHIVED = "SELECT EXISTS (SELECT 1 FROM journal_archive)";
  /** Engaged switches first, then the most recently lifted: the history an operator reads. */
  private static final String RECENT = "SELECT " + COLUMNS + " FROM scoped_switches "
    + "ORDER BY lifted_at IS NOT NULL, coalesce(lifted_at, set_at) DESC, id LIMIT $1";
  private static final String BY_ID = "SELECT " + COLUMNS + " FROM scoped_switches WHERE id = $1";
  private static final String PAGE = "SELECT " + COLUMNS + " FROM scoped_switches WHERE id > $1 ORDER BY id LIMIT $2";
  private static final String SET_REJECTED = "UPDATE scoped_switches SET rejected = $2 WHERE id = $1 RETURNING "
    + COLUMNS;
  private static final String LIFT = "UPDATE scoped_switches SET lifted_at = $3, lifted_by = $4, lift_reason = $5 "
    + "WHERE scope_kind = $1 AND scope_value = $2 AND lifted_at IS NULL RETURNING " + COLUMNS;
  private static final String LIFT_BY_ID = "UPDATE scoped_switches SET lifted_at = $2, lifted_by = $3, "
    + "lift_reason = $4 WHERE id = $1 AND lifted_at IS NULL RETURNING " + COLUMNS;

  /** Held by a create before it reads the switches; waits while a switch is being engaged. */
  public Future<Void> shared(SqlClient c) {
    return c.preparedQuery(LOCK_SHARED).execute().mapEmpty();
  }

  /**
   * {@link #shared} and then, in the same statement, the pre-trade window keys of the create's order (sorted), as
   * {@link PretradeStore#lock} would take them after it: one statement instead of two.
   */
  public Future<Void> shared(SqlClient c, List<String> sortedWindowKeys) {
    if (sortedWindowKeys.isEmpty()) {
      return shared(c);
    }
    return c.preparedQuery("SELECT pg_advisory_xact_lock_shared(" + SWITCH_LOCK + ")"
      + PretradeStore.windowLocks(1, sortedWindowKeys.size())).execute(Tuple.from(sortedWindowKeys)).mapEmpty();
  }

  /** Held by an engage or lift until it commits. */
  public Future<Void> exclusive(SqlClient c) {
    return c.query(LOCK_EXCLUSIVE).execute().mapEmpty();
  }

  /** The new switch, or null when its scope is already engaged (the first engage wins). */
  public Future<ScopedSwitch> insert(SqlClient c, ScopedSwitch s) {
    return c.preparedQuery(INSERT).execute(Tuple.from(new Object[] {
      s.id(), s.scope().kind().json(), s.scope().value(), s.reason(), s.setBy(), odt(s.setAt()), s.rejected()
    })).map(SwitchStore::first);
  }

  public Future<ScopedSwitch> engagedOn(SqlClient c, Scope scope) {
    return c.preparedQuery(ENGAGED_ON).execute(Tuple.of(scope.kind().json(), scope.value())).map(SwitchStore::first);
  }

  public Future<List<ScopedSwitch>> engaged(SqlClient c, int limit) {
    return c.preparedQuery(ENGAGED).execute(Tuple.of(limit)).map(SwitchStore::all);
  }

  public Future<List<ScopedSwitch>> recent(SqlClient c, int limit) {
    return c.preparedQuery(RECENT).execute(Tuple.of(limit)).map(SwitchStore::all);
  }

  public Future<ScopedSwitch> byId(SqlClient c, UUID id) {
    return c.preparedQuery(BY_ID).execute(Tuple.of(id)).map(SwitchStore::first);
  }

  /** The engaged switches whose scope the order carries (symbols are stored upper-cased, like the order's). */
  public Future<List<ScopedSwitch>> matching(SqlClient c, Order o) {
    return matching(c, List.of(o));
  }

  /** The engaged switches whose scope any of the orders carries. */
  public Future<List<ScopedSwitch>> matching(SqlClient c, List<Order> orders) {
    Object[] params = new Object[ScopeKind.values().length];
    for (ScopeKind k : ScopeKind.values()) {
      params[k.ordinal()] = orders.stream().map(k::valueOf).filter(Objects::nonNull).distinct().toArray(String[]::new);
    }
    return c.preparedQuery(MATCHING).execute(Tuple.from(params)).map(SwitchStore::all);
  }

  /** The last switch entry on each scope that has one in the live journal, by scope. */
  public Future<Map<Scope, JournalEntry>> lastChanges(SqlClient c, Collection<Scope> scopes) {
    Map<String, Scope> byTarget = new HashMap<>();
    scopes.forEach(s -> byTarget.put(SwitchEntries.target(s), s));
    String[] targets = byTarget.keySet().toArray(String[]::new);
    boolean listed = targets.length > 0 && targets.length < LAST_CHANGES.length;
    Future<RowSet<Row>> read = listed
      ? c.preparedQuery(LAST_CHANGES[targets.length]).execute(Tuple.from(targets))
      : c.preparedQuery(LAST_CHANGES_ANY).execute(Tuple.of(targets));
    return read.map(rs -> {
      Map<Scope, JournalEntry> out = new HashMap<>();
      for (Row r : rs) {
        out.put(byTarget.get(r.getString("target")), new JournalEntry(r.getLong("seq"), null, r.getString("target"),
          r.getString("actor"), r.getString("action"), null, null, Json.plainMap(r.getJsonObject("payload")), null,
          null, null, null, instant(r.getOffsetDateTime("created_at"))));
      }
      return out;
    });
  }

  /** Whether older entries were archived (a switch engaged long ago may have its entry there). */
  public Future<Boolean> archived(SqlClient c) {
    return c.query(ARCHIVED).execute().map(rs -> rs.iterator().next().getBoolean(0));
  }

  public Future<List<ScopedSwitch>> pageAfter(SqlClient c, UUID afterId, int limit) {
    return c.preparedQuery(PAGE).execute(Tuple.of(afterId, limit)).map(SwitchStore::all);
  }

  public Future<ScopedSwitch> setRejected(SqlClient c, UUID id, long rejected) {
    return c.preparedQuery(SET_REJECTED).execute(Tuple.of(id, rejected)).map(SwitchStore::first);
  }

  /** The lifted switch, or null when nothing is engaged on that scope. */
  public Future<ScopedSwitch> lift(SqlClient c, Scope scope, ScopedSwitch lifted) {
    return c.preparedQuery(LIFT).execute(Tuple.of(scope.kind().json(), scope.value(), odt(lifted.liftedAt()),
      lifted.liftedBy(), lifted.liftReason())).map(SwitchStore::first);
  }

  public Future<ScopedSwitch> liftById(SqlClient c, UUID id, ScopedSwitch lifted) {
    return c.preparedQuery(LIFT_BY_ID).execute(Tuple.of(id, odt(lifted.liftedAt()), lifted.liftedBy(),
      lifted.liftReason())).map(SwitchStore::first);
  }

  private static ScopedSwitch first(RowSet<Row> rs) {
    return rs.iterator().hasNext() ? map(rs.iterator().next()) : null;
  }

  private static List<ScopedSwitch> all(RowSet<Row> rs) {
    List<ScopedSwitch> l = new ArrayList<>();
    rs.forEach(r -> l.add(map(r)));
    return l;
  }

  static ScopedSwitch map(Row r) {
    return new ScopedSwitch(r.getUUID("id"), new Scope(ScopeKind.parse(r.getString("scope_kind")),
      r.getString("scope_value")), r.getString("reason"), r.getString("set_by"), instant(r.getOffsetDateTime("set_at")),
      r.getLong("rejected"), instant(r.getOffsetDateTime("lifted_at")), r.getString("lifted_by"),
      r.getString("lift_reason"));
  }
}
