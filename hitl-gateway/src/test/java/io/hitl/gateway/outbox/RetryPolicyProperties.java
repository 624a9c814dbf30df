package io.hitl.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class RetryPolicyProperties {
  private final RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(1000), Duration.ofMillis(60_000));

  @Property
  void backoffIsBetweenHalfAndAllOfTheCappedExponentialStep(@ForAll @IntRange(min = 1, max = 200) int attempts,
      @ForAll @DoubleRange(min = 0, max = 1) double random) {
    long step = Math.min(60_000, attempts > 40 ? Long.MAX_VALUE : 1000L << (attempts - 1));
    long d = policy.backoff(attempts, random).toMillis();
    assertThat(d).isBetween(step / 2, step);
  }

  @Property
  void backoffNeverShrinksAsAttemptsGrowForTheSameJitter(@ForAll @IntRange(min = 1, max = 100) int attempts,
      @ForAll @DoubleRange(min = 0, max = 1) double random) {
    assertThat(policy.backoff(attempts + 1, random)).isGreaterThanOrEqualTo(policy.backoff(attempts, random));
  }

  @Property
  void retryAfterIsHonouredNeverShortenedAndJitteredByAtMostTenPercent(
      @ForAll @LongRange(min = 0, max = 3_600_000) long retryAfterMs, @ForAll @DoubleRange(min = 0, max = 1) double random,
      @ForAll @IntRange(min = 1, max = 9) int attempts) {
    long d = policy.delay(attempts, Duration.ofMillis(retryAfterMs), random).toMillis();
    assertThat(d).isBetween(retryAfterMs, retryAfterMs + retryAfterMs / 10 + 1);
  }

  @Property
  void aJobIsExhaustedExactlyAtTheMaximumNumberOfAttempts(@ForAll @IntRange(min = 0, max = 50) int attempts) {
    assertThat(policy.exhausted(attempts)).isEqualTo(attempts >= 10);
  }

  @Example
  void retryAfterParsesSecondsDecimalsAndHttpDates() {
    Instant now = Instant.parse("2026-01-17T12:00:00Z");
    assertThat(RetryPolicy.parseRetryAfter("3", now)).isEqualTo(Duration.ofSeconds(3));
    assertThat(RetryPolicy.parseRetryAfter("1.5", now)).isEqualTo(Duration.ofMillis(1500));
    assertThat(RetryPolicy.parseRetryAfter("Sat, 17 Jan 2026 12:00:30 GMT", now)).isEqualTo(Duration.ofSeconds(30));
    assertThat(RetryPolicy.parseRetryAfter("Sat, 17 Jan 2026 11:00:00 GMT", now)).isEqualTo(Duration.ZERO);
    assertThat(RetryPolicy.parseRetryAfter("soon", now)).isNull();
    assertThat(RetryPolicy.parseRetryAfter("-1", now)).isNull();
    assertThat(RetryPolicy.parseRetryAfter(null, now)).isNull();
  }

  @Example
  void anAbsurdRetryAfterIsCappedAtAnHour() {
    assertThat(policy.delay(1, Duration.ofDays(3), 0)).isEqualTo(RetryPolicy.MAX_RETRY_AFTER);
  }
}
