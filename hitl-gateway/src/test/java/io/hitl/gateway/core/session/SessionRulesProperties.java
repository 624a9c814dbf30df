package io.hitl.gateway.core.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class SessionRulesProperties {
  private static final Instant T0 = Instant.parse("2030-01-02T03:04:05Z");

  static EngineSession opened(int timeout, long heardAfterMicros) {
    return SessionRules.open(Map.of("heartbeat_timeout_seconds", timeout), "engine-1", T0)
      .heardAt(T0.plus(Duration.ofNanos(heardAfterMicros * 1000)));
  }

  @Property
  void aSessionIsDueExactlyWhenItsLastHeartbeatIsMoreThanItsTimeoutAgoAndNeverBefore(
      @ForAll @IntRange(min = 1, max = 600) int timeout, @ForAll @LongRange(min = 0, max = 10_000_000) long heard,
      @ForAll @LongRange(min = -700_000_000L, max = 700_000_000L) long offsetMicros) {
    EngineSession s = opened(timeout, heard);
    Instant now = s.lastSeenAt().plus(Duration.ofNanos(offsetMicros * 1000));
    boolean overdue = Duration.between(s.lastSeenAt(), now).compareTo(Duration.ofSeconds(timeout)) > 0;
    assertThat(s.dueAt(now)).isEqualTo(overdue);
    assertThat(s.dueAt(s.deadline())).as("at its deadline exactly it is not yet due").isFalse();
    assertThat(s.dueAt(s.deadline().plusNanos(1000))).isTrue();
    // a heartbeat at any moment up to now moves the deadline: a session heard at now is never due at now
    assertThat(s.heardAt(now).dueAt(now)).isFalse();
  }

  @Property
  void anEndedSessionIsNeverDueAndRefusesEveryBindWithItsState(@ForAll @IntRange(min = 1, max = 600) int timeout,
      @ForAll @LongRange(min = 0, max = 10_000_000) long endedAfterMicros, @ForAll boolean closed,
      @ForAll @IntRange(min = 0, max = 50) int cancelled) {
    EngineSession open = opened(timeout, 0);
    Instant at = T0.plus(Duration.ofNanos(endedAfterMicros * 1000));
    EngineSession ended = closed ? open.closed(at, cancelled) : open.lapsed(at, cancelled);
    assertThat(ended.open()).isFalse();
    assertThat(ended.state()).isEqualTo(closed ? "closed" : "lapsed");
    assertThat(ended.dueAt(at.plus(Duration.ofDays(365)))).as("an ended session lapses no more").isFalse();
    assertThatThrownBy(() -> SessionRules.requireBindable(ended, ended.id(), "engine-1"))
      .isInstanceOfSatisfying(GatewayException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.SEC_073);
        assertThat(e.extensions()).containsEntry("state", ended.state()).containsEntry("session_id",
          ended.id().toString()).containsKey(closed ? "closed_at" : "lapsed_at");
      });
    assertThat(SessionRules.reason(ended)).isEqualTo(closed ? "ENGINE_SESSION_CLOSED" : "ENGINE_DISCONNECTED");
  }

  @Property
  void onlyTheOwnerMayBindOrActOnASessionWhateverItsState(@ForAll("callers") String caller,
      @ForAll @IntRange(min = 0, max = 2) int state) {
    EngineSession open = opened(30, 0);
    EngineSession s = state == 0 ? open : state == 1 ? open.lapsed(T0.plusSeconds(31), 0) : open.closed(T0, 0);
    if (!caller.equals("engine-1")) {
      // another engine learns nothing: not even that the session exists or how it ended
      for (Runnable check : List.<Runnable>of(() -> SessionRules.requireBindable(s, s.id(), caller),
          () -> SessionRules.requireOwner(s, s.id(), caller))) {
        assertThatThrownBy(check::run).isInstanceOfSatisfying(GatewayException.class,
          e -> assertThat(e.code()).isEqualTo(ErrorCode.SEC_011));
      }
    } else {
      assertThatCode(() -> SessionRules.requireOwner(s, s.id(), caller)).doesNotThrowAnyException();
      if (state == 0) {
        assertThatCode(() -> SessionRules.requireBindable(s, s.id(), caller)).doesNotThrowAnyException();
      }
    }
    assertThatThrownBy(() -> SessionRules.requireBindable(null, UUID.randomUUID(), caller))
      .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SEC_011));
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> callers() {
    return net.jqwik.api.Arbitraries.of("engine-1", "engine-2", "Engine-1", "engine-1 ", "", "carol");
  }
}
