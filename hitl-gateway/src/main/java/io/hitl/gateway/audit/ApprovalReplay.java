package io.hitl.gateway.audit;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.CanonicalJson;
import io.hitl.gateway.core.Decimals;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.machine.ApprovalEntry;
import io.hitl.gateway.core.machine.Mismatch;
import io.hitl.gateway.core.machine.RowCheck;
import io.hitl.gateway.core.pretrade.CountedOrder;
import io.hitl.gateway.store.AcknowledgementStore;
import io.hitl.gateway.store.ApprovalStore;
import io.hitl.gateway.store.HistoryStore;
import io.hitl.gateway.store.PretradeStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Verify as replay for approvals and votes: every request's journal entries are folded through the
 * approval machine and compared with its row and vote rows, a page of requests at a time in id order
 * (memory is bounded by the page, not the journal). Named: every field that differs, rows with no journal
 * history, requests the journal created whose row is missing, and the integrity failures the journal records.
 */
final class ApprovalReplay {
  private static final int PAGE = 500;
  private static final int MAX_REPORTED = 100;
  private static final String MISSING_ROWS = "SELECT j.approval_id, j.seq FROM journal j WHERE j.action = 'created' "
    + "AND j.approval_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM approvals a WHERE a.id = j.approval_id) "
    + "ORDER BY j.seq LIMIT $1";
  private static final String FIELD_JOURNAL = "(journal)";

  private final ApprovalStore approvals = new ApprovalStore();
  private final HistoryStore histories = new HistoryStore();
  private final AcknowledgementStore acknowledgements = new AcknowledgementStore();
  static final String ACKNOWLEDGEMENTS = "approval_acknowledgements";
  static final String COUNTED = "pretrade_orders";
  private final PretradeStore pretrade = new PretradeStore();

  /**
   * What the replay found. {@code notReplayable} requests were created before entries carried the whole row
   * and {@code archived} ones have their first entries in archived segments: both are checked by row hash only.
   */
  record Result(long replayed, long notReplayable, long archived, long mismatchCount, List<Mismatch> mismatches,
      List<Map<String, Object>> integrityFailures) {
    boolean ok() {
      return mismatchCount == 0 && integrityFailures.isEmpty();
    }
  }

  private static final class State {
    UUID after = new UUID(0, 0);
    long replayed;
    long notReplayable;
    long archived;
    long mismatchCount;
    /** Counted orders from before this time may have been purged (null: none was). */
    Instant purgedBefore;
    final List<Mismatch> mismatches = new ArrayList<>();
    final List<Map<String, Object>> failures = new ArrayList<>();

    void add(Mismatch m) {
      mismatchCount++;
      if (mismatches.size() < MAX_REPORTED) {
        mismatches.add(m);
      }
    }
  }

  /**
   * Runs inside the caller's snapshot; entries up to seq {@code archived} were archived (0 for none), and counted
   * orders from before {@code purgedBefore} may have been purged (null: none were).
   */
  Future<Result> run(SqlClient db, long archived, Instant purgedBefore) {
    State s = new State();
    s.purgedBefore = purgedBefore;
    return page(db, s, archived).compose(v -> pretrade.orphans(db, MAX_REPORTED)).compose(orphans -> {
      // a counted order whose request has no row: no journal counts it
      orphans.forEach(id -> s.add(new Mismatch(COUNTED, id.toString(), Mismatch.ROW, "absent", "present", 0)));
      return db.preparedQuery(MISSING_ROWS).execute(Tuple.of(MAX_REPORTED));
    }).map(rs -> {
      rs.forEach(r -> s.add(new Mismatch(Mismatch.APPROVALS, r.getUUID(0).toString(), Mismatch.ROW, "present",
        "absent", r.getLong(1))));
      return new Result(s.replayed, s.notReplayable, s.archived, s.mismatchCount, List.copyOf(s.mismatches),
        List.copyOf(s.failures));
    });
  }

  private Future<Void> page(SqlClient db, State s, long archived) {
    return approvals.pageById(db, s.after, PAGE).compose(rows -> {
      if (rows.isEmpty()) {
        return Future.succeededFuture();
      }
      List<UUID> ids = rows.stream().map(Approval::id).toList();
      // the page's four reads are independent: sent together, they cost one round trip instead of four
      var h = histories.histories(db, ids);
      var acks = acknowledgements.byRequests(db, ids);
      var counted = pretrade.countedOf(db, ids);
      var counts = pretrade.countsOf(db, ids);
      return Future.all(h, acks, counted, counts).compose(all -> {
        for (Approval row : rows) {
          HistoryStore.History one = h.result().getOrDefault(row.id(), new HistoryStore.History(List.of(), List.of()));
          if (check(s, row, one, archived)) {
            checkAcknowledgements(s, row, one.entries(), acks.result().getOrDefault(row.id(), List.of()));
            checkCounted(s, row, one.entries(), counts.result().getOrDefault(row.id(), List.of()),
              counted.result().get(row.id()));
          }
          s.after = row.id();
        }
        return rows.size() < PAGE ? Future.succeededFuture() : page(db, s, archived);
      });
    });
  }

