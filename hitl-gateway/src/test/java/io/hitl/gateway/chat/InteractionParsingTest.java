package io.hitl.gateway.chat;

import io.hitl.gateway.core.ChatAction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.support.SignedCalls;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class InteractionParsingTest {
  @Test
  void slackBlockActionNamesTheClickerTheRequestAndWhereToAnswer() {
    UUID id = UUID.randomUUID();
    String form = SignedCalls.form(SignedCalls.slackClick("U0ALICE", "hitl_reject", id.toString(),
      "https://hooks.slack.com/actions/T0/1/abc", "C0APPROVALS", "1700000000.000001"));
    SlackInteraction in = SlackInteraction.parse(form.getBytes(StandardCharsets.UTF_8));
    assertThat(in.type()).isEqualTo("block_actions");
    assertThat(in.userId()).isEqualTo("U0ALICE");
    assertThat(in.teamId()).isEqualTo("T0TEAM");
    assertThat(in.action()).isEqualTo(new ChatAction("reject", id));
    assertThat(in.responseUrl()).isEqualTo("https://hooks.slack.com/actions/T0/1/abc");
    assertThat(in.channelId()).isEqualTo("C0APPROVALS");
    assertThat(in.messageTs()).isEqualTo("1700000000.000001");
  }

  @Test
  void slackBodyWithoutAReadablePayloadIsRefused() {
    assertThatThrownBy(() -> SlackInteraction.parse("foo=bar".getBytes(StandardCharsets.UTF_8)))
      .hasMessageContaining("payload");
    assertThatThrownBy(() -> SlackInteraction.parse("payload=%7Bnot-json".getBytes(StandardCharsets.UTF_8)))
      .hasMessageContaining("not valid JSON");
  }

  @Test
  void discordComponentClickAndPingAreRecognised() {
    UUID id = UUID.randomUUID();
    String body = SignedCalls.discordClick("987654321012345678", "hitl:approve:" + id, "555", "9001").encode();
    DiscordInteraction in = DiscordInteraction.parse(body.getBytes(StandardCharsets.UTF_8));
    assertThat(in.type()).isEqualTo(DiscordInteraction.MESSAGE_COMPONENT);
    assertThat(in.userId()).isEqualTo("987654321012345678");
    assertThat(in.action()).isEqualTo(new ChatAction("approve", id));
    assertThat(in.messageId()).isEqualTo("555");
    assertThat(DiscordInteraction.parse("{\"type\":1}".getBytes(StandardCharsets.UTF_8)).type())
      .isEqualTo(DiscordInteraction.PING);
    assertThatThrownBy(() -> DiscordInteraction.parse("[1]".getBytes(StandardCharsets.UTF_8)))
      .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DiscordInteraction.parse("{\"type\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
      .isInstanceOf(IllegalArgumentException.class);
  }
}
