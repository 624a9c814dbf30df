package io.hitl.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** HITL_LOG_FORMAT is checked before anything starts, like every other setting. */
class MainLogFormatTest {

  @Test
  void anUnknownLogFormatStopsTheStartWithSec040NamingIt() {
    MainTest.Run bad = MainTest.run(Map.of("HITL_LOG_FORMAT", "xml"));
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).startsWith("SEC-040").contains("HITL_LOG_FORMAT").contains("json or text");
  }

  @Test
  void aKnownLogFormatIsNoObstacle() {
    MainTest.Run ok = MainTest.run(Map.of("HITL_LOG_FORMAT", "text", "HITL_JWT_SECRET", "x".repeat(40)), "token",
      "--subject", "a", "--roles", "viewer");
    assertThat(ok.code()).isZero();
  }
}
