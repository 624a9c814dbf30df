package io.hitl.gateway.outbox;

import static io.hitl.gateway.outbox.Views.list;
import static io.hitl.gateway.outbox.Views.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiscordMessagesTest {
  @Test
  void pendingTradeIsAnEmbedWithApproveRejectAndLinkButtons() {
    Map<String, Object> m = DiscordMessages.message(MessageFacts.of(Views.pendingTrade()), "https://hitl.example.com/approve/tok");
    Map<String, Object> embed = list(m.get("embeds")).get(0);
    assertThat(embed.get("title")).isEqualTo("🔔 Approval Required: BUY 100 7203.T");
    assertThat(embed.get("color")).isEqualTo(DiscordMessages.PENDING_COLOR);
    assertThat((String) embed.get("description")).startsWith("**Reason**: Strong momentum signal");
    assertThat(list(embed.get("fields"))).extracting(f -> f.get("name")).containsExactly("Request ID", "Type", "Expires",
      "Requested by", "Ticker", "Action", "Quantity", "Price", "Confidence", "Risk Level", "Strategy");
    assertThat(list(embed.get("fields"))).anySatisfy(f -> assertThat(f).containsEntry("name", "Expires")
      .containsEntry("value", "<t:1768653000:f> (<t:1768653000:R>)"));
    assertThat(list(embed.get("fields"))).anySatisfy(f -> assertThat(f).containsEntry("name", "Confidence")
      .containsEntry("value", "85.0%"));

    List<Map<String, Object>> rows = list(m.get("components"));
    assertThat(rows).hasSize(1);
    List<Map<String, Object>> buttons = list(rows.get(0).get("components"));
    assertThat(buttons.get(0)).containsEntry("type", 2).containsEntry("style", 3)
      .containsEntry("custom_id", "hitl:approve:" + Views.ID);
    assertThat(buttons.get(1)).containsEntry("style", 4).containsEntry("custom_id", "hitl:reject:" + Views.ID);
    assertThat(buttons.get(2)).containsEntry("style", 5).containsEntry("url", "https://hitl.example.com/approve/tok")
      .doesNotContainKey("custom_id");
    assertThat(m.get("allowed_mentions")).isEqualTo(Map.of("parse", List.of()));
  }

  @Test
  void decidedMessageHasTheOutcomeAndOnlyReRequestOnceRejected() {
    Map<String, Object> m = DiscordMessages.message(MessageFacts.of(Views.decided("rejected", "bob", "discord", "no")), null);
    Map<String, Object> embed = list(m.get("embeds")).get(0);
    assertThat(embed.get("title")).isEqualTo("❌ BUY 100 7203.T — REJECTED");
    assertThat(embed.get("color")).isEqualTo(DiscordMessages.REJECTED_COLOR);
    assertThat((String) embed.get("description")).isEqualTo("**Rejected by bob via Discord**\nReason: no");
    assertThat(list(embed.get("fields"))).anySatisfy(f -> assertThat(f).containsEntry("name", "Processed by")
      .containsEntry("value", "bob \\(Discord\\)"));
    List<Map<String, Object>> rows = list(m.get("components"));
    assertThat(rows).as("a rejected request can only be asked again").singleElement()
      .satisfies(row -> assertThat(list(row.get("components"))).singleElement()
        .satisfies(b -> assertThat(b).containsEntry("custom_id", "hitl:rerequest:" + Views.ID)
          .containsEntry("label", "Re-request")));
    Map<String, Object> approved = DiscordMessages.message(MessageFacts.of(Views.decided("approved", "bob", "discord",
      null)), null);
    assertThat(list(approved.get("components"))).isEmpty();
  }

  @Test
  void interactionAnswersUseTheDocumentedResponseTypes() {
    Map<String, Object> update = DiscordMessages.updateResponse(MessageFacts.of(Views.decided("approved", "alice",
      "discord", null)));
    assertThat(update.get("type")).isEqualTo(7);
    assertThat(list(map(update.get("data")).get("components"))).isEmpty();
    Map<String, Object> eph = DiscordMessages.ephemeral("nope");
    assertThat(eph.get("type")).isEqualTo(4);
    assertThat(map(eph.get("data"))).containsEntry("flags", 64).containsEntry("content", "nope");
    assertThat(DiscordMessages.pong()).isEqualTo(Map.of("type", 1));
    assertThat(DiscordMessages.deferredUpdate()).isEqualTo(Map.of("type", 6));
  }

  @Test
  void markdownInUserTextIsEscaped() {
    Map<String, Object> v = Views.pendingTrade();
    map(v.get("context")).put("strategy", "**bold** [link](https://x)");
    Map<String, Object> embed = list(DiscordMessages.message(MessageFacts.of(v), null).get("embeds")).get(0);
    assertThat(list(embed.get("fields"))).anySatisfy(f -> assertThat(f).containsEntry("name", "Strategy")
      .containsEntry("value", "\\*\\*bold\\*\\* \\[link\\]\\(https://x\\)"));
  }
}
