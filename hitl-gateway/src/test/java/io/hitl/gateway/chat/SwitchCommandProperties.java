package io.hitl.gateway.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.core.pretrade.ScopeKind;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** `/hitl-switch engage` text: a quoted value keeps its spaces, an unquoted one is one word; the reason is the rest. */
class SwitchCommandProperties {

  @Provide
  Arbitrary<String> values() {
    // letters, digits, punctuation a venue, desk or account name may hold, and spaces inside
    return Arbitraries.strings().withChars("abcXYZ019._-/&:").ofMinLength(1).ofMaxLength(8).list().ofMinSize(1)
      .ofMaxSize(4).map(words -> String.join(" ", words));
  }

  @Provide
  Arbitrary<String> reasons() {
    return Arbitraries.strings().withChars("abc XYZ,.#\"'").ofMinLength(1).ofMaxLength(30)
      .filter(r -> !r.isBlank() && !r.startsWith(" "));
  }

  @Provide
  Arbitrary<String[]> quotes() {
    return Arbitraries.of(new String[] {"\"", "\""}, new String[] {"\u201C", "\u201D"}, new String[] {"\"", "\u201D"});
  }

  @Property
  void aQuotedValueComesBackWhole(@ForAll("values") String value, @ForAll("reasons") String reason,
      @ForAll ScopeKind scope, @ForAll("quotes") String[] q) {
    SwitchCommand c = SwitchCommand.parse("engage " + scope.json() + " " + q[0] + value + q[1] + " " + reason);
    assertThat(c.verb()).isEqualTo(SwitchCommand.Verb.ENGAGE);
    assertThat(c.scope()).isEqualTo(scope);
    assertThat(c.value()).isEqualTo(value.strip());
    assertThat(c.reason()).isEqualTo(reason.strip());
  }

  @Property
  void anUnquotedValueIsItsFirstWord(@ForAll("values") String value, @ForAll("reasons") String reason) {
    SwitchCommand c = SwitchCommand.parse("engage desk " + value + " " + reason);
    String first = value.strip().split(" ")[0];
    assertThat(c.value()).isEqualTo(first);
    assertThat(c.reason()).isEqualTo((value.strip().substring(first.length()) + " " + reason).strip());
  }

  @Example
  void quotedValuesThatCannotBeReadAreRefusedWithAReason() {
    assertThatThrownBy(() -> SwitchCommand.parse("engage desk \"fx options halt")).hasMessageContaining("closing quote");
    assertThatThrownBy(() -> SwitchCommand.parse("engage desk \"fx options\"halt")).hasMessageContaining("a space");
    assertThatThrownBy(() -> SwitchCommand.parse("engage desk \"fx options\"")).hasMessageContaining("a reason is required");
    assertThatThrownBy(() -> SwitchCommand.parse("engage desk \"  \" outage")).hasMessageContaining("needs a value");
  }
}
