package io.hitl.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.store.MetricsStore;
import io.hitl.gateway.support.MutableClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The counting rules on their own: what each event, refusal and facade call does to the Prometheus text. */
class HitlMetricsTest {
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final MutableClock clock = new MutableClock();
  final HitlMetrics metrics = new HitlMetrics(registry, clock, null, 0);

  Scrape scrape() {
    return Scrape.parse(registry.scrape());
  }

  static JsonObject event(String name, String type, String status, String reason, String channel) {
    Instant created = Instant.parse("2030-01-01T00:00:00Z");
    return new JsonObject().put("event", name).put("action", name).put("actor", "system")
      .put("approval", new JsonObject().put("request_id", "r1").put("type", type).put("status", status)
        .put("decision_reason", reason).put("decision_channel", channel)
        .put("created_at", created.toString())
        .put("decided_at", status.equals("pending") ? null : created.plusSeconds(90).toString()));
  }

  @Test
  void aGuardianLockCascadeCountsAsARejectionByTheGuardianAndAsBlocked() {
    metrics.event(event("decided", "TRADE_EXECUTION", "rejected", "GUARDIAN_LOCK", "system"));
    Scrape s = scrape();
    assertThat(s.value("hitl_rejections_total", "reason", "guardian")).isEqualTo(1);
    assertThat(s.value("blocked_by_guardian_total", "stage", "cascade")).isEqualTo(1);
    assertThat(s.value("hitl_rejections_total", "reason", "manual")).isZero();
    assertThat(s.value("decision_latency_seconds_count", "type", "TRADE_EXECUTION", "outcome", "rejected"))
      .isEqualTo(1);
    assertThat(s.value("decision_latency_seconds_sum", "type", "TRADE_EXECUTION", "outcome", "rejected"))
      .isEqualTo(90);
  }

  @Test
  void createsAndDecisionsRefusedWhileLockedCountAsBlockedByTheGuardian() {
    metrics.refused("create", ErrorCode.SEC_020);
    metrics.refused("decide", ErrorCode.SEC_020);
    metrics.refused("decide", ErrorCode.SEC_020);
    metrics.refused("cancel", ErrorCode.SEC_020);
    Scrape s = scrape();
    assertThat(s.value("blocked_by_guardian_total", "stage", "create")).isEqualTo(1);
    assertThat(s.value("blocked_by_guardian_total", "stage", "decision")).isEqualTo(2);
    assertThat(s.value("hitl_refusals_total", "operation", "cancel", "code", "SEC-020")).isEqualTo(1);
    assertThat(s.sum("blocked_by_guardian_total", l -> true)).isEqualTo(3);
  }

  @Test
  void approvalsRefusedByTheSlippageGuardOrForWantOfAQuoteCountAsRejections() {
    metrics.refused("decide", ErrorCode.SEC_050);
    metrics.refused("decide", ErrorCode.SEC_051);
    metrics.refused("decide", ErrorCode.SEC_012);
    metrics.refused("create", ErrorCode.SEC_050);
    Scrape s = scrape();
    assertThat(s.value("hitl_rejections_total", "reason", "slippage")).isEqualTo(1);
    assertThat(s.value("hitl_rejections_total", "reason", "no_quote")).isEqualTo(1);
    assertThat(s.sum("hitl_rejections_total", l -> true)).isEqualTo(2);
    assertThat(s.value("hitl_refusals_total", "operation", "decide", "code", "SEC-012")).isEqualTo(1);
  }

