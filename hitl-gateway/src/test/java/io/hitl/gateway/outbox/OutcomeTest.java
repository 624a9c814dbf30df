package io.hitl.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutcomeTest {
  private static final Instant NOW = Instant.parse("2026-01-17T12:00:00Z");

  @Test
  void successIsDelivered() {
    assertThat(Outcome.http("x", 204, null, null, NOW).kind()).isEqualTo(Outcome.Kind.DELIVERED);
    assertThat(Outcome.slackApi("x", 200, null, Map.of("ok", true), "{}", NOW).kind()).isEqualTo(Outcome.Kind.DELIVERED);
  }

  @Test
  void rateLimitsTimeoutsAndServerErrorsAreRetriedWithTheServersRetryAfter() {
    Outcome limited = Outcome.http("discord", 429, "2.5", "{\"retry_after\":2.5}", NOW);
    assertThat(limited.kind()).isEqualTo(Outcome.Kind.RETRY);
    assertThat(limited.retryAfter()).isEqualTo(Duration.ofMillis(2500));
    assertThat(Outcome.http("x", 500, null, "boom", NOW).kind()).isEqualTo(Outcome.Kind.RETRY);
    assertThat(Outcome.http("x", 503, "7", "", NOW).retryAfter()).isEqualTo(Duration.ofSeconds(7));
    assertThat(Outcome.http("x", 408, null, "", NOW).kind()).isEqualTo(Outcome.Kind.RETRY);
    assertThat(Outcome.transport("x", "timed out").kind()).isEqualTo(Outcome.Kind.RETRY);
    assertThat(Outcome.slackApi("x", 200, "1", Map.of("ok", false, "error", "ratelimited"), "", NOW).kind())
      .isEqualTo(Outcome.Kind.RETRY);
  }

  @Test
  void otherRefusalsFailForGoodWithTheReason() {
    Outcome o = Outcome.slackApi("slack chat.postMessage", 200, null, Map.of("ok", false, "error", "channel_not_found"),
      "", NOW);
    assertThat(o.kind()).isEqualTo(Outcome.Kind.FAILED);
    assertThat(o.error()).isEqualTo("slack chat.postMessage: channel_not_found");
    assertThat(Outcome.http("discord", 403, null, "{\"message\":\"Missing Access\"}", NOW).kind())
      .isEqualTo(Outcome.Kind.FAILED);
    assertThat(Outcome.slackApi("x", 200, null, null, "<html>", NOW).kind()).isEqualTo(Outcome.Kind.FAILED);
  }

  @Test
  void errorsAreOneLineAndBounded() {
    Outcome o = Outcome.http("x", 500, null, "line1\nline2 " + "y".repeat(2000), NOW);
    assertThat(o.error()).doesNotContain("\n").hasSizeLessThanOrEqualTo(500);
  }
}
