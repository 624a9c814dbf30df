package io.hitl.gateway.core.machine;

import io.hitl.gateway.core.Approval;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the journal says one approval request is: its row (linked to the last entry folded), its votes
 * by approver, and the personas that acknowledged it. Immutable; {@link ApprovalMachine#apply} returns
 * the next state. {@code replayable} is false for a request created before entries carried the whole
 * row: its state cannot be re-derived and only its row hash is checked.
 */
public record ApprovalState(Approval row, Map<String, VoteRow> votes, Set<String> acknowledged, boolean replayable) {
  public static final ApprovalState EMPTY = new ApprovalState(null, Map.of(), Set.of(), true);

  public ApprovalState {
    votes = Collections.unmodifiableMap(new LinkedHashMap<>(votes));
    acknowledged = Collections.unmodifiableSet(new LinkedHashSet<>(acknowledged));
  }

  public boolean exists() {
    return row != null;
  }

  ApprovalState withRow(Approval next) {
    return new ApprovalState(next, votes, acknowledged, replayable);
  }

  /** A second vote by the same approver is not stored (the table's primary key keeps the first). */
  ApprovalState withVote(VoteRow v) {
    if (votes.containsKey(v.approver())) {
      return this;
    }
    Map<String, VoteRow> m = new LinkedHashMap<>(votes);
    m.put(v.approver(), v);
    return new ApprovalState(row, m, acknowledged, replayable);
  }

  ApprovalState withAcknowledged(String persona) {
    Set<String> s = new LinkedHashSet<>(acknowledged);
    s.add(persona);
    return new ApprovalState(row, votes, s, replayable);
  }

  /** Who approved so far, in vote order. */
  public Set<String> approvers() {
    Set<String> s = new LinkedHashSet<>();
    votes.values().stream().filter(v -> VoteRow.APPROVE.equals(v.decision())).forEach(v -> s.add(v.approver()));
    return s;
  }
}
