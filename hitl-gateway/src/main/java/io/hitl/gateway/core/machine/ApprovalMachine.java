package io.hitl.gateway.core.machine;

import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.DecisionRules;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.TimeoutPolicy;
import io.hitl.gateway.core.TimeoutRules;
import io.hitl.gateway.core.guard.DecisionGuards;
import io.hitl.gateway.core.policy.EditRules;
import io.hitl.gateway.core.policy.PolicySnapshot;
import io.hitl.gateway.core.policy.Progress;
import io.hitl.gateway.core.policy.SelfApproval;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The approval state machine, pure. Each command takes the state the journal gives a request and returns
 * either a refusal or a {@link Transition}: the typed journal entries, the row after each of them and the
 * state after all of them. {@link #apply} folds one stored journal entry into a state; folding every entry
 * of a request from {@link ApprovalState#EMPTY} gives its row and votes exactly, which is what reads,
 * decisions and verify check the tables against.
 */
public final class ApprovalMachine {
  public static final String SYSTEM = "system";
  public static final String REASON_TIMEOUT = "HITL_TIMEOUT";
  public static final String REASON_INTEGRITY = "INTEGRITY_FAILURE";
  public static final String REASON_TIMEOUT_AUTO_APPROVE = "HITL_TIMEOUT_AUTO_APPROVE";

  private ApprovalMachine() {
  }

  /** One entry of a transition and the request as that entry left it. */
  public record Step(JournalEntry entry, Approval snapshot) {
  }

  /** What a command produced: the steps in journal order and the state after them. */
  public record Transition(ApprovalState after, List<Step> steps) {
    public Transition {
      steps = List.copyOf(steps);
    }

    /** Nothing happens (a duplicate vote, a box ticked twice, a timer with nothing due). */
    public static Transition none(ApprovalState s) {
      return new Transition(s, List.of());
    }

    public Transition then(Transition next) {
      List<Step> all = new ArrayList<>(steps);
      all.addAll(next.steps);
      return new Transition(next.after, all);
    }

    public List<JournalEntry> entries() {
      return steps.stream().map(Step::entry).toList();
    }
  }

  /** A command's outcome: a refusal (nothing changes) or a transition. */
  public record Result(GatewayException refusal, Transition transition, DecisionRules.Verdict verdict) {
    static Result refused(GatewayException e) {
      return new Result(e, null, null);
    }

    public boolean refused() {
      return refusal != null;
    }
  }

  /** A journal history that the machine could not have written (an entry for a request that does not exist ...). */
  public static final class Impossible extends RuntimeException {
    private final long seq;

    Impossible(long seq, String message) {
      super(message);
      this.seq = seq;
    }

    public long seq() {
      return seq;
    }
  }

  private static Transition step(ApprovalState after, ApprovalEntry entry, String actor, String corr,
      String errorCode, Instant at) {
    Approval row = after.row();
    return new Transition(after, List.of(new Step(entry.toJournal(row.id(), actor, corr, errorCode, at), row)));
  }

  /** A new pending request, exactly as inserted. */
  public static Transition create(Approval fresh, Map<String, Object> details, String actor, String corr,
      Instant at) {
    ApprovalState after = new ApprovalState(fresh, Map.of(), java.util.Set.of(), true);
    return step(after, new ApprovalEntry.Created(fresh, details), actor, corr, null, at);
  }

  /** An approval counted towards the quorum; {@code progress} is what readers of the entry are told. */
  public static Transition vote(ApprovalState s, String approver, String channel, String comment,
      Map<String, Object> progress, String corr, Instant at) {
    ApprovalState after = s.withVote(new VoteRow(approver, VoteRow.APPROVE, channel, comment, at));
    return step(after, new ApprovalEntry.Voted(approver, channel, comment, progress), approver, corr, null, at);
  }

  /**
   * A terminal outcome of a pending request. {@code vote} is the ballot stored with a person's decision
   * (null for system outcomes and cancels). {@code row} is the row to decide: the state's own, or a copy
   * carrying the overrides of an approval with edits.
   */
  public static Transition decide(ApprovalState s, ApprovalStatus to, String by, String channel, String reason,
      String comment, String vote, String corr, Instant at) {
    DecisionRules.requirePending(s.row());
    Approval done = s.row().decided(to, at, by, channel, reason, comment);
    ApprovalState after = s.withRow(done);
    if (vote != null) {
      after = after.withVote(new VoteRow(by, vote, channel, comment, done.decidedAt()));
    }
    return step(after, new ApprovalEntry.Decided(to, by, done.decidedAt(), channel, reason, comment, vote,
      done.policyHash(), ApprovalEntry.Decided.payloadHash(done), new ArrayList<>(after.approvers())), by, corr, null,
      at);
  }

  /** The overrides of an approval with edits, recorded before the approval that decides the request. */
  public static Transition editsApplied(ApprovalState s, Map<String, Object> overrides, String actor, String corr,
      Instant at) {
    return step(s.withRow(s.row().withOverrides(overrides)), new ApprovalEntry.EditsApplied(overrides), actor, corr,
      null, at);
  }

  /** An escalation or its notice under the timeout plan: new deadline, notice time and level. */
  public static Transition escalate(ApprovalState s, TimeoutRules.Plan plan, TimeoutPolicy p, String stage,
      String corr, Instant at) {
    Approval before = s.row();
    Approval after = before.rescheduled(plan.expiresAt(), plan.escalateAt(), plan.escalationLevel());
    ApprovalEntry e = new ApprovalEntry.Escalated(stage, after.escalationLevel(), after.expiresAt(), after.escalateAt(),
      before.expiresAt().equals(after.expiresAt()) ? null : before.expiresAt(), p.action().json(),
      new ArrayList<>(p.escalationTargets()));
    return step(s.withRow(after), e, SYSTEM, corr, null, at);
  }

  public static Transition remind(ApprovalState s, int reminder, String corr, Instant at) {
    Approval a = s.row();
    return step(s, new ApprovalEntry.Reminded(reminder, a.expiresAt(), a.escalationLevel()), SYSTEM, corr, null,
      at);
  }

  public static Transition selfApproval(ApprovalState s, Map<String, Object> details, String actor, String corr,
      Instant at) {
    return step(s, new ApprovalEntry.SelfApproved(details), actor, corr, null, at);
  }

  public static Transition acknowledge(ApprovalState s, String persona, Map<String, Object> details, String actor,
      String corr, Instant at) {
    return step(s.withAcknowledged(persona), new ApprovalEntry.Acknowledged(persona, details), actor, corr, null,
      at);
  }

  public static Transition reRequested(ApprovalState s, Map<String, Object> details, String actor, String corr,
      Instant at) {
    return step(s, new ApprovalEntry.ReRequested(s.row().status(), details), actor, corr, null, at);
  }

  /**
   * A request whose row or votes differ from what its journal says. The transition starts from the
   * journal's state, never from the edited row: a pending request is rejected, a decided one keeps the
   * outcome its journal records, and the row written is the journal's, so nothing tampered is blessed.
   */
  public static Transition integrityFailure(ApprovalState journal, Map<String, Object> evidence, String corr,
      Instant at) {
    ApprovalStatus status = journal.row().status();
    if (status != ApprovalStatus.PENDING) {
      return step(journal, new ApprovalEntry.IntegrityFailure(status, status, evidence), SYSTEM, corr,
        "SEC-080", at);
    }
    Transition flagged = step(journal, new ApprovalEntry.IntegrityFailure(ApprovalStatus.PENDING,
      ApprovalStatus.REJECTED, evidence), SYSTEM, corr, "SEC-080", at);
    return flagged.then(decide(journal, ApprovalStatus.REJECTED, SYSTEM, SYSTEM, REASON_INTEGRITY, null, null, corr,
      at));
  }

  /**
   * One ballot through the decision rules (SPEC §5) under the request's operators, guards and missing
   * acknowledgements: a refusal, nothing (a duplicate), a counted vote, or the decision. A ballot past the
   * deadline returns the verdict EXPIRE_NOW and no transition: the caller applies the timeout plan.
   */
  public static Result ballot(ApprovalState s, DecisionRules.Ballot ballot, String channel, String comment,
      Instant now, DecisionRules.Operators operators, DecisionGuards guards, List<String> missing, String corr) {
    return decision(s, ballot, channel, comment, null, now, operators, guards, missing, corr);
  }

  /**
   * As {@link #ballot}, with the entries that go with a person's decision: a break-glass self-approval
   * (allow_with_reason) first, and for an approval with {@code edits} (null for none) the overrides before
   * the approval that decides the request. Edits on a ballot that does not decide are refused. A counted
   * vote carries the quorum progress it leads to.
   */
  public static Result decision(ApprovalState s, DecisionRules.Ballot ballot, String channel, String comment,
      Object edits, Instant now, DecisionRules.Operators operators, DecisionGuards guards, List<String> missing,
      String corr) {
    try {
      DecisionRules.Verdict v = DecisionRules.decide(s.row(), s.approvers(), ballot, now, operators, guards, missing);
      String who = ballot.actor().subject();
      int required = s.row().requiredApprovals();
      switch (v.kind()) {
        case EXPIRE_NOW:
          return new Result(null, Transition.none(s), v);
        case DUPLICATE_VOTE:
          if (edits != null) {
            throw EditRules.notDeciding(v.approvals(), required);
          }
          return new Result(null, Transition.none(s), v);
        case VOTE_COUNTED:
          if (edits != null) {
            throw EditRules.notDeciding(v.approvals(), required);
          }
          Transition self = selfApproved(s, v, operators, ballot, channel, corr, now);
          List<String> approvers = new ArrayList<>(s.approvers());
          approvers.add(who);
          return new Result(null, self.then(vote(self.after(), who, channel, comment,
            Progress.of(s.row(), approvers, false), corr, now)), v);
        default:
          boolean approve = v.kind() == DecisionRules.Kind.APPROVED;
          Transition t = approve ? selfApproved(s, v, operators, ballot, channel, corr, now) : Transition.none(s);
          if (approve && edits != null) {
            Map<String, Object> policy = s.row().policy();
            EditRules.Edited edited = EditRules.apply(PolicySnapshot.edits(policy), PolicySnapshot.name(policy),
              s.row().context(), edits);
            if (edited.changed()) {
              t = t.then(editsApplied(t.after(), edited.overrides(who), who, corr, now));
            }
          }
          return new Result(null, t.then(decide(t.after(), approve ? ApprovalStatus.APPROVED : ApprovalStatus.REJECTED,
            who, channel, ballot.reason(), comment, approve ? VoteRow.APPROVE : VoteRow.REJECT, corr, now)), v);
      }
    } catch (GatewayException e) {
      return Result.refused(e);
    }
  }

  /** A break-glass self-approval (allow_with_reason) is journaled and broadcast before the vote it goes with. */
  private static Transition selfApproved(ApprovalState s, DecisionRules.Verdict v, DecisionRules.Operators operators,
      DecisionRules.Ballot ballot, String channel, String corr, Instant now) {
    if (!v.selfApproval() || operators.selfApproval() != SelfApproval.ALLOW_WITH_REASON) {
      return Transition.none(s);
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("mode", operators.selfApproval().json());
    details.put("reason", ballot.reason());
    details.put("channel", channel);
    details.put("policy", PolicySnapshot.name(s.row().policy()));
    return selfApproval(s, details, ballot.actor().subject(), corr, now);
  }

  /** What a timer firing does at {@code now}: the timeout action, an escalation, its notice, a reminder, or nothing. */
  public static Transition timer(ApprovalState s, TimeoutPolicy p, int remindersSent, String corr, Instant now) {
    TimeoutRules.Plan plan = TimeoutRules.plan(s.row(), p, remindersSent, now);
    switch (plan.outcome()) {
      case EXPIRE:
        return decide(s, ApprovalStatus.EXPIRED, SYSTEM, SYSTEM, REASON_TIMEOUT, null, null, corr, now);
      case APPROVE:
        return decide(s, ApprovalStatus.APPROVED, SYSTEM, SYSTEM, REASON_TIMEOUT_AUTO_APPROVE, null, null, corr, now);
      case ESCALATE:
        return escalate(s, plan, p, "level", corr, now);
      default:
        Transition t = plan.notice() ? escalate(s, plan, p, "notice", corr, now) : Transition.none(s);
        return plan.reminder() ? t.then(remind(t.after(), plan.remindersSent(), corr, now)) : t;
    }
  }

  /** A cancel by the requester or an admin; past the deadline the caller applies the timeout plan instead. */
  public static Result cancel(ApprovalState s, Actor actor, String channel, String reason, String corr, Instant now) {
    try {
      if (DecisionRules.cancelExpiresInstead(s.row(), actor, now)) {
        return new Result(null, Transition.none(s), new DecisionRules.Verdict(DecisionRules.Kind.EXPIRE_NOW, 0));
      }
    } catch (GatewayException e) {
      return Result.refused(e);
    }
    return new Result(null, decide(s, ApprovalStatus.CANCELLED, actor.subject(), channel, reason, null, null, corr,
      now), null);
  }

  /**
   * Folds one stored journal entry into the state of its request. Entries that are not the machine's
   * (refusals, trade and chat records) change nothing; every machine entry links the row to itself.
   */
  public static ApprovalState apply(ApprovalState s, JournalEntry e) {
    return hashed(applyUnhashed(s, e));
  }

  /**
   * {@link #apply} that leaves the row hash of the state it reaches null: a replay of many entries hashes only the
   * state it ends in ({@link #hashed}), the one it compares with the stored row.
   */
  static ApprovalState applyUnhashed(ApprovalState s, JournalEntry e) {
    ApprovalEntry t = ApprovalEntry.of(e);
    if (t == null || !s.replayable()) {
      return s;
    }
    if (t instanceof ApprovalEntry.Created c) {
      if (s.exists()) {
        throw new Impossible(e.seq(), "created twice");
      }
      if (c.row() == null) {
        // written before entries carried the whole row: this request's history cannot be replayed
        return new ApprovalState(null, Map.of(), java.util.Set.of(), false);
      }
      return new ApprovalState(c.row().linkedUnhashed(e.seq(), e.hash()), Map.of(), java.util.Set.of(), true);
    }
    if (!s.exists()) {
      throw new Impossible(e.seq(), "'" + e.action() + "' for a request with no 'created' entry before it");
    }
    ApprovalState next = s;
    if (t instanceof ApprovalEntry.Voted v) {
      requirePending(s, e);
      next = s.withVote(new VoteRow(v.approver(), VoteRow.APPROVE, v.channel(), v.comment(), e.createdAt()));
    } else if (t instanceof ApprovalEntry.Decided d) {
      requirePending(s, e);
      Approval done = s.row().decidedUnhashed(d.to(), d.decidedAt(), d.decidedBy(), d.channel(), d.reason(),
        d.comment());
      next = s.withRow(done);
      if (d.vote() != null) {
        next = next.withVote(new VoteRow(d.decidedBy(), d.vote(), d.channel(), d.comment(), done.decidedAt()));
      }
    } else if (t instanceof ApprovalEntry.Escalated x) {
      requirePending(s, e);
      next = s.withRow(s.row().rescheduledUnhashed(x.expiresAt(), x.escalateAt(), x.level()));
    } else if (t instanceof ApprovalEntry.EditsApplied x) {
      requirePending(s, e);
      next = s.withRow(s.row().withOverrides(x.overrides()));
    } else if (t instanceof ApprovalEntry.Acknowledged x) {
      requirePending(s, e);
      next = s.withAcknowledged(x.persona());
    } else if (t instanceof ApprovalEntry.Reminded x) {
      requirePending(s, e);
      // a reminder names the deadline and level it was sent under: they must be the ones the journal gives
      if ((x.expiresAt() != null && !x.expiresAt().equals(s.row().expiresAt()))
          || (x.expiresAt() != null && x.level() != s.row().escalationLevel())) {
        throw new Impossible(e.seq(), "'reminder' for a deadline the request did not have");
      }
    }
    return next.withRow(next.row().linkedUnhashed(e.seq(), e.hash()));
  }

  /** {@code s} with its row hashed: the end of a replay folded by {@link #applyUnhashed}. */
  static ApprovalState hashed(ApprovalState s) {
    return s.exists() && s.row().rowHash() == null ? s.withRow(s.row().withRowHash()) : s;
  }

  private static void requirePending(ApprovalState s, JournalEntry e) {
    if (s.row().status() != ApprovalStatus.PENDING) {
      throw new Impossible(e.seq(), "'" + e.action() + "' for a request already " + s.row().status().json());
    }
  }

  /** Folds a request's entries in seq order from nothing; the row it ends in is hashed once. */
  public static ApprovalState replay(List<JournalEntry> entries) {
    ApprovalState s = ApprovalState.EMPTY;
    for (JournalEntry e : entries) {
      s = applyUnhashed(s, e);
    }
    return hashed(s);
  }
}
