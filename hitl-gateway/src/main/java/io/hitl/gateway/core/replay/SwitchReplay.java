package io.hitl.gateway.core.replay;

import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.pretrade.Scope;
import io.hitl.gateway.core.pretrade.ScopeKind;
import io.hitl.gateway.core.pretrade.ScopedSwitch;
import io.hitl.gateway.core.pretrade.SwitchEntries;
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

/** The scoped_switches table re-derived by folding switch entries in seq order, and compared with the table. */
public final class SwitchReplay {
  private static final String TABLE = "scoped_switches";

  private record Derived(ScopedSwitch row, long seq) {
  }

  private final Map<UUID, Derived> switches = new TreeMap<>();

  /** Folds one entry in; entries of other kinds are ignored. */
  public void apply(JournalEntry e) {
    if (SwitchEntries.ENGAGED.equals(e.action())) {
      ScopedSwitch s = fromPayload(e);
      switches.put(s.id(), new Derived(s, e.seq()));
    } else if (SwitchEntries.LIFTED.equals(e.action())) {
      ScopedSwitch s = fromPayload(e).lifted(e.createdAt(), e.actor(), (String) e.payload().get("lift_reason"));
      switches.put(s.id(), new Derived(s, e.seq()));
    }
  }

  /** The switch an entry states: every row field is in its payload, so no earlier entry is needed. */
  public static ScopedSwitch fromPayload(JournalEntry e) {
    Map<String, Object> p = e.payload();
    return new ScopedSwitch(UUID.fromString(String.valueOf(p.get("switch_id"))),
      new Scope(ScopeKind.parse(String.valueOf(p.get("scope"))), String.valueOf(p.get("value"))),
      (String) p.get("reason"), (String) p.get("set_by"), Instant.parse(String.valueOf(p.get("set_at"))),
      p.get("rejected") instanceof Number n ? n.longValue() : 0, null, null, null);
  }

  /** Every stored switch against its history; switches the journal has but the table lacks are named too. */
  public List<Difference> compare(Collection<ScopedSwitch> found) {
    List<Difference> out = new ArrayList<>();
    Set<UUID> seen = new HashSet<>();
    for (ScopedSwitch f : found) {
      seen.add(f.id());
      Derived d = switches.get(f.id());
      String id = f.id().toString();
      if (d == null) {
        out.add(new Difference(TABLE, id, "row", null, "a switch on " + f.scope().label() + " with no journal history",
          null));
        continue;
      }
      ScopedSwitch x = d.row();
      long s = d.seq();
      diff(out, id, "scope", x.scope().label(), f.scope().label(), s);
      diff(out, id, "reason", x.reason(), f.reason(), s);
      diff(out, id, "set_by", x.setBy(), f.setBy(), s);
      diff(out, id, "set_at", x.setAt(), f.setAt(), s);
      diff(out, id, "rejected", x.rejected(), f.rejected(), s);
      diff(out, id, "lifted_at", x.liftedAt(), f.liftedAt(), s);
      diff(out, id, "lifted_by", x.liftedBy(), f.liftedBy(), s);
      diff(out, id, "lift_reason", x.liftReason(), f.liftReason(), s);
    }
    switches.forEach((id, d) -> {
      if (!seen.contains(id)) {
        out.add(new Difference(TABLE, id.toString(), "row", "a switch on " + d.row().scope().label(), null, d.seq()));
      }
    });
    return out;
  }

  /**
   * One scope's engaged row (null when none is engaged) against the last switch entry on that scope (null when
   * the live journal has none): an engage must have its row engaged with the fields it states, a lift (or no
   * history) must have no engaged row. Empty when they agree.
   */
  public static List<Difference> scopeAgainstLast(Scope scope, ScopedSwitch engaged, JournalEntry last) {
    List<Difference> out = new ArrayList<>();
    if (last == null || SwitchEntries.LIFTED.equals(last.action())) {
      if (engaged != null) {
        out.add(new Difference(TABLE, engaged.id().toString(), "lifted_at",
          last == null ? null : "a lift of " + scope.label(), null, last == null ? null : last.seq()));
      }
      return out;
    }
    ScopedSwitch x = fromPayload(last);
    if (engaged == null) {
      out.add(new Difference(TABLE, x.id().toString(), "row", "engaged on " + scope.label(), "no engaged switch",
        last.seq()));
      return out;
    }
    String id = x.id().toString();
    diff(out, id, "id", id, engaged.id().toString(), last.seq());
    diff(out, id, "scope", x.scope().label(), engaged.scope().label(), last.seq());
    diff(out, id, "reason", x.reason(), engaged.reason(), last.seq());
    diff(out, id, "set_by", x.setBy(), engaged.setBy(), last.seq());
    diff(out, id, "set_at", x.setAt(), engaged.setAt(), last.seq());
    diff(out, id, "rejected", x.rejected(), engaged.rejected(), last.seq());
    return out;
  }

  private static void diff(List<Difference> out, String id, String field, Object expected, Object found, long seq) {
    if (!Objects.equals(expected, found)) {
      out.add(new Difference(TABLE, id, field, expected == null ? null : String.valueOf(expected),
        found == null ? null : String.valueOf(found), seq));
    }
  }
}
