package io.hitl.gateway.core.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.session.EngineSession;
import io.hitl.gateway.core.session.SessionRules;
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

class SessionReplayProperties {
  private static final Instant T0 = Instant.parse("2030-01-02T03:04:05Z");

  enum Op { OPEN, HEARTBEAT, BIND, LAPSE, CLOSE, CLOSE_CANCELLING }

  /** One step on the {@code n}th session opened so far (modulo their number). */
  record Step(Op op, int n, int seconds) {
  }

  @Provide
  Arbitrary<List<Step>> histories() {
    return Combinators.combine(Arbitraries.of(Op.class), Arbitraries.integers().between(0, 4),
      Arbitraries.integers().between(1, 900)).as(Step::new).list().ofMaxSize(40);
  }

  /** The tables as the service would leave them, and the journal entries it would append, in seq order. */
  record Run(Map<UUID, EngineSession> sessions, Map<UUID, UUID> bindings, List<JournalEntry> journal) {
  }

  static Run run(List<Step> steps) {
    Map<UUID, EngineSession> table = new LinkedHashMap<>();
    Map<UUID, UUID> bindings = new LinkedHashMap<>();
    Map<UUID, Integer> pending = new LinkedHashMap<>();
    List<UUID> opened = new ArrayList<>();
    List<JournalEntry> journal = new ArrayList<>();
    Instant at = T0;
    long seq = 0;
    for (Step s : steps) {
      at = at.plusSeconds(s.seconds());
      if (s.op() == Op.OPEN || opened.isEmpty()) {
        EngineSession o = SessionRules.open(Map.of("heartbeat_timeout_seconds", 1 + s.seconds() % 600),
          "engine-" + s.n(), at);
        table.put(o.id(), o);
        opened.add(o.id());
        journal.add(withSeq(SessionRules.opened(o, "c"), ++seq));
        continue;
      }
      EngineSession o = table.get(opened.get(s.n() % opened.size()));
      if (!o.open()) {
        continue;
      }
      switch (s.op()) {
        case HEARTBEAT -> table.put(o.id(), o.heardAt(at));
        case BIND -> {
          UUID request = UUID.randomUUID();
          bindings.put(request, o.id());
          pending.merge(o.id(), 1, Integer::sum);
          journal.add(withSeq(SessionRules.bound(o.id(), request, o.owner(), "c", at), ++seq));
        }
        case LAPSE -> {
          EngineSession l = o.lapsed(at, pending.getOrDefault(o.id(), 0));
          table.put(l.id(), l);
          journal.add(withSeq(SessionRules.lapsed(l, "c"), ++seq));
        }
        case CLOSE, CLOSE_CANCELLING -> {
          boolean cancel = s.op() == Op.CLOSE_CANCELLING;
          EngineSession c = o.closed(at, cancel ? pending.getOrDefault(o.id(), 0) : 0);
          table.put(c.id(), c);
          journal.add(withSeq(SessionRules.closed(c, cancel, "c"), ++seq));
        }
        default -> {
        }
      }
    }
    return new Run(table, bindings, journal);
  }

  static JournalEntry withSeq(JournalEntry e, long seq) {
    return new JournalEntry(seq, e.approvalId(), e.target(), e.actor(), e.action(), e.previousState(), e.newState(),
      e.payload(), e.correlationId(), e.errorCode(), null, null, e.createdAt());
  }

  static GuardReplay replayed(Run r) {
    GuardReplay replay = new GuardReplay();
    r.journal().forEach(replay::apply);
    return replay;
  }

  @Property
  void foldingTheSessionEntriesReDerivesEverySessionAndBinding(@ForAll("histories") List<Step> steps) {
    Run r = run(steps);
    GuardReplay replay = replayed(r);
    assertThat(replay.compareSessions(r.sessions().values())).isEmpty();
    assertThat(replay.compareSessionBindings(r.bindings())).isEmpty();
  }

