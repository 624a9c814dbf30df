package io.hitl.gateway.approval;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.store.OutboxStore;
import java.util.ArrayList;
import java.util.List;

/**
 * What one transaction of the approval service commits: the request as it now is, the journal
 * entries and outbox jobs that go with it, and a refusal to report after commit (an expiry found by a
 * late decision commits and is still refused).
 */
final class Change {
  Approval approval;
  boolean created;
  final List<JournalEntry> entries = new ArrayList<>();
  /** The request as each entry left it, for the event published with that entry. */
  final List<Approval> snapshots = new ArrayList<>();
  final List<OutboxStore.Job> jobs = new ArrayList<>();
  GatewayException refusal;
  /** For a request still pending: when its timer should next look at it (deadline, notice or reminder). */
  java.time.Instant nextTimerAt;
  /** What a timer firing did: expired, approved, escalated, notice, reminder or none. */
  String timerOutcome = "none";
  /** Quorum progress after a vote or decision ("1 of 2 approvals: alice"), published with its events. */
  java.util.Map<String, Object> progress;

  /** Who acted, beyond the subject every entry names: the issuer and console session, added to that actor's entries. */
  private java.util.Map<String, Object> identity = java.util.Map.of();
  private String actor;

  Change(Approval approval) {
    this.approval = approval;
  }

  /** The entries {@code by} writes in this change carry its issuer and session (when it has them) in their payload. */
  Change by(io.hitl.gateway.core.Actor by) {
    this.actor = by.subject();
    this.identity = by.identity();
    return this;
  }

  /** Records every step of a machine transition, in order. */
  Change record(io.hitl.gateway.core.machine.ApprovalMachine.Transition t) {
    for (io.hitl.gateway.core.machine.ApprovalMachine.Step s : t.steps()) {
      record(s.entry(), s.snapshot());
    }
    return this;
  }

  Change record(JournalEntry entry, Approval snapshot) {
    entries.add(identity.isEmpty() || !actor.equals(entry.actor()) ? entry : entry.withPayload("identity", identity));
    snapshots.add(snapshot);
    approval = snapshot;
    return this;
  }
}