  @Test
  void integrityFailuresTimeoutsDisabledModeEscalationsAndRemindersEachHaveTheirSeries() {
    metrics.event(event("integrity.alert", "CONFIG_UPDATE", "rejected", "INTEGRITY_FAILURE", "system"));
    metrics.event(event("decided", "CONFIG_UPDATE", "rejected", "INTEGRITY_FAILURE", "system"));
    metrics.event(event("decided", "CONFIG_UPDATE", "approved", "HITL_TIMEOUT_AUTO_APPROVE", "system"));
    metrics.event(event("decided", "CONFIG_UPDATE", "approved", "HITL_DISABLED", "system"));
    metrics.event(event("expired", "CUSTOM_THING", "expired", "HITL_TIMEOUT", "system"));
    metrics.event(event("escalated", "CONFIG_UPDATE", "pending", null, null));
    metrics.event(event("reminder", "CONFIG_UPDATE", "pending", null, null));
    metrics.event(event("vote", "CONFIG_UPDATE", "pending", null, null));
    Scrape s = scrape();
    assertThat(s.value("hitl_integrity_alerts_total")).isEqualTo(1);
    assertThat(s.value("hitl_rejections_total", "reason", "integrity")).isEqualTo(1);
    assertThat(s.value("hitl_approvals_total", "reason", "timeout")).isEqualTo(1);
    assertThat(s.value("hitl_approvals_total", "reason", "disabled")).isEqualTo(1);
    assertThat(s.value("hitl_expired_total")).isEqualTo(1);
    assertThat(s.value("hitl_rejections_timeout_total")).isEqualTo(1);
    assertThat(s.value("decision_latency_seconds_count", "type", "OTHER", "outcome", "expired")).isEqualTo(1);
    assertThat(s.value("hitl_escalations_total")).isEqualTo(1);
    assertThat(s.value("hitl_reminders_total")).isEqualTo(1);
  }

  @Test
  void eventsWithoutARequestOrWithUnknownNamesCountNothing() {
    String before = registry.scrape();
    metrics.event(new JsonObject().put("event", "guardian.locked").put("action", "guardian_locked"));
    metrics.event(new JsonObject().put("event", "recovered")
      .put("approval", new JsonObject().put("status", "pending")));
    metrics.event(new JsonObject().put("event", "decided").put("approval", "not an object"));
    metrics.event(null);
    assertThat(Scrape.parse(registry.scrape()).samples()).isEqualTo(Scrape.parse(before).samples());
  }

  @Test
  void notifierAndStreamFacadeMovesItsSeries() {
    metrics.notificationDelivered("slack");
    metrics.notificationDelivered("slack");
    metrics.notificationRetried("discord");
    metrics.notificationFailed("webhook");
    metrics.notificationFailed("carrier-pigeon");
    metrics.sseConnected();
    metrics.sseConnected();
    metrics.sseDisconnected();
    Scrape s = scrape();
    assertThat(s.value("hitl_notifications_delivered_total", "channel", "slack")).isEqualTo(2);
    assertThat(s.value("hitl_notifications_retried_total", "channel", "discord")).isEqualTo(1);
    assertThat(s.value("hitl_notifications_failed_total", "channel", "webhook")).isEqualTo(1);
    assertThat(s.value("hitl_notifications_failed_total", "channel", "other")).isEqualTo(1);
    assertThat(s.value("hitl_sse_connections")).isEqualTo(1);
  }

  @Test
  void databaseFiguresMapUnknownTypesAndChannelsOntoOtherAndAgeTheOldestByTheClock() {
    Instant oldest = clock.instant().minusSeconds(120);
    metrics.apply(List.of(new MetricsStore.PendingByType("TRADE_EXECUTION", 3, oldest.plusSeconds(60)),
        new MetricsStore.PendingByType("BESPOKE_A", 2, oldest),
        new MetricsStore.PendingByType("BESPOKE_B", 1, oldest.plusSeconds(5))),
      List.of(new MetricsStore.OutboxByChannel("slack", 4), new MetricsStore.OutboxByChannel("sms", 2)));
    clock.advance(Duration.ofSeconds(30));
    Scrape s = scrape();
    assertThat(s.value("hitl_pending_requests", "type", "TRADE_EXECUTION")).isEqualTo(3);
    assertThat(s.value("hitl_pending_requests", "type", "OTHER")).isEqualTo(3);
    assertThat(s.value("hitl_pending_requests", "type", "CONFIG_UPDATE")).isZero();
    assertThat(s.value("hitl_oldest_pending_age_seconds")).isBetween(150.0, 155.0);
    assertThat(s.value("hitl_outbox_depth", "channel", "slack")).isEqualTo(4);
    assertThat(s.value("hitl_outbox_depth", "channel", "other")).isEqualTo(2);

    metrics.apply(List.of(), List.of());
    Scrape empty = scrape();
    assertThat(empty.sum("hitl_pending_requests", l -> true)).isZero();
    assertThat(empty.value("hitl_oldest_pending_age_seconds")).isZero();
    assertThat(empty.value("hitl_outbox_depth", "channel", "slack")).isZero();
  }
}
