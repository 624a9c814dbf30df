package io.hitl.gateway.core.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.pretrade.Scope;
import io.hitl.gateway.core.pretrade.ScopeKind;
import io.hitl.gateway.core.pretrade.ScopedSwitch;
import io.hitl.gateway.core.pretrade.SwitchEntries;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class SwitchReplayProperties {
  private static final Instant T0 = Instant.parse("2030-01-02T03:04:05Z");

  /** One step: engage a scope (true) or lift it (false). */
  record Step(boolean engage, Scope scope, long rejected) {
  }

  @Provide
  Arbitrary<List<Step>> histories() {
    Arbitrary<Scope> scopes = Combinators.combine(Arbitraries.of(ScopeKind.class), Arbitraries.of("XNAS", "momo", "a-1"))
      .as(Scope::new);
    return Combinators.combine(Arbitraries.of(true, false), scopes, Arbitraries.longs().between(0, 5)).as(Step::new)
      .list().ofMaxSize(30);
  }

  /** The table as the service would leave it, and the journal entries it would append, in seq order. */
  record Run(Map<UUID, ScopedSwitch> table, List<JournalEntry> journal) {
  }

  static Run run(List<Step> steps) {
    Map<UUID, ScopedSwitch> table = new LinkedHashMap<>();
    Map<Scope, UUID> engaged = new LinkedHashMap<>();
    List<JournalEntry> journal = new ArrayList<>();
    long seq = 0;
    for (Step s : steps) {
      Instant at = T0.plusSeconds(seq);
      if (s.engage() && !engaged.containsKey(s.scope())) {
        ScopedSwitch sw = new ScopedSwitch(UUID.randomUUID(), s.scope(), "why", "carol", at, s.rejected(), null, null,
          null);
        table.put(sw.id(), sw);
        engaged.put(s.scope(), sw.id());
        journal.add(withSeq(SwitchEntries.engaged(sw, "c"), ++seq));
      } else if (!s.engage() && engaged.containsKey(s.scope())) {
        ScopedSwitch lifted = table.get(engaged.remove(s.scope())).lifted(at, "dave", s.rejected() == 0 ? null : "ok");
        table.put(lifted.id(), lifted);
        journal.add(withSeq(SwitchEntries.lifted(lifted, "c"), ++seq));
      }
    }
    return new Run(table, journal);
  }

  static JournalEntry withSeq(JournalEntry e, long seq) {
    return new JournalEntry(seq, e.approvalId(), e.target(), e.actor(), e.action(), e.previousState(), e.newState(),
      e.payload(), e.correlationId(), e.errorCode(), null, null, e.createdAt());
  }

  @Property
  void foldingTheSwitchEntriesReDerivesEveryRow(@ForAll("histories") List<Step> steps) {
    Run r = run(steps);
    GuardReplay replay = new GuardReplay();
    r.journal().forEach(replay::apply);
    assertThat(replay.compareSwitches(r.table().values())).isEmpty();
  }

  @Property
  void anEditedRowAMissingRowAndAnUnjournaledRowAreEachNamed(@ForAll("histories") List<Step> steps,
      @ForAll @IntRange(min = 0, max = 2) int tamper) {
    Run r = run(steps);
    GuardReplay replay = new GuardReplay();
    r.journal().forEach(replay::apply);
    List<ScopedSwitch> rows = new ArrayList<>(r.table().values());
    String field;
    if (tamper == 0 && !rows.isEmpty()) {
      rows.set(0, rows.get(0).withRejected(rows.get(0).rejected() + 1));
      field = "rejected";
    } else if (tamper == 1 && !rows.isEmpty()) {
      rows.remove(0);
      field = "row";
    } else {
      rows.add(new ScopedSwitch(UUID.randomUUID(), new Scope(ScopeKind.DESK, "fx"), "x", "eve", T0, 0, null, null,
        null));
      field = "row";
    }
    assertThat(replay.compareSwitches(rows)).extracting(Difference::field).containsExactly(field);
  }
}
