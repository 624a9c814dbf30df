package io.hitl.gateway.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamFilterTest {
  static StreamFilter filter(Map<String, String> q) {
    return StreamFilter.parse(q::get);
  }

  @Test
  void noParametersMatchEverything() {
    StreamFilter f = filter(Map.of());
    assertThat(f.matches("created", true, "TRADE_EXECUTION", "AAPL", "pending")).isTrue();
    assertThat(f.matches("guardian.locked", false, null, null, null)).isTrue();
  }

  @Test
  void everyGivenFilterMustMatchAndListsAreAlternatives() {
    StreamFilter f = filter(Map.of("event", "created, decided", "ticker", "aapl,7203.t", "status", "PENDING,approved",
      "type", "trade_execution"));
    assertThat(f.matches("created", true, "TRADE_EXECUTION", "AAPL", "pending")).isTrue();
    assertThat(f.matches("decided", true, "TRADE_EXECUTION", "7203.T", "approved")).isTrue();
    assertThat(f.matches("cancelled", true, "TRADE_EXECUTION", "AAPL", "cancelled")).isFalse();
    assertThat(f.matches("created", true, "TRADE_EXECUTION", "MSFT", "pending")).isFalse();
    assertThat(f.matches("created", true, "CONFIG_UPDATE", "AAPL", "pending")).isFalse();
    assertThat(f.matches("created", true, "TRADE_EXECUTION", null, "pending")).isFalse();
  }

  @Test
  void eventsAboutNoRequestPassTheRequestFiltersButNotTheEventFilter() {
    assertThat(filter(Map.of("ticker", "AAPL", "status", "pending")).matches("guardian.locked", false, null, null, null))
      .isTrue();
    assertThat(filter(Map.of("event", "created")).matches("guardian.locked", false, null, null, null)).isFalse();
  }

  @Test
  void badValuesAreSec010NamingTheParameter() {
    for (Map<String, String> q : java.util.List.of(Map.of("status", "done"), Map.of("event", "Bad Name"),
        Map.of("type", "not-a-type"), Map.of("ticker", "$$$"), Map.of("ticker",
        java.util.stream.IntStream.range(0, 60).mapToObj(i -> "T" + i).collect(java.util.stream.Collectors.joining(","))))) {
      assertThatThrownBy(() -> filter(q)).isInstanceOfSatisfying(GatewayException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.SEC_010);
        assertThat(e.detail()).startsWith(q.keySet().iterator().next());
      });
    }
  }
}
