package io.hitl.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.store.OutboxStore;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobPlanTest {
  private final JobPlan plan = new JobPlan(List.of("slack", "discord", "webhook"),
    List.of("https://a.example/hook", "https://b.example/hook?k=1"));

  @Test
  void everyConfiguredChannelGetsAJobAndEachWebhookUrlItsOwn() {
    Map<String, Object> view = Views.pendingTrade();
    List<OutboxStore.Job> jobs = plan.jobs("created", "created", "engine-1", "2026-01-17T12:00:00.000000Z", "c-1", view);
    assertThat(jobs).extracting(OutboxStore.Job::channel).containsExactly("slack", "discord", "webhook", "webhook");
    assertThat(jobs).allSatisfy(j -> {
      assertThat(j.approvalId()).isEqualTo(UUID.fromString(Views.ID));
      assertThat(j.kind()).isEqualTo("created");
    });
    assertThat(jobs.get(0).payload()).containsEntry("request_id", Views.ID).containsEntry("status", "pending")
      .containsEntry("actor", "engine-1");
    assertThat(jobs.get(2).payload()).containsEntry("url", "https://a.example/hook");
    assertThat(jobs.get(3).payload()).containsEntry("url", "https://b.example/hook?k=1");
    Map<String, Object> body = Views.map(jobs.get(2).payload().get("body"));
    assertThat(body).containsEntry("event", "created").containsEntry("correlation_id", "c-1")
      .containsEntry("at", "2026-01-17T12:00:00.000000Z");
    assertThat(Views.map(body.get("approval"))).containsEntry("request_id", Views.ID);
  }

  @Test
  void aRequestMayNarrowTheChannelsToConfiguredOnes() {
    assertThat(plan.channelsFor(Map.of("notify_channels", "slack"))).containsExactly("slack");
    assertThat(plan.channelsFor(Map.of("notify_channels", "both"))).containsExactly("slack", "discord");
    assertThat(plan.channelsFor(Map.of("notify_channels", List.of("discord", "webhook")))).containsExactly("discord", "webhook");
    assertThat(plan.channelsFor(Map.of("notify_channels", "none"))).isEmpty();
    assertThat(plan.channelsFor(Map.of("notify_channels", "carrier-pigeon"))).containsExactly("slack", "discord", "webhook");
    assertThat(new JobPlan(List.of("discord"), List.of()).channelsFor(Map.of("notify_channels", "slack")))
      .containsExactly("discord");
    assertThat(plan.channelsFor(Map.of())).containsExactly("slack", "discord", "webhook");
  }

  @Test
  void noticesWithoutARequestGoToEveryChannel() {
    List<OutboxStore.Job> jobs = plan.notices("guardian.locked", "Guardian locked: drawdown", "2026-01-17T12:00:00Z",
      Map.of("reason", "drawdown"));
    assertThat(jobs).extracting(OutboxStore.Job::channel).containsExactly("slack", "discord", "webhook", "webhook");
    assertThat(jobs).allSatisfy(j -> assertThat(j.approvalId()).isNull());
    assertThat(jobs.get(0).payload()).containsEntry("text", "Guardian locked: drawdown");
  }
}
