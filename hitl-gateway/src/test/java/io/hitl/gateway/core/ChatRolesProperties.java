package io.hitl.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.config.ConfigException;
import io.hitl.gateway.config.GatewayConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ChatRolesProperties {
  @Provide
  Arbitrary<Map<String, Set<String>>> settings() {
    Arbitrary<String> operators = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12);
    Arbitrary<String> roles = Arbitraries.strings().withCharRange('a', 'z').withChars('.', '_', ':', '-')
      .ofMinLength(0).ofMaxLength(20).map(s -> "r" + s).filter(r -> Role.parse(r) == null);
    return Arbitraries.maps(operators, roles.set().ofMinSize(1).ofMaxSize(ClaimRoles.MAX_ROLES)).ofMaxSize(6);
  }

  @Property
  void everyOperatorGetsExactlyTheRolesItsEntryNames(@ForAll("settings") Map<String, Set<String>> setting) {
    String text = setting.entrySet().stream().map(e -> " " + e.getKey() + " = " + String.join(" | ", e.getValue()))
      .collect(Collectors.joining(","));
    ChatRoles parsed = ChatRoles.parse(text);
    assertThat(parsed.size()).isEqualTo(setting.size());
    setting.forEach((operator, roles) -> assertThat(parsed.roles(operator)).containsExactlyElementsOf(roles));
    assertThat(parsed.roles("nobody-named-this")).isEmpty();
  }

  @Property
  void anEntryWithAnInvalidRoleIsRefusedWhereverItStands(@ForAll("settings") Map<String, Set<String>> setting,
      @ForAll("bad") String badRole) {
    Map<String, Set<String>> with = new LinkedHashMap<>(setting);
    with.put("zzbad", Set.of(badRole));
    String text = with.entrySet().stream().map(e -> e.getKey() + "=" + String.join("|", e.getValue()))
      .collect(Collectors.joining(","));
    assertThatThrownBy(() -> ChatRoles.parse(text)).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("zzbad");
  }

  @Provide
  Arbitrary<String> bad() {
    return Arbitraries.oneOf(Arbitraries.of("", " ", "admin", "approver", "submitter", "viewer", "-risk", "ri sk",
      "risk!", "r".repeat(65), "ri=sk", "ri/sk"), Arbitraries.strings().withChars('!', '#', '/', '"', '<', ' ')
      .ofMinLength(1).ofMaxLength(5));
  }

  @Example
  void theDocumentedFormParses() {
    ChatRoles r = ChatRoles.parse("alice=risk|desk, bob=desk");
    assertThat(r.roles("alice")).containsExactly("risk", "desk");
    assertThat(r.roles("bob")).containsExactly("desk");
    assertThat(r.roles(null)).isEmpty();
    assertThat(ChatRoles.parse(null).size()).isZero();
    assertThat(ChatRoles.parse("  ").size()).isZero();
  }

  @Example
  void malformedEntriesAreRefused() {
    assertThatThrownBy(() -> ChatRoles.parse("alice")).hasMessageContaining("must look like operator=role|role");
    assertThatThrownBy(() -> ChatRoles.parse("alice=")).hasMessageContaining("must look like operator=role|role");
    assertThatThrownBy(() -> ChatRoles.parse("=risk")).hasMessageContaining("must look like operator=role|role");
    assertThatThrownBy(() -> ChatRoles.parse("al ice=risk")).hasMessageContaining("operator");
    assertThatThrownBy(() -> ChatRoles.parse("alice=risk||desk")).hasMessageContaining("not a role name");
    assertThatThrownBy(() -> ChatRoles.parse("alice=admin")).hasMessageContaining("gateway role");
    assertThatThrownBy(() -> ChatRoles.parse("alice=risk|risk")).hasMessageContaining("named twice");
    assertThatThrownBy(() -> ChatRoles.parse("alice=risk,alice=desk")).hasMessageContaining("named twice");
    String many = String.join("|", java.util.stream.IntStream.rangeClosed(0, ClaimRoles.MAX_ROLES)
      .mapToObj(i -> "r" + i).toList());
    assertThatThrownBy(() -> ChatRoles.parse("alice=" + many)).hasMessageContaining("more than");
  }

  @Example
  void theSettingIsRefusedNamingItsKeyWhenMalformedOrNamingAnOperatorWithoutAChatIdentity() {
    assertThatThrownBy(() -> GatewayConfig.of(Map.of("HITL_CHAT_IDENTITIES", "alice=slack:U0ALICE",
      "HITL_CHAT_ROLES", "alice=risk|admin")))
      .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).isEqualTo("HITL_CHAT_ROLES"));
    assertThatThrownBy(() -> GatewayConfig.of(Map.of("HITL_CHAT_IDENTITIES", "alice=slack:U0ALICE",
      "HITL_CHAT_ROLES", "bob=risk")))
      .isInstanceOfSatisfying(ConfigException.class, e -> {
        assertThat(e.setting()).isEqualTo("HITL_CHAT_ROLES");
        assertThat(e.getMessage()).contains("bob").contains("no chat identity");
      });
    GatewayConfig c = GatewayConfig.of(Map.of("HITL_CHAT_IDENTITIES", "alice=slack:U0ALICE",
      "HITL_CHAT_ROLES", "alice=risk|desk"));
    assertThat(c.chatRoles.roles("alice")).containsExactly("risk", "desk");
    assertThat(GatewayConfig.of(Map.of()).chatRoles.size()).as("without the setting nothing changes").isZero();
  }
}
