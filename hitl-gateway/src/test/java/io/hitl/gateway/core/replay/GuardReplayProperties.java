package io.hitl.gateway.core.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.guard.ApprovalSettings;
import io.hitl.gateway.core.guard.GuardEntries;
import io.hitl.gateway.core.guard.GuardianSource;
import io.hitl.gateway.core.guard.GuardianState;
import io.hitl.gateway.core.guard.Lockout;
import io.hitl.gateway.core.guard.LockoutSource;
import io.hitl.gateway.core.guard.TradingMode;
import io.hitl.gateway.core.replay.GuardReplay.PolicyVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The guard tables are projections of the journal: for any sequence of guard changes, the rows the
 * changes wrote are exactly what folding their journal entries re-derives, and any edit of a row is named.
 */
class GuardReplayProperties {

  /** The tables as the services write them, and the journal entries written with them. */
  static final class World {
    GuardianState guardian = GuardReplay.INITIAL_GUARDIAN;
    ApprovalSettings settings = GuardReplay.INITIAL_SETTINGS;
    final Map<UUID, Lockout> lockouts = new LinkedHashMap<>();
    final List<PolicyVersion> policies = new ArrayList<>();
    final Map<Integer, String> documents = new HashMap<>();
    final List<JournalEntry> journal = new ArrayList<>();
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    long seq;

    void append(JournalEntry e) {
      seq++;
      journal.add(new JournalEntry(seq, e.approvalId(), e.target(), e.actor(), e.action(), e.previousState(),
        e.newState(), e.payload(), e.correlationId(), e.errorCode(), null, null, e.createdAt()));
    }

    void step(int op, int arg) {
      now = now.plusSeconds(1 + arg);
      String who = "op" + (arg % 3);
      switch (op) {
        case 0 -> {
          GuardianSource source = GuardianSource.values()[1 + arg % 4];
          GuardianState after = new GuardianState(true, "lock " + arg, source, who, now,
            guardian.blockedByGuardian() + arg, guardian.locks() + 1);
          append(GuardEntries.guardianChanged(guardian, after, arg, "c"));
          guardian = after;
        }
        case 1 -> {
          GuardianState after = new GuardianState(false, arg % 2 == 0 ? null : "unlock", GuardianSource.MANUAL, who, now,
            guardian.blockedByGuardian(), guardian.locks());
          append(GuardEntries.guardianChanged(guardian, after, 0, "c"));
          guardian = after;
        }
        case 2 -> {
          Lockout l = new Lockout(new UUID(0, lockouts.size() + 1L), "T" + arg, "why " + arg,
            LockoutSource.values()[arg % 3], who, now, now.plusSeconds(60L + arg), null, null, null);
          lockouts.put(l.id(), l);
          append(GuardEntries.lockoutCreated(l, "c"));
        }
        case 3 -> {
          Lockout l = lockouts.values().stream().filter(x -> x.removedAt() == null).findFirst().orElse(null);
          if (l != null) {
            Lockout removed = new Lockout(l.id(), l.ticker(), l.reason(), l.source(), l.createdBy(), l.createdAt(),
              l.until(), now, who, arg % 2 == 0 ? null : "done");
            lockouts.put(l.id(), removed);
            append(GuardEntries.lockoutRemoved(removed, "c"));
          }
        }
        case 4 -> {
          ApprovalSettings after = new ApprovalSettings(TradingMode.values()[arg % 3], arg % 2 == 0, arg % 3 == 0,
            arg % 4 == 0 ? null : arg % 4 == 1, who, now);
          append(GuardEntries.settingsUpdated(settings, after, true, "c"));
          settings = after;
        }
        default -> {
          int version = policies.size() + 1;
          String hash = "h" + version + "-" + arg;
          policies.add(new PolicyVersion(version, hash, who, now));
          documents.put(version, hash);
          append(GuardEntries.policyUpdated(version, hash, List.of("default"), who, now, "c"));
        }
      }
    }

    GuardReplay replay() {
      GuardReplay r = new GuardReplay();
      journal.forEach(r::apply);
      return r;
    }

    List<Difference> compare(GuardReplay r) {
      List<Difference> d = new ArrayList<>();
      d.addAll(r.compareGuardian(guardian));
      d.addAll(r.compareSettings(settings));
      d.addAll(r.compareLockouts(lockouts.values()));
      d.addAll(r.comparePolicies(policies, documents));
      return d;
    }
  }

  @Provide
  Arbitrary<List<int[]>> changes() {
    return Arbitraries.integers().between(0, 5).flatMap(op -> Arbitraries.integers().between(0, 50)
      .map(arg -> new int[] {op, arg})).list().ofMaxSize(40);
  }

  static World play(List<int[]> changes) {
    World w = new World();
    changes.forEach(c -> w.step(c[0], c[1]));
    return w;
  }

  @Property
  void foldingTheJournalReDerivesEveryGuardRowExactly(@ForAll("changes") List<int[]> changes) {
    World w = play(changes);
    assertThat(w.compare(w.replay())).isEmpty();
  }

  @Property
  void theGuardianRowAgreesWithItsLastJournalEntryAlone(@ForAll("changes") List<int[]> changes) {
    World w = play(changes);
    JournalEntry last = w.journal.stream().filter(e -> e.action().startsWith("guardian_")).reduce((a, b) -> b)
      .orElse(null);
    assertThat(GuardReplay.guardianAgainstLast(w.guardian, last)).isEmpty();
  }

  @Property
  void anEditedGuardianRowIsNamedWithTheJournalSeqThatSetIt(@ForAll("changes") List<int[]> changes) {
    World w = play(changes);
    w.guardian = new GuardianState(!w.guardian.locked(), w.guardian.reason(), w.guardian.source(),
      w.guardian.changedBy(), w.guardian.changedAt(), w.guardian.blockedByGuardian(), w.guardian.locks());
    List<Difference> d = w.compare(w.replay());
    assertThat(d).hasSize(1);
    assertThat(d.get(0).table()).isEqualTo("guardian_state");
    assertThat(d.get(0).field()).isEqualTo("state");
    Long expectedSeq = w.journal.stream().filter(e -> e.action().startsWith("guardian_")).map(JournalEntry::seq)
      .reduce((a, b) -> b).orElse(null);
    assertThat(d.get(0).seq()).isEqualTo(expectedSeq);
  }

  @Property
  void aLockoutMissingFromTheTableIsNamed(@ForAll("changes") List<int[]> changes) {
    World w = play(changes);
    if (w.lockouts.isEmpty()) {
      return;
    }
    UUID gone = w.lockouts.keySet().iterator().next();
    w.lockouts.remove(gone);
    assertThat(w.compare(w.replay())).singleElement().satisfies(d -> {
      assertThat(d.id()).isEqualTo(gone.toString());
      assertThat(d.found()).isNull();
    });
  }
}