  @Property
  void eachKindOfEditIsNamedByItsTableAndField(@ForAll("histories") List<Step> steps,
      @ForAll @IntRange(min = 0, max = 7) int tamper) {
    Run r = run(steps);
    GuardReplay replay = replayed(r);
    List<EngineSession> rows = new ArrayList<>(r.sessions().values());
    Map<UUID, UUID> bindings = new LinkedHashMap<>(r.bindings());
    EngineSession first = rows.isEmpty() ? null : rows.get(0);
    String table = "engine_sessions";
    String field = "row";
    if (tamper == 0 && first != null) {
      rows.set(0, new EngineSession(first.id(), first.owner(), first.timeoutSeconds() + 1, first.openedAt(),
        first.lastSeenAt(), first.lapsedAt(), first.closedAt(), first.cancelled()));
      field = "timeout_seconds";
    } else if (tamper == 1 && first != null) {
      // an ended session made open again in SQL, or an open one marked lapsed
      rows.set(0, first.open() ? first.lapsed(first.lastSeenAt(), 0) : new EngineSession(first.id(), first.owner(),
        first.timeoutSeconds(), first.openedAt(), first.lastSeenAt(), null, first.closedAt(), first.cancelled()));
      field = first.lapsedAt() != null || first.open() ? "lapsed_at" : "closed_at";
      if (first.closedAt() != null) {
        // a closed row edited to lapsed: clear the close and set a lapse
        rows.set(0, new EngineSession(first.id(), first.owner(), first.timeoutSeconds(), first.openedAt(),
          first.lastSeenAt(), first.closedAt(), null, first.cancelled()));
        assertThat(replay.compareSessions(rows)).extracting(Difference::field)
          .containsExactlyInAnyOrder("lapsed_at", "closed_at");
        return;
      }
    } else if (tamper == 2 && first != null) {
      rows.remove(0);
    } else if (tamper == 3 && first != null) {
      rows.set(0, first.heardAt(first.openedAt().minusSeconds(1)));
      field = "last_seen_at";
    } else if (tamper == 4 && !bindings.isEmpty()) {
      UUID request = bindings.keySet().iterator().next();
      bindings.put(request, UUID.randomUUID());
      table = "session_requests";
      field = "session_id";
    } else if (tamper == 5 && !bindings.isEmpty()) {
      bindings.remove(bindings.keySet().iterator().next());
      table = "session_requests";
    } else if (tamper == 6 && first != null) {
      bindings.put(UUID.randomUUID(), first.id());
      table = "session_requests";
    } else {
      rows.add(SessionRules.open(Map.of("heartbeat_timeout_seconds", 5), "mallory", T0));
    }
    List<Difference> d = new ArrayList<>(replay.compareSessions(rows));
    d.addAll(replay.compareSessionBindings(bindings));
    String t = table;
    assertThat(d).extracting(Difference::field).containsExactly(field);
    assertThat(d).allSatisfy(x -> assertThat(x.table()).isEqualTo(t));
  }

  @Property
  void anOpenSessionsLaterHeartbeatIsNoDifferenceButAnEndedSessionsIs(@ForAll("histories") List<Step> steps,
      @ForAll @IntRange(min = 1, max = 10_000) int seconds) {
    Run r = run(steps);
    GuardReplay replay = replayed(r);
    for (EngineSession s : r.sessions().values()) {
      List<EngineSession> rows = new ArrayList<>(r.sessions().values());
      rows.replaceAll(x -> x.id().equals(s.id()) ? x.heardAt(x.lastSeenAt().plusSeconds(seconds)) : x);
      List<Difference> d = replay.compareSessions(rows);
      if (s.open()) {
        assertThat(d).isEmpty();
      } else {
        assertThat(d).extracting(Difference::id, Difference::field)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(s.id().toString(), "last_seen_at"));
      }
    }
  }
}
