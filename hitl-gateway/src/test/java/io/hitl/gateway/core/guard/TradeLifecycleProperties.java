package io.hitl.gateway.core.guard;

import static io.hitl.gateway.core.guard.TradeState.ACCEPTED;
import static io.hitl.gateway.core.guard.TradeState.AWAITING_APPROVAL;
import static io.hitl.gateway.core.guard.TradeState.CLOSED;
import static io.hitl.gateway.core.guard.TradeState.FILLED;
import static io.hitl.gateway.core.guard.TradeState.PENDING;
import static io.hitl.gateway.core.guard.TradeState.REJECTED;
import static io.hitl.gateway.core.guard.TradeState.SETTLED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class TradeLifecycleProperties {
  /** SPEC §4, written out pair by pair. */
  private static final Set<List<TradeState>> SPEC = Set.of(
    List.of(PENDING, AWAITING_APPROVAL),
    List.of(AWAITING_APPROVAL, ACCEPTED),
    List.of(AWAITING_APPROVAL, REJECTED),
    List.of(ACCEPTED, FILLED),
    List.of(FILLED, CLOSED),
    List.of(CLOSED, SETTLED));

  @Property(generation = GenerationMode.EXHAUSTIVE)
  void validTransitionsAreAcceptedAndEveryOtherPairIsRefusedWithSec030(@ForAll TradeState from,
      @ForAll TradeState to) {
    boolean valid = SPEC.contains(List.of(from, to));
    assertThat(TradeLifecycle.allowed(from, to)).isEqualTo(valid);
    if (valid) {
      assertThatCode(() -> TradeLifecycle.require("T-1", from, to)).doesNotThrowAnyException();
    } else {
      assertThatThrownBy(() -> TradeLifecycle.require("T-1", from, to))
        .isInstanceOfSatisfying(GatewayException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.SEC_030);
          assertThat(e.extensions()).containsAllEntriesOf(Map.of("trade_id", "T-1", "previous_state", from.name(),
            "new_state", to.name()));
        });
    }
  }

  @Property
  void anyWalkOfAllowedStepsFromPendingFollowsTheSpec(@ForAll("walks") List<Integer> choices) {
    TradeState s = PENDING;
    List<TradeState> path = new ArrayList<>(List.of(s));
    for (int c : choices) {
      List<TradeState> next = new ArrayList<>(TradeLifecycle.next(s));
      if (next.isEmpty()) {
        break;
      }
      next.sort(null);
      s = next.get(c % next.size());
      path.add(s);
    }
    assertThat(path).isIn(List.of(PENDING), List.of(PENDING, AWAITING_APPROVAL),
      List.of(PENDING, AWAITING_APPROVAL, REJECTED), List.of(PENDING, AWAITING_APPROVAL, ACCEPTED),
      List.of(PENDING, AWAITING_APPROVAL, ACCEPTED, FILLED), List.of(PENDING, AWAITING_APPROVAL, ACCEPTED, FILLED, CLOSED),
      List.of(PENDING, AWAITING_APPROVAL, ACCEPTED, FILLED, CLOSED, SETTLED));
  }

  @Provide
  Arbitrary<List<Integer>> walks() {
    return Arbitraries.integers().between(0, 10).list().ofMaxSize(8);
  }

  @Property(generation = GenerationMode.EXHAUSTIVE)
  void enginesReportOnlyFillsClosesAndSettlements(@ForAll TradeState s) {
    assertThat(TradeLifecycle.REPORTED.contains(s)).isEqualTo(s == FILLED || s == CLOSED || s == SETTLED);
  }
}
