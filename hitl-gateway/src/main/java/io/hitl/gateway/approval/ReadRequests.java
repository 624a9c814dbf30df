package io.hitl.gateway.approval;

import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.DecisionRules;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.guard.MarketCheck;
import io.hitl.gateway.core.guard.PostTradeSnapshot;
import io.hitl.gateway.core.machine.ApprovalEntry;
import io.hitl.gateway.core.machine.ApprovalMachine;
import io.hitl.gateway.core.machine.RowCheck;
import io.hitl.gateway.core.machine.VoteRow;
import io.hitl.gateway.core.policy.PolicySnapshot;
import io.hitl.gateway.core.policy.Progress;
import io.hitl.gateway.store.AcknowledgementStore;
import io.hitl.gateway.store.ApprovalStore;
import io.hitl.gateway.store.DbFailures;
import io.hitl.gateway.store.HistoryStore;
import io.hitl.gateway.store.TradeStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads of requests. Each row is checked against its journal entries and votes read in the same statement;
 * a row that looks wrong is checked again under its lock before it is refused (SEC-080) and handled as a
 * tamper. A single request is read in one statement with everything its view shows (votes, progress,
 * acknowledgements from its journal).
 */
final class ReadRequests {
  private final WritePath w;
  private final ApprovalStore approvals = new ApprovalStore();
  private final HistoryStore histories = new HistoryStore();

  ReadRequests(WritePath w) {
    this.w = w;
  }

  Future<ApprovalService.Read> get(UUID id, Actor actor, String corr) {
    if (!actor.canRead()) {
      return Future.failedFuture(new GatewayException(ErrorCode.SEC_002, "A role is required to read requests"));
    }
    return read(id, corr, true);
  }

  private Future<ApprovalService.Read> read(UUID id, String corr, boolean verify) {
    return histories.find(w.pool(), id).recover(DbFailures::fail).compose(read -> {
      if (read == null) {
        return Future.failedFuture(WritePath.notFound(id));
      }
      HistoryStore.History h = read.history();
      if (!RowCheck.of(read.row(), h.entries(), h.votes()).ok()) {
        // a change may have committed between the row and its history: checked again under the row lock
        return verify ? verified(read.row(), corr).compose(ok -> read(id, corr, false))
          : Future.failedFuture(new GatewayException(ErrorCode.SEC_012, "Request " + id + " changed concurrently"));
      }
      Approval a = read.row();
      List<String> approvers = new ArrayList<>();
      h.votes().stream().filter(v -> VoteRow.APPROVE.equals(v.decision())).forEach(v -> approvers.add(v.approver()));
      return Future.succeededFuture(new ApprovalService.Read(a, h.votes(),
        answer(a, approvers, w.operatorsOf(a), acknowledgements(h.entries()))));
    });
  }

  /** The acknowledgements a request's journal records, in the order they were given. */
  private static List<AcknowledgementStore.Acknowledgement> acknowledgements(List<JournalEntry> entries) {
    List<AcknowledgementStore.Acknowledgement> acks = new ArrayList<>();
    for (JournalEntry e : entries) {
      if (ApprovalEntry.of(e) instanceof ApprovalEntry.Acknowledged x) {
        acks.add(new AcknowledgementStore.Acknowledgement(x.persona(), e.actor(), (String) x.details().get("comment"),
          e.createdAt()));
      }
    }
    return acks;
  }

  /**
   * What a reader is shown beside a request: {progress} and, when its policy names personas, {acknowledgements}.
   * A request needing one approval counts its decider (a person's approval) and nobody else.
   */
  static Map<String, Object> answer(Approval a, List<String> approvers, DecisionRules.Operators operators,
      List<AcknowledgementStore.Acknowledgement> acks) {
    List<String> who = approvers;
    if (a.requiredApprovals() == 1) {
      who = a.status() == ApprovalStatus.APPROVED && !ApprovalMachine.SYSTEM.equals(a.decidedBy())
        ? List.of(a.decidedBy()) : List.of();
    }
    boolean bySuper = a.status() == ApprovalStatus.APPROVED && who.size() < a.requiredApprovals()
      && operators.isSuper(a.decidedBy());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("progress", Progress.of(a, who, bySuper));
    if (!PolicySnapshot.acknowledgements(a.policy()).isEmpty()) {
      List<Map<String, Object>> done = new ArrayList<>();
      for (AcknowledgementStore.Acknowledgement ack : acks) {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("persona", ack.persona());
        one.put("by", ack.by());
        one.put("comment", ack.comment());
        one.put("at", Times.format(ack.at()));
        done.add(one);
      }
      m.put("acknowledgements", Progress.acknowledgements(a.policy(), done));
    }
    return m;
  }

  Future<ApprovalService.Page> list(ApprovalStore.ListQuery q, Actor actor, String corr) {
    if (!actor.canRead()) {
      return Future.failedFuture(new GatewayException(ErrorCode.SEC_002, "A role is required to read requests"));
    }
    return approvals.listWithHistories(w.pool(), q, histories).recover(DbFailures::fail).compose(read -> {
        List<Approval> rows = read.stream().map(HistoryStore.Read::row).toList();
        List<Future<Approval>> checked = new ArrayList<>();
        for (HistoryStore.Read r : read) {
          HistoryStore.History h = r.history();
          // a row that looks wrong is checked again under its lock (and handled as a tamper) before it is refused
          checked.add(RowCheck.of(r.row(), h.entries(), h.votes()).ok() ? Future.succeededFuture(r.row())
            : verified(r.row(), corr).otherwise((Approval) null));
        }
        ApprovalStore.Cursor next = null;
        if (rows.size() == q.limit() && !rows.isEmpty()) {
          Approval last = rows.get(rows.size() - 1);
          next = new ApprovalStore.Cursor(q.status() == ApprovalStatus.PENDING ? last.expiresAt() : last.createdAt(),
            last.id());
        }
        ApprovalStore.Cursor cursor = next;
        return Future.join(checked).transform(ignored -> {
          List<Approval> ok = new ArrayList<>();
          List<UUID> bad = new ArrayList<>();
          for (int i = 0; i < rows.size(); i++) {
            Approval a = checked.get(i).result();
            if (a != null) {
              ok.add(a);
            } else {
              bad.add(rows.get(i).id());
            }
          }
          return Future.succeededFuture(new ApprovalService.Page(ok, cursor, bad));
        });
      });
  }

  /** The request if it still matches its journal under its row lock; otherwise the tamper is handled and SEC-080 returned. */
  private Future<Approval> verified(Approval a, String corr) {
    java.time.Instant now = w.now();
    return w.commit().run(conn -> approvals.findForUpdate(conn, a.id()).compose(fresh -> fresh == null
      ? Future.failedFuture(WritePath.notFound(a.id()))
      : w.integrity().checked(conn, fresh, corr, now, s -> Future.succeededFuture(Change.of(s.row())))))
      .map(Change::approval);
  }

  /** The trade a trade request opened, or null. */
  Future<TradeStore.Trade> trade(UUID id) {
    return w.guards().trade(w.pool(), id).recover(DbFailures::fail);
  }

  /** What rule 5 would find now for each pending trade request among {@code rows}, by request id. */
  Future<Map<UUID, MarketCheck>> market(List<Approval> rows) {
    return w.guards().market(w.pool(), rows, w.now()).recover(DbFailures::fail);
  }

  /** The market when the trade was approved, or null. */
  Future<PostTradeSnapshot> snapshot(UUID id) {
    return w.guards().snapshot(w.pool(), id).recover(DbFailures::fail);
  }
}
