package io.hitl.gateway.core.machine;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.CanonicalJson;
import io.hitl.gateway.core.Hashing;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One difference between a table and its re-derivation from the journal: which table and row, which
 * field, what the journal says it should be, what was found, and the seq of the journal entry that last
 * produced the row (0 when the journal has no history for it). Values are canonical JSON text.
 */
public record Mismatch(String table, String id, String field, String expected, String found, long seq) {
  public static final String APPROVALS = "approvals";
  public static final String VOTES = "approval_votes";
  /** The field named when a whole row is missing from the table or has no journal history. */
  public static final String ROW = "(row)";

  /** Every field of the stored row (and its votes) that differs from the state the journal gives. */
  public static List<Mismatch> between(ApprovalState expected, Approval row, List<VoteRow> votes) {
    return between(expected, row, votes, row != null && row.integrityOk());
  }

  /**
   * {@link #between} for a row whose own hash was checked already: {@code rowIntact} says that the stored row_hash
   * is the hash of the row's columns. When it is, at the expected row's hash version, and equals the hash of the
   * row the journal gives, both rows have the same canonical text, so every column is equal without comparing them
   * one by one (a difference would be a SHA-256 collision).
   */
  static List<Mismatch> between(ApprovalState expected, Approval row, List<VoteRow> votes, boolean rowIntact) {
    List<Mismatch> out = new ArrayList<>();
    String id = row != null ? row.id().toString() : expected.row().id().toString();
    long seq = expected.exists() ? expected.row().journalSeq() : 0;
    if (!expected.exists()) {
      out.add(new Mismatch(APPROVALS, id, ROW, "absent", "present", 0));
      return out;
    }
    if (row == null) {
      out.add(new Mismatch(APPROVALS, id, ROW, "present", "absent", seq));
      return out;
    }
    Approval want = expected.row();
    boolean same = rowIntact && want.rowHash() != null && want.hashVersion() == row.hashVersion()
      && Hashing.same(want.rowHash(), row.rowHash());
    if (!same) {
      Map<String, Object> wantFields = fields(want);
      Map<String, Object> got = fields(row);
      for (String k : new TreeSet<>(wantFields.keySet())) {
        String w = CanonicalJson.write(wantFields.get(k));
        String g = CanonicalJson.write(got.get(k));
        if (!w.equals(g)) {
          out.add(new Mismatch(APPROVALS, id, k, w, g, seq));
        }
      }
    }
    Map<String, VoteRow> wantVotes = expected.votes();
    for (VoteRow v : votes) {
      VoteRow w = wantVotes.get(v.approver());
      String vid = id + "/" + v.approver();
      if (w == null) {
        out.add(new Mismatch(VOTES, vid, ROW, "absent", "present", seq));
        continue;
      }
      compare(out, vid, "decision", w.decision(), v.decision(), seq);
      compare(out, vid, "channel", w.channel(), v.channel(), seq);
      compare(out, vid, "comment", w.comment(), v.comment(), seq);
      compare(out, vid, "created_at", w.at(), v.at(), seq);
      if (v.approvalCreatedAt() != null) {
        compare(out, vid, "approval_created_at", want.createdAt(), v.approvalCreatedAt(), seq);
      }
    }
    for (VoteRow w : wantVotes.values()) {
      if (votes.stream().noneMatch(v -> v.approver().equals(w.approver()))) {
        out.add(new Mismatch(VOTES, id + "/" + w.approver(), ROW, "present", "absent", seq));
      }
    }
    return out;
  }

  private static void compare(List<Mismatch> out, String id, String field, Object want, Object got, long seq) {
    String w = CanonicalJson.write(want);
    String g = CanonicalJson.write(got);
    if (!w.equals(g)) {
      out.add(new Mismatch(VOTES, id, field, w, g, seq));
    }
  }

  /** The compared columns: the content, the journal link and the row hash (the hash version is not state). */
  private static Map<String, Object> fields(Approval a) {
    Map<String, Object> m = a.contentFields();
    m.put("journal_seq", a.journalSeq());
    m.put("journal_hash", a.journalHash());
    m.put("row_hash", a.rowHash());
    return m;
  }
}
