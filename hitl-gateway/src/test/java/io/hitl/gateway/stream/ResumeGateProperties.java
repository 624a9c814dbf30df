package io.hitl.gateway.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class ResumeGateProperties {

  /**
   * A client resumes after {@code last}. Live delivery to it starts when the hub has released up to
   * {@code live0}; the replay then reads the journal (which by then holds at least up to live0) to
   * {@code replayEnd}, while live events keep coming; more arrive after the replay. The client gets
   * every seq after {@code last} exactly once, in order.
   */
  @Property
  void replayAndLiveJoinWithoutGapOrDuplicate(@ForAll @IntRange(max = 60) int last,
      @ForAll @IntRange(max = 60) int live0, @ForAll @IntRange(max = 60) int replayExtra,
      @ForAll @IntRange(max = 60) int liveDuringReplay, @ForAll @IntRange(max = 30) int liveAfter) {
    int replayEnd = live0 + replayExtra;
    int total = Math.max(replayEnd, live0 + liveDuringReplay) + liveAfter;
    ResumeGate gate = new ResumeGate(last, true);
    List<Long> delivered = new ArrayList<>();
    List<Long> buffer = new ArrayList<>();

    // live events released by the hub while the replay runs, interleaved with the replay's pages
    int nextLive = live0 + 1;
    for (long seq = last + 1; seq <= replayEnd; seq++) {
      if (nextLive <= live0 + liveDuringReplay) {
        offer(gate, nextLive++, delivered, buffer);
      }
      if (gate.replayed(seq)) {
        delivered.add(seq);
      }
    }
    while (nextLive <= live0 + liveDuringReplay) {
      offer(gate, nextLive++, delivered, buffer);
    }
    gate.replayDone();
    for (long seq : buffer) {
      offer(gate, seq, delivered, buffer);
    }
    while (nextLive <= total) {
      offer(gate, nextLive++, delivered, buffer);
    }

    List<Long> expected = LongStream.rangeClosed(last + 1, total).boxed().toList();
    assertThat(delivered).isEqualTo(expected);
  }

  static void offer(ResumeGate gate, long seq, List<Long> delivered, List<Long> buffer) {
    switch (gate.live(seq)) {
      case DELIVER -> delivered.add(seq);
      case BUFFER -> buffer.add(seq);
      default -> {
      }
    }
  }
}
