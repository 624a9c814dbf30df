package io.hitl.gateway.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

class SequencerProperties {

  /**
   * Seqs 1..n are committed in order; some have an event, the rest none (refusals, rolled-back
   * appends). The events arrive in any order, some only after a journal read already covered them,
   * and journal reads happen at any moment. Every event comes out exactly once, in seq order.
   */
  @Property
  void everyEventIsReleasedExactlyOnceInSeqOrder(@ForAll @Size(max = 80) List<Boolean> hasEvent,
      @ForAll long seed, @ForAll @Size(max = 80) List<Boolean> readJournalAfter) {
    int n = hasEvent.size();
    List<Long> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (hasEvent.get(i)) {
        events.add((long) i + 1);
      }
    }
    List<Long> arrivals = new ArrayList<>(events);
    Collections.shuffle(arrivals, new Random(seed));

    Sequencer<Long> s = new Sequencer<>(0);
    List<Long> released = new ArrayList<>();
    for (int i = 0; i < arrivals.size(); i++) {
      released.addAll(s.offer(arrivals.get(i), arrivals.get(i)));
      if (i < readJournalAfter.size() && readJournalAfter.get(i) && s.waiting()) {
        // an arrived seq is committed, and so is every seq below it (journal appends are serialized)
        long upTo = s.highestHeld();
        released.addAll(s.resolve(upTo, journal(events, upTo)));
      }
    }
    released.addAll(s.resolve(n, journal(events, n)));

    assertThat(released).isEqualTo(events);
    assertThat(s.waiting()).isFalse();
    assertThat(s.watermark()).isEqualTo(Math.max(n, 0));
  }

  @Property
  void aLateDuplicateIsNeverReleasedTwice(@ForAll @Size(min = 1, max = 30) List<Boolean> order, @ForAll long seed) {
    int n = order.size();
    List<Long> arrivals = new ArrayList<>();
    for (long i = 1; i <= n; i++) {
      arrivals.add(i);
      arrivals.add(i);
    }
    Collections.shuffle(arrivals, new Random(seed));
    Sequencer<Long> s = new Sequencer<>(0);
    List<Long> released = new ArrayList<>();
    for (long a : arrivals) {
      released.addAll(s.offer(a, a));
    }
    assertThat(released).hasSize(n).isSorted().doesNotHaveDuplicates();
  }

  static TreeMap<Long, Long> journal(List<Long> events, long upTo) {
    TreeMap<Long, Long> m = new TreeMap<>();
    events.stream().filter(e -> e <= upTo).forEach(e -> m.put(e, e));
    return m;
  }

  /**
   * Each transaction's event names the seqs of its entries that have none (silent). When every hole
   * is named that way, everything is released in order without any journal read.
   */
  @Property
  void silentSeqsNamedByEventsReleaseWithoutReadingTheJournal(@ForAll @Size(min = 1, max = 60) List<Boolean> silentAfter,
      @ForAll long seed) {
    List<Long> events = new ArrayList<>();
    List<List<Long>> silentOf = new ArrayList<>();
    long seq = 0;
    for (boolean withSilent : silentAfter) {
      events.add(++seq);
      silentOf.add(withSilent ? List.of(++seq) : List.of());
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(seed));
    Sequencer<Long> s = new Sequencer<>(0);
    List<Long> released = new ArrayList<>();
    for (int i : order) {
      released.addAll(s.skip(silentOf.get(i)));
      released.addAll(s.offer(events.get(i), events.get(i)));
    }
    assertThat(released).isEqualTo(events);
    assertThat(s.waiting()).isFalse();
    assertThat(s.watermark()).isEqualTo(seq);
  }
}
