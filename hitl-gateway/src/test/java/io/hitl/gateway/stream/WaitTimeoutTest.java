package io.hitl.gateway.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.core.GatewayException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WaitTimeoutTest {
  static final Duration MAX = Duration.ofSeconds(60);

  @Test
  void unitsAndDefault() {
    assertThat(WaitTimeout.parse("30s", MAX)).isEqualTo(Duration.ofSeconds(30));
    assertThat(WaitTimeout.parse("45", MAX)).isEqualTo(Duration.ofSeconds(45));
    assertThat(WaitTimeout.parse("500ms", MAX)).isEqualTo(Duration.ofMillis(500));
    assertThat(WaitTimeout.parse("1m", MAX)).isEqualTo(Duration.ofMinutes(1));
    assertThat(WaitTimeout.parse("0", MAX)).isZero();
    assertThat(WaitTimeout.parse(null, MAX)).isEqualTo(Duration.ofSeconds(30));
    assertThat(WaitTimeout.parse(null, Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void overTheMaximumOrMalformedIsSec010() {
    for (String v : new String[] {"61s", "2m", "60001ms", "abc", "-1", "1h", "1.5s", "99999999"}) {
      assertThatThrownBy(() -> WaitTimeout.parse(v, MAX)).as(v).isInstanceOf(GatewayException.class)
        .hasMessageStartingWith("timeout: ");
    }
  }

  @Test
  void lastEventIdComesFromTheHeaderFirstThenTheParameter() {
    assertThat(LastEventId.parse("12", "5")).isEqualTo(12L);
    assertThat(LastEventId.parse(null, "5")).isEqualTo(5L);
    assertThat(LastEventId.parse(" ", null)).isNull();
    assertThat(LastEventId.parse("0", null)).isZero();
    for (String bad : new String[] {"x", "-1", "1.5", "99999999999999999999"}) {
      assertThatThrownBy(() -> LastEventId.parse(bad, null)).as(bad).isInstanceOf(GatewayException.class);
    }
  }
}
