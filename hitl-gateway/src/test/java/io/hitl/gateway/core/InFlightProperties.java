package io.hitl.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The in-flight bound of a verticle: never exceeded, every refusal counted, nothing lost on leaving. */
class InFlightProperties {

  /** {@code true} in the script: a request arrives; {@code false}: the oldest admitted one is answered. */
  @Property
  void theCountNeverExceedsTheBoundAndEveryArrivalIsAdmittedOrRefused(@ForAll @IntRange(min = 1, max = 20) int bound,
      @ForAll @Size(max = 300) List<Boolean> script) {
    InFlight gate = new InFlight(bound);
    int held = 0;
    int arrivals = 0;
    int admitted = 0;
    for (boolean arrive : script) {
      if (arrive) {
        arrivals++;
        if (gate.tryEnter()) {
          admitted++;
          held++;
        }
      } else if (held > 0) {
        gate.leave();
        held--;
      }
      assertThat(gate.current()).isEqualTo(held).isLessThanOrEqualTo(bound);
    }
    assertThat(gate.peak()).isLessThanOrEqualTo(bound);
    assertThat(admitted + gate.refused()).isEqualTo(arrivals);
  }

  @Property
  void aRequestIsRefusedExactlyWhenTheBoundIsReached(@ForAll @IntRange(min = 1, max = 50) int bound,
      @ForAll @IntRange(min = 0, max = 100) int arrivals) {
    InFlight gate = new InFlight(bound);
    int admitted = 0;
    for (int i = 0; i < arrivals; i++) {
      admitted += gate.tryEnter() ? 1 : 0;
    }
    assertThat(admitted).isEqualTo(Math.min(bound, arrivals));
    assertThat(gate.refused()).isEqualTo(Math.max(0, arrivals - bound));
  }

  /**
   * Arrivals of engines' requests ({@code 0}), people's decisions ({@code 1}) and answers ({@code 2}, the oldest
   * admitted): requests never pass the bound, decisions never pass the bound plus the reserve, and a decision is
   * refused only when that is reached, however many requests hold the bound.
   */
  @Property
  void decisionsUseTheReserveThatRequestsCannotTake(@ForAll @IntRange(min = 1, max = 40) int bound,
      @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 2) Integer> script) {
    InFlight gate = new InFlight(bound);
    int reserve = Math.max(1, bound / 4);
    assertThat(gate.reserve()).isEqualTo(reserve);
    int held = 0;
    for (int step : script) {
      int before = gate.current();
      if (step == 0) {
        boolean in = gate.tryEnter();
        assertThat(in).isEqualTo(before < bound);
        held += in ? 1 : 0;
      } else if (step == 1) {
        boolean in = gate.tryEnterDecision();
        assertThat(in).isEqualTo(before < bound + reserve);
        held += in ? 1 : 0;
      } else if (held > 0) {
        gate.leave();
        held--;
      }
      assertThat(gate.current()).isEqualTo(held).isLessThanOrEqualTo(bound + reserve);
    }
  }

  @Example
  void aFullBoundOfRequestsLeavesRoomForDecisions() {
    InFlight gate = new InFlight(8);
    for (int i = 0; i < 8; i++) {
      assertThat(gate.tryEnter()).isTrue();
    }
    assertThat(gate.tryEnter()).as("an engine's request past the bound").isFalse();
    assertThat(gate.tryEnterDecision()).as("a person's decision").isTrue();
    assertThat(gate.tryEnterDecision()).isTrue();
    assertThat(gate.tryEnterDecision()).as("past the reserve of 2").isFalse();
    assertThat(new InFlight(0).reserve()).isZero();
  }

  @Example
  void noBoundAdmitsEverything() {
    InFlight gate = new InFlight(0);
    for (int i = 0; i < 10_000; i++) {
      assertThat(gate.tryEnter()).isTrue();
    }
    assertThat(gate.refused()).isZero();
  }

  @Example
  void leavingMoreOftenThanEnteringIsABugNotANegativeCount() {
    InFlight gate = new InFlight(3);
    gate.tryEnter();
    gate.leave();
    org.assertj.core.api.Assertions.assertThatThrownBy(gate::leave).isInstanceOf(IllegalStateException.class);
    assertThat(gate.current()).isZero();
  }

  /** Threads racing to enter and leave: the bound holds at every instant each of them observes. */
  @Example
  void racingThreadsNeverHoldMoreThanTheBound() throws Exception {
    int bound = 4;
    InFlight gate = new InFlight(bound);
    AtomicInteger observedOver = new AtomicInteger();
    AtomicInteger inside = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread th = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 20_000; i++) {
          if (gate.tryEnter()) {
            if (inside.incrementAndGet() > bound) {
              observedOver.incrementAndGet();
            }
            inside.decrementAndGet();
            gate.leave();
          }
        }
      });
      th.start();
      threads.add(th);
    }
    go.countDown();
    for (Thread th : threads) {
      th.join();
    }
    assertThat(observedOver.get()).isZero();
    assertThat(gate.peak()).isLessThanOrEqualTo(bound);
    assertThat(gate.current()).isZero();
  }
}
