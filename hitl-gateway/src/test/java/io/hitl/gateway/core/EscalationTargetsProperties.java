package io.hitl.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class EscalationTargetsProperties {
  static final ChatIdentities IDS = ChatIdentities.parse(
    "alice=slack:U0ALICE,alice=discord:987654321012345678,bob=slack:U0BOB");

  @Provide
  Arbitrary<List<String>> targets() {
    Arbitrary<String> one = Arbitraries.oneOf(
      Arbitraries.strings().ofMinLength(1).ofMaxLength(40),
      Arbitraries.of("alice", "bob", "carol", "@channel", "@everyone", "<!channel>", "<!here>", "@here",
        "slack:U0ABC", "slack:S0RISK", "slack:<!channel>", "discord:123", "discord:role:555", "discord:role:@everyone",
        "ops@example.com", "not an@email", "desk-head"),
      Arbitraries.strings().withChars("<>@!&^|:ABCSUW0123456789").ofMinLength(1).ofMaxLength(20)
        .map(s -> "slack:" + s),
      Arbitraries.strings().withChars("<>@!&^|:role0123456789").ofMinLength(1).ofMaxLength(20)
        .map(s -> "discord:" + s));
    return one.list().ofMaxSize(20);
  }

  @Property
  void mentionsAreOnlyWellFormedUserGroupOrRoleIdsSoNoTargetCanPingEveryone(@ForAll("targets") List<String> targets) {
    EscalationTargets t = EscalationTargets.resolve(targets, IDS);
    for (String m : t.slackMentions()) {
      assertThat(m).matches("<@[UW][A-Z0-9]{1,31}>|<!subteam\\^S[A-Z0-9]{1,31}>");
    }
    for (String m : t.discordMentions()) {
      assertThat(m).matches("<@&?[0-9]{1,20}>");
    }
    t.discordUsers().forEach(u -> assertThat(u).matches("[0-9]{1,20}"));
    t.discordRoles().forEach(r -> assertThat(r).matches("[0-9]{1,20}"));
  }

  @Property
  void everyTargetIsAddressedSomewhereAndNothingIsInvented(@ForAll("targets") List<String> targets) {
    EscalationTargets t = EscalationTargets.resolve(targets, IDS);
    List<String> addressed = new ArrayList<>(t.plain());
    t.slackUsers().forEach(u -> addressed.add("slack:" + u));
    t.slackGroups().forEach(g -> addressed.add("slack:" + g));
    t.discordUsers().forEach(u -> addressed.add("discord:" + u));
    t.discordRoles().forEach(r -> addressed.add("discord:role:" + r));
    for (String raw : targets) {
      String target = raw.strip();
      if (target.isEmpty()) {
        continue;
      }
      boolean viaIdentity = !IDS.users(ChatIdentities.SLACK, target).isEmpty()
        || !IDS.users(ChatIdentities.DISCORD, target).isEmpty();
      assertThat(viaIdentity || addressed.contains(target)).as(target).isTrue();
    }
    List<String> inputs = targets.stream().map(String::strip).toList();
    for (String a : addressed) {
      boolean fromInput = inputs.contains(a);
      boolean fromIdentity = inputs.stream().anyMatch(op -> (a.startsWith("slack:")
          && IDS.users(ChatIdentities.SLACK, op).contains(a.substring(6)))
        || (a.startsWith("discord:") && IDS.users(ChatIdentities.DISCORD, op).contains(a.substring(8))));
      assertThat(fromInput || fromIdentity).as(a).isTrue();
    }
  }

  @Example
  void operatorsResolveThroughTheirChatIdentitiesAndTheRestIsKeptByKind() {
    EscalationTargets t = EscalationTargets.resolve(List.of("alice", "slack:S0RISK", "discord:role:555",
      "ops@example.com", "desk-head", "alice"), IDS);
    assertThat(t.slackMentions()).containsExactly("<@U0ALICE>", "<!subteam^S0RISK>");
    assertThat(t.discordMentions()).containsExactly("<@987654321012345678>", "<@&555>");
    assertThat(t.emails()).containsExactly("ops@example.com");
    assertThat(t.names()).containsExactly("desk-head");
  }
}
