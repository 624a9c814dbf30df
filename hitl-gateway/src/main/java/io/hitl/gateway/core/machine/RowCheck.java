package io.hitl.gateway.core.machine;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.Hashing;
import io.hitl.gateway.core.JournalEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stored approval row and its votes checked against the request's own journal entries: each entry's
 * hash must match its content, the entries must fold into a state the machine could have written, and
 * the row and votes must be exactly that state. {@code journal} is the state of the entries up to the
 * first broken one; {@code journalIntact} says whether that is all of them.
 */
public record RowCheck(Approval row, ApprovalState journal, boolean journalIntact, String problem,
    List<Mismatch> mismatches) {

  /** Checks {@code row} (and {@code votes}) against {@code entries}, the request's journal entries in seq order. */
  public static RowCheck of(Approval row, List<JournalEntry> entries, List<VoteRow> votes) {
    ApprovalState s = ApprovalState.EMPTY;
    String problem = null;
    for (JournalEntry e : entries) {
      if (!Hashing.same(e.hash(), Hashing.chainHash(e.prevHash(), e.seq(), Hashing.contentHash(e)))) {
        problem = "journal entry seq " + e.seq() + " does not match its hash (it was edited)";
        break;
      }
      try {
        s = ApprovalMachine.applyUnhashed(s, e);
      } catch (ApprovalMachine.Impossible x) {
        problem = "journal entry seq " + x.seq() + ": " + x.getMessage() + " (entries were removed or edited)";
        break;
      }
    }
    boolean rowIntact;
    Approval want = s.row();
    if (want != null && want.rowHash() == null && row != null
        && want.canonicalFields().equals(row.canonicalFields())) {
      // the same values write the same canonical text: one hash is the stored row's and the replayed row's
      String hash = Hashing.rowHash(row);
      rowIntact = row.rowHash() != null && Hashing.same(row.rowHash(), hash);
      s = s.withRow(want.withRowHash(hash));
    } else {
      s = ApprovalMachine.hashed(s);
      rowIntact = row != null && row.integrityOk();
    }
    boolean intact = problem == null;
    List<Mismatch> found = new ArrayList<>();
    if (s.replayable()) {
      found.addAll(Mismatch.between(s, row, votes, rowIntact));
    }
    if (problem == null && !rowIntact) {
      problem = "row_hash does not match the row's content";
    }
    if (problem == null && !found.isEmpty()) {
      problem = "the row differs from its journal in " + String.join(", ", found.stream()
        .map(m -> m.table().equals(Mismatch.VOTES) ? "vote " + m.id().substring(m.id().indexOf('/') + 1) : m.field())
        .distinct().toList());
    }
    return new RowCheck(row, s, intact, problem, List.copyOf(found));
  }

  public boolean ok() {
    return problem == null;
  }

  /** The evidence an integrity_failure entry records: what was wrong and each field as recorded and as found. */
  public Map<String, Object> evidence() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("problem", problem);
    m.put("stored_row_hash", row.rowHash());
    m.put("computed_row_hash", Hashing.rowHash(row));
    m.put("status", row.status().name());
    List<Map<String, Object>> fields = new ArrayList<>();
    for (Mismatch x : mismatches) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("table", x.table());
      f.put("id", x.id());
      f.put("field", x.field());
      f.put("expected", x.expected());
      f.put("found", x.found());
      f.put("journal_seq", x.seq());
      fields.add(f);
    }
    m.put("mismatches", fields);
    return m;
  }
}
