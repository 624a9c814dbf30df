package io.hitl.gateway.approval;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.machine.ApprovalEntry;
import io.hitl.gateway.core.machine.ApprovalMachine;
import io.hitl.gateway.core.machine.ApprovalState;
import io.hitl.gateway.core.machine.RowCheck;
import io.hitl.gateway.core.machine.VoteRow;
import io.hitl.gateway.store.ApprovalStore;
import io.hitl.gateway.store.HistoryStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPEC I5 and I8 on the write path: a row is used only once it and its votes match the request's journal
 * entries; anything else is refused (SEC-080), audited with what differed, and alerted. The row and votes
 * then written are the journal's (a pending request rejected), never the edited ones, so nothing tampered
 * is blessed.
 */
final class Integrity {
  private static final Logger LOG = LoggerFactory.getLogger(Integrity.class);

  private final HistoryStore histories = new HistoryStore();
  private final ApprovalStore approvals = new ApprovalStore();
  private final GroupCommit commit;
  private final TransitionWriter writer;
  private final TradeGuards guards;

  Integrity(GroupCommit commit, TransitionWriter writer, TradeGuards guards) {
    this.commit = commit;
    this.writer = writer;
    this.guards = guards;
  }

  /**
   * Under the row lock the caller holds: the row and its votes checked against the request's journal
   * entries; {@code then} gets the request's state (row, votes, acknowledgements) when they match.
   */
  Future<Change> checked(SqlConnection conn, Approval locked, String corr, Instant now,
      Function<ApprovalState, Future<Change>> then) {
    return checked(conn, locked, histories.history(conn, locked.id()), corr, now, then);
  }

  /**
   * The request's journal entries and votes, read in the caller's transaction; sent right after the statement
   * that locks the row (without waiting for it), the read still runs once the lock is held.
   */
  Future<HistoryStore.History> history(SqlConnection conn, UUID id) {
    return histories.history(conn, id);
  }

  /** As {@link #checked(SqlConnection, Approval, String, Instant, Function)} with the history read under the lock. */
  Future<Change> checked(SqlConnection conn, Approval locked, Future<HistoryStore.History> history, String corr,
      Instant now, Function<ApprovalState, Future<Change>> then) {
    return history.compose(h -> {
      RowCheck check = RowCheck.of(locked, h.entries(), h.votes());
      if (check.ok()) {
        return then.apply(stateOf(locked, h, check));
      }
      if (commit.writtenInBatch(locked.id())) {
        // an earlier change of this batch wrote the row; its journal entries are appended only at the end
        return Future.succeededFuture(Change.alone());
      }
      return tamper(conn, check, corr, now);
    });
  }

  /**
   * The state of a row locked by the caller when it and its votes match {@code h}, the request's journal
   * entries and votes the caller read under that lock; null when they do not, and nothing is written: the
   * caller then handles the request through {@link #checked}, which refuses and records the mismatch.
   */
  ApprovalState matching(Approval locked, HistoryStore.History h) {
    RowCheck check = RowCheck.of(locked, h.entries(), h.votes());
    return check.ok() ? stateOf(locked, h, check) : null;
  }

  /** As {@link #checked} for a row read without its lock: a row that looks wrong is locked and checked again. */
  Future<Change> checkedLocked(SqlConnection conn, Approval unlocked, String corr, Instant now,
      Function<ApprovalState, Future<Change>> then) {
    return histories.history(conn, unlocked.id()).compose(h -> {
      RowCheck check = RowCheck.of(unlocked, h.entries(), h.votes());
      return check.ok() ? then.apply(stateOf(unlocked, h, check))
        : approvals.findForUpdate(conn, unlocked.id()).compose(locked -> checked(conn, locked, corr, now, then));
    });
  }

  /** The state a matching row stands for: the row itself, its vote rows, the personas its journal says acknowledged. */
  private static ApprovalState stateOf(Approval row, HistoryStore.History h, RowCheck check) {
    Map<String, VoteRow> votes = new LinkedHashMap<>();
    h.votes().forEach(v -> votes.putIfAbsent(v.approver(), v));
    ApprovalState journal = check.journal();
    Set<String> acknowledged = journal.replayable() && journal.exists() ? journal.acknowledged() : Set.of();
    return new ApprovalState(row, votes, acknowledged, true);
  }

  /**
   * A row that does not match its record. With no state to restore (no history, a request created before
   * entries carried its row, or a decided request whose journal itself is broken) a pending row is
   * rejected as stored and a decided one flagged, as a row hash mismatch always was.
   */
  private Future<Change> tamper(SqlConnection conn, RowCheck check, String corr, Instant now) {
    Approval stored = check.row();
    LOG.error("integrity failure on approval {}: {}", stored.id(), check.problem());
    Map<String, Object> evidence = check.evidence();
    ApprovalStatus status = stored.status();
    ApprovalState journal = check.journal();
    boolean pending = journal.exists() ? journal.row().status() == ApprovalStatus.PENDING
      : status == ApprovalStatus.PENDING;
    GatewayException refusal = new GatewayException(ErrorCode.SEC_080,
      "Request " + stored.id() + " failed its integrity check and was " + (pending ? "rejected" : "flagged"),
      Map.of("request_id", stored.id().toString()));
    Change c = Change.of(stored).refused(refusal);
    if (!journal.replayable() || !journal.exists() || (!check.journalIntact() && !pending)) {
      if (status != ApprovalStatus.PENDING) {
        return Future.succeededFuture(c.with(new ApprovalEntry.IntegrityFailure(status, status, evidence)
          .toJournal(stored.id(), ApprovalMachine.SYSTEM, corr, ErrorCode.SEC_080.code(), now), stored));
      }
      ApprovalState asStored = new ApprovalState(stored, Map.of(), Set.of(), true);
      ApprovalMachine.Transition rejected = ApprovalMachine.decide(asStored, ApprovalStatus.REJECTED,
        ApprovalMachine.SYSTEM, ApprovalMachine.SYSTEM, ApprovalMachine.REASON_INTEGRITY, null, null, corr, now);
      Change flagged = c.with(new ApprovalEntry.IntegrityFailure(ApprovalStatus.PENDING, ApprovalStatus.REJECTED,
        evidence).toJournal(stored.id(), ApprovalMachine.SYSTEM, corr, ErrorCode.SEC_080.code(), now),
        rejected.after().row());
      return writer.persist(conn, flagged, rejected);
    }
    ApprovalMachine.Transition t = ApprovalMachine.integrityFailure(journal, evidence, corr, now);
    Approval restored = t.after().row();
    return approvals.restore(conn, stored, restored, List.copyOf(t.after().votes().values())).compose(won -> {
      if (!won) {
        return Future.failedFuture(new GatewayException(ErrorCode.SEC_012,
          "Request " + stored.id() + " changed concurrently"));
      }
      Change recorded = c.with(t);
      return pending ? guards.decided(conn, recorded, restored, corr, now) : Future.succeededFuture(recorded);
    });
  }
}
