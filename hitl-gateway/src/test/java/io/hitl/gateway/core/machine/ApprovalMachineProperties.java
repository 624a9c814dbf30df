package io.hitl.gateway.core.machine;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.Decision;
import io.hitl.gateway.core.DecisionRules;
import io.hitl.gateway.core.Hashing;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.Role;
import io.hitl.gateway.core.TimeoutAction;
import io.hitl.gateway.core.TimeoutPolicy;
import io.hitl.gateway.core.TimeoutRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The journal is the record: folding the entries the machine produced rebuilds exactly the rows it produced. */
class ApprovalMachineProperties {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00.123456Z");
  static final DecisionRules.Operators ANYONE = new DecisionRules.Operators(Set.of(), false);

  /** One command: a ballot, a cancel, a timer firing, an acknowledgement, a re-request note, or an integrity failure. */
  record Command(String kind, String who, Decision decision, int seconds) {
  }

  @Provide
  Arbitrary<Command> commands() {
    Arbitrary<String> kinds = Arbitraries.frequencyOf(
      net.jqwik.api.Tuple.of(8, Arbitraries.just("ballot")), net.jqwik.api.Tuple.of(1, Arbitraries.just("cancel")),
      net.jqwik.api.Tuple.of(4, Arbitraries.just("timer")), net.jqwik.api.Tuple.of(1, Arbitraries.just("ack")),
      net.jqwik.api.Tuple.of(1, Arbitraries.just("rerequest")), net.jqwik.api.Tuple.of(1, Arbitraries.just("tamper")),
      net.jqwik.api.Tuple.of(1, Arbitraries.just("edits")));
    return Combinators.combine(kinds, Arbitraries.of("a", "b", "c", "d", "engine"), Arbitraries.of(Decision.values()),
      Arbitraries.integers().between(0, 400)).as(Command::new);
  }

  /** The request, its votes and what the tables would hold after each transition was persisted and linked. */
  static final class Run {
    ApprovalState state;
    final List<JournalEntry> journal = new ArrayList<>();
    long seq;
    String head = Hashing.GENESIS;

    /** Appends the transition's entries as the journal store would (seq, chain hash) and links the row. */
    void persist(ApprovalMachine.Transition t) {
      for (ApprovalMachine.Step s : t.steps()) {
        JournalEntry e = s.entry();
        seq++;
        String hash = Hashing.chainHash(head, seq, Hashing.contentHash(e));
        journal.add(new JournalEntry(seq, e.approvalId(), e.target(), e.actor(), e.action(), e.previousState(),
          e.newState(), e.payload(), e.correlationId(), e.errorCode(), head, hash, e.createdAt()));
        head = hash;
      }
      state = t.after();
      if (!t.steps().isEmpty()) {
        state = new ApprovalState(state.row().linked(seq, head), state.votes(), state.acknowledged(), true);
      }
    }
  }

  static TimeoutPolicy policy(TimeoutAction action) {
    return new TimeoutPolicy(action, 300, 60, 30, 2, 120, List.of("desk-lead"));
  }

  static Approval fresh(int required, TimeoutAction action) {
    TimeoutPolicy p = policy(action);
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("ticker", "AAPL");
    context.put("quantity", 100);
    context.put("price", "190.25");
    Map<String, Object> snapshot = p.toSnapshot();
    Instant expires = T0.plusSeconds(300);
    return new Approval(UUID.randomUUID(), "TRADE_EXECUTION", "Buy", "why", context, "t-1", "engine", "corr-1", "k-1",
      snapshot, TimeoutPolicy.hash(snapshot), ApprovalStatus.PENDING, required, expires,
      TimeoutRules.escalateAt(expires, p, T0), 0, null, null, null, null, null, null, null, null, T0).withRowHash();
  }

