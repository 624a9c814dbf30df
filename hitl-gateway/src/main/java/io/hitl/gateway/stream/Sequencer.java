package io.hitl.gateway.stream;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Releases live events in journal order. Journal seqs are commit-ordered, but the events are
 * published after commit from several event loops (and nodes), so they can arrive out of order; a
 * seq can also never arrive at all (a refused decision is journaled without an event, a rolled-back
 * append burns a seq). An event is held until every lower seq is accounted for, either by its own
 * event or by reading that range of the journal ({@link #resolve}).
 *
 * @param <T> the event type
 */
public final class Sequencer<T> {
  private long watermark;
  private final TreeMap<Long, T> held = new TreeMap<>();
  /** Seqs known to have no event (journaled in the same transaction as an event that named them). */
  private final TreeSet<Long> silent = new TreeSet<>();

  /** @param watermark the highest seq already accounted for (the journal head when streaming starts) */
  public Sequencer(long watermark) {
    this.watermark = watermark;
  }

  /** Every seq up to this one has been released or found to have no event. */
  public long watermark() {
    return watermark;
  }

  /** Offers a live event; returns what can now be released, in seq order. */
  public List<T> offer(long seq, T event) {
    if (seq <= watermark || held.containsKey(seq)) {
      return List.of();
    }
    held.put(seq, event);
    return drain(new ArrayList<>());
  }

  /** Marks seqs that will never have an event; returns what can now be released, in seq order. */
  public List<T> skip(Collection<Long> seqs) {
    for (long seq : seqs) {
      if (seq > watermark) {
        silent.add(seq);
      }
    }
    return drain(new ArrayList<>());
  }

  /** True while some event waits for a lower seq. */
  public boolean waiting() {
    return !held.isEmpty();
  }

  /** The highest seq held; the journal must be read up to it to release everything waiting. */
  public long highestHeld() {
    return held.isEmpty() ? watermark : held.lastKey();
  }

  /**
   * The journal was read over (watermark, upTo]: {@code found} holds the events of the entries there
   * that have one. Releases everything up to upTo in seq order (a held live event is preferred to the
   * journal's copy); seqs in neither have no event.
   */
  public List<T> resolve(long upTo, NavigableMap<Long, T> found) {
    List<T> out = new ArrayList<>();
    if (upTo <= watermark) {
      return out;
    }
    TreeSet<Long> seqs = new TreeSet<>(held.headMap(upTo, true).keySet());
    seqs.addAll(found.subMap(watermark, false, upTo, true).keySet());
    for (long seq : seqs) {
      T live = held.remove(seq);
      out.add(live != null ? live : found.get(seq));
    }
    watermark = upTo;
    silent.headSet(upTo, true).clear();
    return drain(out);
  }

  private List<T> drain(List<T> out) {
    while (true) {
      if (!held.isEmpty() && held.firstKey() == watermark + 1) {
        out.add(held.pollFirstEntry().getValue());
      } else if (!silent.isEmpty() && silent.first() == watermark + 1) {
        silent.pollFirst();
      } else {
        return out;
      }
      watermark++;
    }
  }
}
