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
  }
}