  static Run run(int required, TimeoutAction action, List<Command> commands) {
    Run r = new Run();
    Approval fresh = fresh(required, action);
    r.persist(ApprovalMachine.create(fresh, Map.of("policy", "default"), "engine", "corr-1", T0));
    TimeoutPolicy p = TimeoutPolicy.fromSnapshot(fresh.policy(), policy(action));
    int reminders = 0;
    for (Command c : commands) {
      Instant now = T0.plusSeconds(c.seconds()).plusNanos(7_000);
      ApprovalState s = r.state;
      boolean pending = s.row().status() == ApprovalStatus.PENDING;
      switch (c.kind()) {
        case "ballot": {
          Actor actor = new Actor(c.who(), EnumSet.of(Role.APPROVER));
          ApprovalMachine.Result res = ApprovalMachine.ballot(s, new DecisionRules.Ballot(actor, c.decision(), "r"),
            "api", "note", now, ANYONE, null, List.of(), "c");
          if (!res.refused()) {
            r.persist(res.transition());
          }
          break;
        }
        case "cancel": {
          Actor actor = new Actor(c.who(), EnumSet.of(Role.SUBMITTER, Role.ADMIN));
          ApprovalMachine.Result res = ApprovalMachine.cancel(s, actor, "api", "stop", "c", now);
          if (!res.refused()) {
            r.persist(res.transition());
          }
          break;
        }
        case "timer":
          if (pending) {
            ApprovalMachine.Transition t = ApprovalMachine.timer(s, p, reminders, "c", now);
            reminders = Math.max(reminders, TimeoutRules.plan(s.row(), p, reminders, now).remindersSent());
            r.persist(t);
          }
          break;
        case "ack":
          if (pending) {
            r.persist(ApprovalMachine.acknowledge(s, "risk-" + c.who(), Map.of("comment", "ok"), c.who(), "c", now));
          }
          break;
        case "edits":
          if (pending) {
            r.persist(ApprovalMachine.editsApplied(s, Map.of("quantity", Map.of("from", 100, "to", c.seconds())),
              c.who(), "c", now));
          }
          break;
        case "rerequest":
          r.persist(ApprovalMachine.reRequested(s, Map.of("new_request_id", UUID.randomUUID().toString()), "engine",
            "c", now));
          break;
        default:
          r.persist(ApprovalMachine.integrityFailure(s, Map.of("fields", List.of("context")), "c", now));
          break;
      }
    }
    return r;
  }

  @Property
  void foldingTheProducedEntriesFromEmptyGivesExactlyTheRowsAndVotesProduced(
      @ForAll @IntRange(min = 1, max = 3) int required, @ForAll TimeoutAction action,
      @ForAll @Size(max = 25) List<@net.jqwik.api.From("commands") Command> commands) {
    Run r = run(required, action, commands);
    ApprovalState folded = ApprovalMachine.replay(r.journal);
    List<VoteRow> persisted = new ArrayList<>(r.state.votes().values());
    assertThat(Mismatch.between(folded, r.state.row(), persisted)).isEmpty();
    assertThat(folded.row()).isEqualTo(r.state.row());
    assertThat(folded.votes()).isEqualTo(r.state.votes());
    assertThat(folded.acknowledged()).isEqualTo(r.state.acknowledged());
    assertThat(folded.row().integrityOk()).isTrue();
  }

  @Property
  void aReplayThatHashesOnlyItsLastStateEndsWhereHashingEveryStateEnds(
      @ForAll @IntRange(min = 1, max = 3) int required, @ForAll TimeoutAction action,
      @ForAll @Size(max = 25) List<@net.jqwik.api.From("commands") Command> commands) {
    Run r = run(required, action, commands);
    ApprovalState everyStep = ApprovalState.EMPTY;
    for (JournalEntry e : r.journal) {
      everyStep = ApprovalMachine.apply(everyStep, e);
      assertThat(everyStep.row().integrityOk()).isTrue();
    }
    assertThat(ApprovalMachine.replay(r.journal)).isEqualTo(everyStep);
    assertThat(RowCheck.of(r.state.row(), r.journal, new ArrayList<>(r.state.votes().values())).journal())
      .isEqualTo(everyStep);
  }

