package io.hitl.gateway.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.config.ConfigException;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.pretrade.ScopeKind;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Reading `/hitl-switch` text and Discord options, and the HITL_CHAT_ADMINS setting. */
class SwitchCommandTest {

  @Test
  void anEngageKeepsTheWholeReasonAndAReleaseItsOptionalOne() {
    SwitchCommand e = SwitchCommand.parse("  engage  Venue   XNAS   exchange outage, see #ops  ");
    assertThat(e.verb()).isEqualTo(SwitchCommand.Verb.ENGAGE);
    assertThat(e.scope()).isEqualTo(ScopeKind.VENUE);
    assertThat(e.value()).isEqualTo("XNAS");
    assertThat(e.reason()).isEqualTo("exchange outage, see #ops");
    UUID id = UUID.randomUUID();
    SwitchCommand r = SwitchCommand.parse("release " + id + " all clear");
    assertThat(r.verb()).isEqualTo(SwitchCommand.Verb.RELEASE);
    assertThat(r.switchId()).isEqualTo(id);
    assertThat(r.reason()).isEqualTo("all clear");
    assertThat(SwitchCommand.parse("release " + id).reason()).isNull();
    assertThat(SwitchCommand.parse("").verb()).isEqualTo(SwitchCommand.Verb.HELP);
    assertThat(SwitchCommand.parse("LIST").verb()).isEqualTo(SwitchCommand.Verb.LIST);
    SwitchCommand d = SwitchCommand.of("engage", Map.of("scope", "desk", "value", "fx options", "reason", "why"));
    assertThat(d.scope()).isEqualTo(ScopeKind.DESK);
    assertThat(d.value()).as("Discord options may hold spaces").isEqualTo("fx options");
    assertThat(SwitchCommand.of("release", Map.of("id", id.toString())).switchId()).isEqualTo(id);
  }

  @Test
  void malformedCommandsAreRefusedWithAReadableReason() {
    assertThatThrownBy(() -> SwitchCommand.parse("engage planet X because")).hasMessageContaining("unknown scope 'planet'");
    assertThatThrownBy(() -> SwitchCommand.parse("engage venue XNAS")).hasMessageContaining("a reason is required");
    assertThatThrownBy(() -> SwitchCommand.parse("engage venue")).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> SwitchCommand.parse("engage")).hasMessageContaining("needs a scope");
    assertThatThrownBy(() -> SwitchCommand.parse("release")).hasMessageContaining("needs the switch id");
    assertThatThrownBy(() -> SwitchCommand.parse("release 123")).hasMessageContaining("'123' is not a switch id");
    assertThatThrownBy(() -> SwitchCommand.parse("halt venue XNAS now")).hasMessageContaining("unknown subcommand");
    assertThatThrownBy(() -> SwitchCommand.of("engage", Map.of("scope", "venue", "value", "XNAS", "reason", " ")))
      .hasMessageContaining("a reason is required");
    assertThatThrownBy(() -> SwitchCommand.of(null, Map.of())).hasMessageContaining("unknown subcommand");
  }

  @Test
  void chatAdminsMustBeMappedOperators() {
    assertThatThrownBy(() -> GatewayConfig.of(Map.of("HITL_CHAT_IDENTITIES", "alice=slack:U0ALICE",
      "HITL_CHAT_ADMINS", "alice,zed")))
      .isInstanceOfSatisfying(ConfigException.class, e -> {
        assertThat(e.setting()).isEqualTo("HITL_CHAT_ADMINS");
        assertThat(e.getMessage()).contains("zed").contains("no chat identity");
      });
    assertThat(GatewayConfig.of(Map.of("HITL_CHAT_IDENTITIES", "alice=slack:U0ALICE,bob=discord:42",
      "HITL_CHAT_ADMINS", "alice, bob")).chatAdmins).containsExactly("alice", "bob");
    assertThat(GatewayConfig.of(Map.of()).chatAdmins).isEmpty();
  }
}
