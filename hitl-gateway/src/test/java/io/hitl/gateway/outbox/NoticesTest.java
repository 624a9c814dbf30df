package io.hitl.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.ChatIdentities;
import io.hitl.gateway.core.EscalationTargets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Timeout notices say what happened, whether the deadline moved, and name the people they are for. */
class NoticesTest {
  static final EscalationTargets TARGETS = EscalationTargets.resolve(List.of("alice", "slack:S0RISK",
    "discord:role:555", "ops@example.com", "desk <head>"), ChatIdentities.parse(
      "alice=slack:U0ALICE,alice=discord:987654321012345678"));

  @Test
  void theWarningBeforeTheDeadlineIsWordedAsAWarningAndSaysTheDeadlineHasNotMoved() {
    MessageFacts f = MessageFacts.of(Views.pendingTrade());
    String text = Notices.forRequest("escalated", f, Map.of("stage", "notice", "escalation_level", 0,
      "timeout_action", "escalate"));
    assertThat(text).startsWith("⚠️ Deadline warning: BUY 100 7203.T (" + Views.ID + ") still needs a decision")
      .contains("times out at " + ChatText.utc(f.expiresAt()))
      .contains("then it escalates to the next level")
      .endsWith("The deadline has not moved.")
      .doesNotContain("Escalated").doesNotContain("new deadline");
    assertThat(Notices.forRequest("escalated", f, Map.of("stage", "notice", "timeout_action", "reject")))
      .contains("then it expires unapproved");
  }

  @Test
  void anEscalationToANewLevelSaysWhereTheDeadlineMovedFrom() {
    Map<String, Object> view = new java.util.LinkedHashMap<>(Views.pendingTrade());
    view.put("escalation_level", 1);
    MessageFacts f = MessageFacts.of(view);
    String text = Notices.forRequest("escalated", f, Map.of("stage", "level", "escalation_level", 1,
      "previous_expires_at", "2026-01-17T12:00:00Z"));
    assertThat(text).isEqualTo("⏫ Escalated to level 1: BUY 100 7203.T (" + Views.ID + ") still needs a decision; "
      + "the deadline moved from " + ChatText.utc(java.time.Instant.parse("2026-01-17T12:00:00Z")) + " to "
      + ChatText.utc(f.expiresAt()) + ".");
  }

  @Test
  void slackNoticesMentionUsersAndGroupsAndEscapeEverythingElse() {
    Map<String, Object> m = SlackMessages.notice("⏰ Reminder: <b> & co", TARGETS);
    assertThat(m.get("text")).isEqualTo("⏰ Reminder: &lt;b&gt; &amp; co Attention: <@U0ALICE>, <!subteam^S0RISK>, "
      + "ops@example.com, desk &lt;head&gt;");
  }

  @Test
  void discordNoticesMentionExactlyTheResolvedUsersAndRoles() {
    Map<String, Object> m = DiscordMessages.notice("⏰ Reminder", "42", TARGETS);
    assertThat((String) m.get("content")).startsWith("⏰ Reminder Attention: <@987654321012345678>, <@&555>, ")
      .contains("ops@example.com");
    assertThat(m.get("allowed_mentions")).isEqualTo(Map.of("parse", List.of(), "users", List.of("987654321012345678"),
      "roles", List.of("555")));
    assertThat(DiscordMessages.notice("plain", null, EscalationTargets.resolve(List.of(), ChatIdentities.none()))
      .get("allowed_mentions")).isEqualTo(Map.of("parse", List.of()));
  }
}
