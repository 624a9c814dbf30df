package io.hitl.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.outbox.SlackMessages;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ChatActionProperties {
  @Provide
  Arbitrary<UUID> ids() {
    return Arbitraries.create(UUID::randomUUID);
  }

  @Provide
  Arbitrary<String> decisions() {
    return Arbitraries.of(ChatAction.APPROVE, ChatAction.REJECT);
  }

  @Property
  void aDiscordCustomIdCarriesTheRequestAndDecisionWithinDiscordsLimit(@ForAll("ids") UUID id,
      @ForAll("decisions") String decision) {
    String customId = ChatAction.discordCustomId(decision, id.toString());
    assertThat(customId.length()).isLessThanOrEqualTo(100);
    assertThat(ChatAction.fromDiscord(customId)).isEqualTo(new ChatAction(decision, id));
  }

  @Property
  void aSlackButtonCarriesTheRequestAndDecision(@ForAll("ids") UUID id, @ForAll("decisions") String decision) {
    String actionId = decision.equals(ChatAction.APPROVE) ? SlackMessages.APPROVE : SlackMessages.REJECT;
    assertThat(ChatAction.fromSlack(actionId, id.toString())).isEqualTo(new ChatAction(decision, id));
  }

  @Property
  void anAcknowledgementButtonCarriesTheRequestAndThePersonasPlaceWithinDiscordsLimit(@ForAll("ids") UUID id,
      @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 99) int slot) {
    String customId = ChatAction.discordAcknowledgeId(id.toString(), slot);
    assertThat(customId.length()).isLessThanOrEqualTo(100);
    assertThat(ChatAction.fromDiscord(customId)).isEqualTo(new ChatAction(ChatAction.ACKNOWLEDGE, id, slot));
    assertThat(ChatAction.fromSlack(ChatAction.SLACK_ACKNOWLEDGE + slot, id.toString()))
      .isEqualTo(new ChatAction(ChatAction.ACKNOWLEDGE, id, slot));
  }

  @Property
  void editAndReRequestButtonsOpenOrAskButNeverDecide(@ForAll("ids") UUID id) {
    for (String d : new String[] {ChatAction.APPROVE_WITH_EDITS, ChatAction.RE_REQUEST}) {
      ChatAction a = ChatAction.fromDiscord(ChatAction.discordCustomId(d, id.toString()));
      assertThat(a).isEqualTo(new ChatAction(d, id));
      assertThat(a.decides()).isFalse();
    }
    assertThat(ChatAction.fromSlack(ChatAction.SLACK_APPROVE_WITH_EDITS, id.toString()).decision())
      .isEqualTo(ChatAction.APPROVE_WITH_EDITS);
    assertThat(ChatAction.fromSlack(ChatAction.SLACK_RE_REQUEST, id.toString()).decision())
      .isEqualTo(ChatAction.RE_REQUEST);
  }

  @Property
  void arbitraryTextIsNeverMistakenForAButtonOfThisGateway(@ForAll String customId, @ForAll String value) {
    ChatAction d = ChatAction.fromDiscord(customId);
    assertThat(d == null || customId.startsWith("hitl:")).isTrue();
    ChatAction s = ChatAction.fromSlack("some_other_action", value);
    assertThat(s).isNull();
  }

  @Example
  void malformedButtonsAreNotActions() {
    assertThat(ChatAction.fromDiscord("hitl:approve:not-a-uuid")).isNull();
    assertThat(ChatAction.fromDiscord("hitl:delete:" + UUID.randomUUID())).isNull();
    assertThat(ChatAction.fromDiscord("hitl:approve")).isNull();
    assertThat(ChatAction.fromSlack(SlackMessages.APPROVE, null)).isNull();
    assertThat(ChatAction.fromSlack(SlackMessages.OPEN, UUID.randomUUID().toString())).isNull();
    assertThat(ChatAction.fromDiscord("hitl:ack:" + UUID.randomUUID())).isNull();
    assertThat(ChatAction.fromDiscord("hitl:ack:" + UUID.randomUUID() + ":100")).isNull();
    assertThat(ChatAction.fromDiscord("hitl:ack:" + UUID.randomUUID() + ":-1")).isNull();
    assertThat(ChatAction.fromSlack("hitl_ack_x", UUID.randomUUID().toString())).isNull();
  }
}