  /**
   * The acknowledgement rows of a request against its acknowledged entries: persona, who, comment and
   * time; a row the journal does not have, and an acknowledgement the journal records with no row, are named.
   */
  private static void checkAcknowledgements(State s, Approval row, List<JournalEntry> entries,
      List<AcknowledgementStore.Acknowledgement> rows) {
    Map<String, JournalEntry> journaled = new LinkedHashMap<>();
    for (JournalEntry e : entries) {
      if (ApprovalEntry.of(e) instanceof ApprovalEntry.Acknowledged x) {
        journaled.putIfAbsent(x.persona(), e);
      }
    }
    for (AcknowledgementStore.Acknowledgement a : rows) {
      String id = row.id() + "/" + a.persona();
      JournalEntry e = journaled.remove(a.persona());
      if (e == null) {
        s.add(new Mismatch(ACKNOWLEDGEMENTS, id, Mismatch.ROW, "absent", "present", 0));
        continue;
      }
      compare(s, id, "acknowledged_by", e.actor(), a.by(), e.seq());
      compare(s, id, "comment", e.payload().get("comment"), a.comment(), e.seq());
      compare(s, id, "created_at", Times.format(e.createdAt()), Times.format(a.at()), e.seq());
    }
    journaled.forEach((persona, e) -> s.add(new Mismatch(ACKNOWLEDGEMENTS, row.id() + "/" + persona, Mismatch.ROW,
      "present", "absent", e.seq())));
  }

  private static void compare(State s, String id, String field, Object want, Object got, long seq) {
    compare(s, ACKNOWLEDGEMENTS, id, field, want, got, seq);
  }

  private static void compare(State s, String table, String id, String field, Object want, Object got, long seq) {
    String w = CanonicalJson.write(want);
    String g = CanonicalJson.write(got);
    if (!w.equals(g)) {
      s.add(new Mismatch(table, id, field, w, g, seq));
    }
  }

  /**
   * The request's counted order (`pretrade_orders`) against what its journal says (CountedOrder): a row the
   * journal does not count, a count with no row, and each field that differs are named. A deleted or back-dated
   * row would let later orders past a cap; the kept seconds are checked against the rows separately.
   */
  private static void checkCounted(State s, Approval row, List<JournalEntry> entries, List<CountedOrder.Count> counts,
      PretradeStore.Counted found) {
    CountedOrder want = CountedOrder.expected(row, entries, counts);
    String id = row.id().toString();
    if (want == null) {
      if (found != null) {
        s.add(new Mismatch(COUNTED, id, Mismatch.ROW, "absent", "present", row.journalSeq()));
      }
      return;
    }
    if (found == null) {
      if (!purged(s.purgedBefore, want, row)) {
        s.add(new Mismatch(COUNTED, id, Mismatch.ROW, "present", "absent", want.seq()));
      }
      return;
    }
    if (want.countedAt() != null) {
      compare(s, COUNTED, id, "counted_at", Times.format(want.countedAt()), Times.format(found.countedAt()), want.seq());
    }
    compare(s, COUNTED, id, "strategy_key", want.strategyKey(), found.strategyKey(), want.seq());
    compare(s, COUNTED, id, "account_key", want.accountKey(), found.accountKey(), want.seq());
    compare(s, COUNTED, id, "duplicate_key", want.duplicateKey(), found.duplicateKey(), want.seq());
    compare(s, COUNTED, id, "notional", want.notional() == null ? null : Decimals.text(want.notional()),
      found.notional() == null ? null : Decimals.text(found.notional()), want.seq());
    compare(s, COUNTED, id, "strategy_kept", want.strategyKept(), found.strategyKept(), want.seq());
    compare(s, COUNTED, id, "account_kept", want.accountKept(), found.accountKept(), want.seq());
  }

  /**
   * Whether a purge may have removed the counted order: it was counted before the purge's time, or, where the journal
   * does not hold when it was counted, its request was created before it (it was counted then or later).
   */
  static boolean purged(Instant purgedBefore, CountedOrder want, Approval row) {
    Instant at = want.countedAt() != null ? want.countedAt() : row.createdAt();
    return purgedBefore != null && at != null && at.isBefore(purgedBefore);
  }

  /** Folds and compares one request; false when its history cannot be folded (archived or before V14). */
  private static boolean check(State s, Approval row, HistoryStore.History h, long archived) {
    List<JournalEntry> entries = h.entries();
    boolean begunLive = !entries.isEmpty() && ApprovalEntry.CREATED.equals(entries.get(0).action());
    // a request whose history starts in an archived segment cannot be folded from the live journal alone
    if (!begunLive && archived > 0 && (entries.isEmpty() ? row.journalSeq() > 0 && row.journalSeq() <= archived
        : entries.get(0).seq() > 0)) {
      s.archived++;
      return false;
    }
    for (JournalEntry e : entries) {
      if (ApprovalEntry.INTEGRITY_FAILURE.equals(e.action()) && s.failures.size() < MAX_REPORTED) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("approval_id", row.id().toString());
        f.put("seq", e.seq());
        f.put("problem", e.payload().get("problem"));
        f.put("mismatches", e.payload().get("mismatches"));
        s.failures.add(f);
      }
    }
    RowCheck check = RowCheck.of(row, entries, h.votes());
    if (!check.journal().replayable()) {
      s.notReplayable++;
      return false;
    }
    s.replayed++;
    check.mismatches().forEach(s::add);
    if (!check.journalIntact()) {
      s.add(new Mismatch(Mismatch.APPROVALS, row.id().toString(), FIELD_JOURNAL, "an unbroken history",
        check.problem(), row.journalSeq()));
    }
    return true;
  }
}
