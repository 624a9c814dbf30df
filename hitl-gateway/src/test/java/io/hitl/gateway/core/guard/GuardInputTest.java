package io.hitl.gateway.core.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GuardInputTest {
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final Set<LockoutSource> ALL = EnumSet.allOf(LockoutSource.class);

  @SuppressWarnings("unchecked")
  private static Map<String, String> fieldErrors(Runnable r) {
    try {
      r.run();
    } catch (GatewayException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.SEC_010);
      return (Map<String, String>) e.extensions().get("errors");
    }
    throw new AssertionError("expected SEC-010");
  }

  @Test
  void lockoutsNeedATickerAReasonAndExactlyOneOfDurationOrUntil() {
    Lockout l = Lockouts.parse(Map.of("ticker", " aapl ", "reason", "earnings", "duration_seconds", 600),
      LockoutSource.MANUAL, ALL, "carol", NOW);
    assertThat(l.ticker()).isEqualTo("AAPL");
    assertThat(l.until()).isEqualTo(NOW.plusSeconds(600));
    assertThat(l.source()).isEqualTo(LockoutSource.MANUAL);
    assertThat(Lockouts.parse(Map.of("ticker", "X", "reason", "r", "until", "2030-01-02T00:00:00Z",
      "source", "cooldown"), LockoutSource.MANUAL, ALL, "svc", NOW).source()).isEqualTo(LockoutSource.COOLDOWN);

    assertThat(fieldErrors(() -> Lockouts.parse(Map.of("ticker", "X", "reason", "r"), LockoutSource.MANUAL, ALL, "c",
      NOW))).containsKey("duration_seconds");
    assertThat(fieldErrors(() -> Lockouts.parse(Map.of("ticker", "X", "reason", "r", "duration_seconds", 5,
      "until", "2030-01-02T00:00:00Z"), LockoutSource.MANUAL, ALL, "c", NOW))).containsKey("duration_seconds");
    assertThat(fieldErrors(() -> Lockouts.parse(Map.of("ticker", "X", "reason", "r", "duration_seconds", 0),
      LockoutSource.MANUAL, ALL, "c", NOW))).containsKey("duration_seconds");
    assertThat(fieldErrors(() -> Lockouts.parse(Map.of("ticker", "X", "reason", "r", "until", "2029-12-31T00:00:00Z"),
      LockoutSource.MANUAL, ALL, "c", NOW))).containsKey("until");
    assertThat(fieldErrors(() -> Lockouts.parse(Map.of("ticker", "bad ticker!", "duration_seconds", 5, "colour", 1),
      LockoutSource.MANUAL, ALL, "c", NOW))).containsKeys("ticker", "reason", "colour");
    assertThat(fieldErrors(() -> Lockouts.parse(Map.of("ticker", "X", "reason", "r", "duration_seconds", 5,
      "source", "manual"), LockoutSource.NEWS_SHOCK, EnumSet.of(LockoutSource.NEWS_SHOCK), "c", NOW)))
      .containsKey("source");
  }

  @Test
  void lockoutsStopApplyingAtTheirEndOrWhenRemoved() {
    Lockout l = Lockouts.parse(Map.of("ticker", "X", "reason", "r", "duration_seconds", 60), LockoutSource.MANUAL, ALL,
      "c", NOW);
    assertThat(l.activeAt(NOW.plusSeconds(59))).isTrue();
    assertThat(l.activeAt(NOW.plusSeconds(60))).isFalse();
    Lockout removed = new Lockout(l.id(), l.ticker(), l.reason(), l.source(), l.createdBy(), l.createdAt(), l.until(),
      NOW.plusSeconds(1), "c", null);
    assertThat(removed.activeAt(NOW.plusSeconds(2))).isFalse();
  }

  @Test
  void quotesNeedPositiveBidAtMostAskAndASaneTimestamp() {
    Quote q = Quotes.parse(Map.of("ticker", "7203.t", "bid", "2850.1", "ask", 2850.3, "ts", "2029-12-31T23:59:59Z"),
      null, "bus", NOW);
    assertThat(q.ticker()).isEqualTo("7203.T");
    assertThat(q.ask()).isEqualByComparingTo("2850.3");
    assertThat(q.quotedAt()).isEqualTo(Instant.parse("2029-12-31T23:59:59Z"));
    assertThat(Quotes.parse(Map.of("bid", 1, "ask", 2, "ts", NOW.toEpochMilli()), "x", "http", NOW).quotedAt())
      .isEqualTo(NOW);
    assertThat(Quotes.parse(Map.of("bid", 1, "ask", 2), "X", "api", NOW).quotedAt()).isEqualTo(NOW);

    assertThat(fieldErrors(() -> Quotes.parse(Map.of("ticker", "X", "bid", "2", "ask", "1"), null, "api", NOW)))
      .containsKey("ask");
    assertThat(fieldErrors(() -> Quotes.parse(Map.of("ticker", "X", "bid", 0, "ask", true), null, "api", NOW)))
      .containsKeys("bid", "ask");
    assertThat(fieldErrors(() -> Quotes.parse(Map.of("ticker", "X", "bid", 1, "ask", 1, "ts", "2030-01-01T00:01:01Z"),
      null, "api", NOW))).containsKey("ts");
    assertThat(fieldErrors(() -> Quotes.parse(Map.of("bid", 1, "ask", 1, "last", 1), null, "api", NOW)))
      .containsKeys("ticker", "last");
  }

  @Test
  void settingsChangeOnlyTheFieldsGivenAndHitlEnabledCanReturnToTheEnvironment() {
    ApprovalSettings s = new ApprovalSettings(TradingMode.LIVE, false, true, null, null, null);
    ApprovalSettings paper = s.apply(Map.of("trading_mode", "paper", "auto_approve_paper", true), "carol", NOW);
    assertThat(paper).isEqualTo(new ApprovalSettings(TradingMode.PAPER, true, true, null, "carol", NOW));
    ApprovalSettings off = paper.apply(Map.of("hitl_enabled", false), "carol", NOW);
    assertThat(off.hitlEnabled(true)).isFalse();
    Map<String, Object> reset = new HashMap<>();
    reset.put("hitl_enabled", null);
    assertThat(off.apply(reset, "carol", NOW).hitlEnabled(true)).isTrue();

    assertThat(fieldErrors(() -> s.apply(Map.of("trading_mode", "LIVE"), "c", NOW))).containsKey("trading_mode");
    assertThat(fieldErrors(() -> s.apply(Map.of("auto_approve_paper", "yes", "mode", 1), "c", NOW)))
      .containsKeys("auto_approve_paper", "mode");
    Map<String, Object> nullMode = new HashMap<>();
    nullMode.put("require_approval_for_live", null);
    assertThat(fieldErrors(() -> s.apply(nullMode, "c", NOW))).containsKey("require_approval_for_live");
    assertThat(fieldErrors(() -> s.apply(Map.of(), "c", NOW))).containsKey("body");
  }
}
