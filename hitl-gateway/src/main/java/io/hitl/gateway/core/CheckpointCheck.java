package io.hitl.gateway.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Holds the journal against its signed checkpoints while a verification walks the chain: at each
 * checkpoint's seq the chain's hash must be the signed one (a journal edited and re-chained to its head
 * fails here), and no checkpoint may lie beyond the journal's end (a truncated journal fails here).
 */
public final class CheckpointCheck {
  /** A checkpoint whose signature verified, and the file it came from. */
  public record Signed(String file, Checkpoint checkpoint) {
  }

  private final TreeMap<Long, List<Signed>> bySeq = new TreeMap<>();
  private final List<String> problems = new ArrayList<>();
  private int matched;
  private int notCompared;

  public CheckpointCheck(List<Signed> signed, List<String> unreadable) {
    for (Signed s : signed) {
      bySeq.computeIfAbsent(s.checkpoint().seq(), k -> new ArrayList<>()).add(s);
    }
    problems.addAll(unreadable);
  }

  /** The chain reached {@code seq} with {@code hash}; seqs must come in increasing order. */
  public void at(long seq, String hash) {
    List<Signed> here = bySeq.remove(seq);
    if (here == null) {
      return;
    }
    for (Signed s : here) {
      if (Hashing.same(s.checkpoint().hash(), hash)) {
        matched++;
      } else {
        problems.add("the journal's hash at seq " + seq + " is not the one checkpoint " + s.file() + " signed at "
          + Times.format(s.checkpoint().at()) + " (entries at or before seq " + seq
          + " were changed and the chain recomputed)");
      }
    }
  }

  /** The chain skipped (without reading) the entries after {@code fromSeq} up to and including {@code toSeq}. */
  public void skipped(long fromSeq, long toSeq) {
    Map<Long, List<Signed>> inside = bySeq.subMap(fromSeq, false, toSeq, false);
    inside.values().forEach(l -> notCompared += l.size());
    inside.clear();
  }

  /** The walk ended at the journal head {@code headSeq}: checkpoints beyond it prove entries were removed. */
  public void end(long headSeq) {
    for (Map.Entry<Long, List<Signed>> e : bySeq.headMap(headSeq, true).entrySet()) {
      for (Signed s : e.getValue()) {
        problems.add("the journal has no entry at seq " + e.getKey() + ", which checkpoint " + s.file() + " signed");
      }
    }
    for (Map.Entry<Long, List<Signed>> e : bySeq.tailMap(headSeq, false).entrySet()) {
      for (Signed s : e.getValue()) {
        problems.add("checkpoint " + s.file() + " signed seq " + e.getKey() + " but the journal ends at seq " + headSeq
          + " (its newest entries were removed)");
      }
    }
    bySeq.clear();
  }

  /** The signed checkpoint with the highest seq above {@code seq}, or null when there is none. */
  public Signed newestAbove(long seq) {
    Map.Entry<Long, List<Signed>> last = bySeq.lastEntry();
    return last == null || last.getKey() <= seq ? null : last.getValue().get(0);
  }

  public int matched() {
    return matched;
  }

  /** Checkpoints inside archived segments whose files were not re-read. */
  public int notCompared() {
    return notCompared;
  }

  public List<String> problems() {
    return List.copyOf(problems);
  }
}