  @Property
  void aRowEditedAndRehashedIsNamedByTheRowCheck(@ForAll @IntRange(min = 2, max = 3) int required,
      @ForAll("fields") String field) {
    Run r = run(required, TimeoutAction.REJECT, List.of(new Command("ballot", "a", Decision.APPROVE, 1)));
    Approval row = r.state.row();
    List<VoteRow> votes = new ArrayList<>(r.state.votes().values());
    assertThat(RowCheck.of(row, r.journal, votes).ok()).isTrue();
    // the forger recomputes row_hash, so the row's own hash holds and only the journal can tell
    Approval edited = edited(row, field);
    assertThat(edited.integrityOk()).isTrue();
    RowCheck check = RowCheck.of(edited, r.journal, votes);
    assertThat(check.ok()).isFalse();
    assertThat(check.journalIntact()).isTrue();
    assertThat(check.mismatches()).extracting(Mismatch::field).contains(field);
  }

  @Property
  void everyEntryConvertsToItsJournalRowAndBack(@ForAll @IntRange(min = 1, max = 3) int required,
      @ForAll TimeoutAction action, @ForAll @Size(max = 25) List<@net.jqwik.api.From("commands") Command> commands) {
    Run r = run(required, action, commands);
    for (JournalEntry e : r.journal) {
      ApprovalEntry typed = ApprovalEntry.of(e);
      assertThat(typed).isNotNull();
      assertThat(typed.action()).isEqualTo(e.action());
      assertThat(typed.payload()).isEqualTo(e.payload());
    }
  }

  @Property
  void everyDecisionEntryRecordsThePolicyTheParametersAndTheFinalApprovers(
      @ForAll @IntRange(min = 1, max = 3) int required, @ForAll TimeoutAction action,
      @ForAll @Size(max = 25) List<@net.jqwik.api.From("commands") Command> commands) {
    Run r = run(required, action, commands);
    ApprovalState s = ApprovalState.EMPTY;
    for (JournalEntry e : r.journal) {
      s = ApprovalMachine.apply(s, e);
      if (ApprovalEntry.of(e) instanceof ApprovalEntry.Decided d) {
        assertThat(d.policyHash()).isEqualTo(s.row().policyHash()).isNotNull();
        Object edited = s.row().overrides() == null ? null : s.row().overrides().get("final_parameters");
        assertThat(d.payloadHash()).isEqualTo(Hashing.sha256Hex(io.hitl.gateway.core.CanonicalJson.write(
          edited instanceof Map ? edited : s.row().context())));
        assertThat(d.approvers()).containsExactlyElementsOf(s.approvers());
        assertThat(e.payload()).containsKeys("policy_hash", "payload_hash", "approvers");
      }
    }
  }

  @Property
  void aForgedVoteOrAnEditedFieldIsNamedAgainstTheJournal(@ForAll @IntRange(min = 2, max = 3) int required,
      @ForAll("fields") String field) {
    Run r = run(required, TimeoutAction.REJECT, List.of(new Command("ballot", "a", Decision.APPROVE, 1)));
    ApprovalState folded = ApprovalMachine.replay(r.journal);
    Approval row = r.state.row();
    List<VoteRow> votes = new ArrayList<>(r.state.votes().values());
    votes.add(new VoteRow("bob", VoteRow.APPROVE, "api", null, T0));
    Approval edited = edited(row, field);
    List<Mismatch> found = Mismatch.between(folded, edited, votes);
    assertThat(found).extracting(Mismatch::field).contains(field, Mismatch.ROW);
    assertThat(found).filteredOn(m -> m.table().equals(Mismatch.VOTES)).extracting(Mismatch::id)
      .containsExactly(row.id() + "/bob");
  }

  /** {@code row} with {@code field} changed and its row hash recomputed over the change. */
  private static Approval edited(Approval row, String field) {
    return switch (field) {
      case "status" -> row.decided(ApprovalStatus.APPROVED, T0, "alice", "api", null, null);
      case "expires_at" -> row.rescheduled(row.expiresAt().plusSeconds(3600), row.escalateAt(), 0);
      default -> row.linked(row.journalSeq() - 1, row.journalHash());
    };
  }

  @Provide
  Arbitrary<String> fields() {
    return Arbitraries.of("status", "expires_at", "journal_seq");
  }
}
