package io.hitl.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ChatIdentitiesTest {
  @Test
  void mapsEachChatUserToItsOperator() {
    ChatIdentities ids = ChatIdentities.parse("alice=slack:U123, alice=discord:987654321012345678,bob=slack:W0BOB");
    assertThat(ids.operator("slack", "U123")).isEqualTo("alice");
    assertThat(ids.operator("discord", "987654321012345678")).isEqualTo("alice");
    assertThat(ids.operator("slack", "W0BOB")).isEqualTo("bob");
    assertThat(ids.operator("discord", "U123")).isNull();
    assertThat(ids.operator("slack", "U999")).isNull();
    assertThat(ids.size()).isEqualTo(3);
    assertThat(ChatIdentities.parse(null).size()).isZero();
    assertThat(ChatIdentities.parse(" ").operator("slack", "U123")).isNull();
  }

  @Test
  void malformedEntriesAndDoubleClaimsAreRefused() {
    assertThatThrownBy(() -> ChatIdentities.parse("alice")).hasMessageContaining("must look like operator=slack:U123");
    assertThatThrownBy(() -> ChatIdentities.parse("alice=teams:U1")).hasMessageContaining("slack or discord");
    assertThatThrownBy(() -> ChatIdentities.parse("alice=slack:alice")).hasMessageContaining("Slack user id");
    assertThatThrownBy(() -> ChatIdentities.parse("alice=discord:98x")).hasMessageContaining("snowflake");
    assertThatThrownBy(() -> ChatIdentities.parse("al ice=slack:U1")).hasMessageContaining("operator");
    assertThatThrownBy(() -> ChatIdentities.parse("alice=slack:U1,bob=slack:U1")).hasMessageContaining("both alice and bob");
    assertThat(ChatIdentities.parse("alice=slack:U1,alice=slack:U1").size()).isEqualTo(1);
  }
}
