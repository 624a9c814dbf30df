package io.hitl.gateway.approval;

import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.machine.ApprovalEntry;
import io.hitl.gateway.core.machine.ApprovalMachine;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * What one transaction of the approval write path commits, immutable: the request as it now is, the
 * journal entries in order (each with the request as it left it), and what the caller is told after
 * commit: a refusal (an expiry found by a late decision commits and is still refused), the quorum
 * progress published with its events, what the caller is shown beside the request (progress and
 * acknowledgement checklist), the timer outcome, and whether the command runs again.
 */
record Change(Approval approval, List<Step> steps, boolean created, GatewayException refusal, Instant nextTimerAt,
    String timerOutcome, Map<String, Object> progress, Map<String, Object> answer, Next next) {

  /** What follows the commit of a change. */
  enum Next {
    /** The change answers its caller. */
    ANSWER,
    /** A late command applied the timeout plan and the request stayed pending (escalated): the command runs again. */
    AGAIN,
    /** The request was written by an earlier change of the same batch: rolled back and run alone after it. */
    ALONE
  }

  /**
   * One journal entry and the request as it left it; {@code request} is absent for entries about no
   * single request (the Guardian's), which are announced as notices.
   */
  record Step(JournalEntry entry, Approval request) {
    boolean about() {
      return request != null;
    }
  }

  Change {
    steps = List.copyOf(steps);
    progress = progress == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(progress));
    answer = answer == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(answer));
    timerOutcome = timerOutcome == null ? "none" : timerOutcome;
  }

  /** Nothing written yet about {@code approval}. */
  static Change of(Approval approval) {
    return new Change(approval, List.of(), false, null, null, null, null, null, Next.ANSWER);
  }

  /** A change about no single request (the Guardian's). */
  static Change none() {
    return of(null);
  }

  /** Rolled back and run alone after the batch: an earlier change of the batch wrote this request. */
  static Change alone() {
    return new Change(null, List.of(), false, null, null, null, null, null, Next.ALONE);
  }

  /**
   * {@code work} whose change has each entry {@code actor} wrote stamped with who acted ({@link Actor#stamp}):
   * the issuer of a provider token and the console session, before the entries are appended.
   */
  static Function<SqlConnection, Future<Change>> by(Actor actor, Function<SqlConnection, Future<Change>> work) {
    if (actor == null || actor.identity().isEmpty()) {
      return work;
    }
    return conn -> work.apply(conn).map(c -> c.stamped(actor));
  }

  private Change stamped(Actor actor) {
    List<Step> all = new ArrayList<>();
    for (Step s : steps) {
      all.add(new Step(actor.stamp(s.entry), s.request));
    }
    return new Change(approval, all, created, refusal, nextTimerAt, timerOutcome, progress, answer, next);
  }

  /** Every step of a machine transition, in order. */
  Change with(ApprovalMachine.Transition t) {
    Change c = this;
    for (ApprovalMachine.Step s : t.steps()) {
      c = c.with(s.entry(), s.snapshot());
    }
    return c;
  }

  Change with(JournalEntry entry, Approval request) {
    List<Step> all = new ArrayList<>(steps);
    all.add(new Step(entry, request));
    return new Change(request != null ? request : approval, all, created, refusal, nextTimerAt, timerOutcome,
      progress, answer, next);
  }

  /** An entry about no single request, placed first (the Guardian's change precedes the rejections it caused). */
  Change withFirst(JournalEntry entry) {
    List<Step> all = new ArrayList<>();
    all.add(new Step(entry, null));
    all.addAll(steps);
    return new Change(approval, all, created, refusal, nextTimerAt, timerOutcome, progress, answer, next);
  }

  /** The steps of {@code other} appended; the request reported is the one {@code other} reports. */
  Change then(Change other) {
    List<Step> all = new ArrayList<>(steps);
    all.addAll(other.steps);
    return new Change(other.approval != null ? other.approval : approval, all, created, refusal, nextTimerAt,
      timerOutcome, progress, answer, next);
  }

  Change asCreated() {
    return new Change(approval, steps, true, refusal, nextTimerAt, timerOutcome, progress, answer, next);
  }

  Change refused(GatewayException e) {
    return new Change(approval, steps, created, e, nextTimerAt, timerOutcome, progress, answer, next);
  }

  Change again() {
    return new Change(approval, steps, created, refusal, nextTimerAt, timerOutcome, progress, answer, Next.AGAIN);
  }

  Change withProgress(Map<String, Object> p) {
    return new Change(approval, steps, created, refusal, nextTimerAt, timerOutcome, p, answer, next);
  }

  Change answered(Map<String, Object> a) {
    return new Change(approval, steps, created, refusal, nextTimerAt, timerOutcome, progress, a, next);
  }

  Change timed(String outcome) {
    return new Change(approval, steps, created, refusal, nextTimerAt, outcome, progress, answer, next);
  }

  Change nextTimer(Instant at) {
    return new Change(approval, steps, created, refusal, at, timerOutcome, progress, answer, next);
  }

  List<JournalEntry> entries() {
    return steps.stream().map(Step::entry).toList();
  }

  /**
   * The change once its entries are stored ({@code saved}, same order, with seq and hash): each request
   * step's row is linked to its entry, and the request reported is linked to the last entry it got.
   */
  Change saved(List<JournalEntry> saved) {
    if (saved.size() != steps.size()) {
      throw new IllegalArgumentException("saved " + saved.size() + " entries for " + steps.size() + " steps");
    }
    List<Step> all = new ArrayList<>();
    Approval reported = approval;
    for (int i = 0; i < saved.size(); i++) {
      JournalEntry e = saved.get(i);
      Approval request = steps.get(i).request;
      if (request != null && ApprovalEntry.ACTIONS.contains(e.action())) {
        request = request.linked(e.seq(), e.hash());
        if (reported != null && reported.id().equals(request.id())) {
          reported = request;
        }
      }
      all.add(new Step(e, request));
    }
    return new Change(reported, all, created, refusal, nextTimerAt, timerOutcome, progress, answer, next);
  }

  /** The rows to link in the table: per request, its row as the last machine entry it got left it. */
  Map<UUID, Approval> links() {
    Map<UUID, Approval> last = new LinkedHashMap<>();
    for (Step s : steps) {
      if (s.request != null && s.entry.approvalId() != null && ApprovalEntry.ACTIONS.contains(s.entry.action())) {
        last.put(s.entry.approvalId(), s.request);
      }
    }
    return last;
  }

  /** The requests this change wrote. */
  List<UUID> touched() {
    return steps.stream().map(s -> s.entry.approvalId()).filter(id -> id != null).distinct().toList();
  }
}
