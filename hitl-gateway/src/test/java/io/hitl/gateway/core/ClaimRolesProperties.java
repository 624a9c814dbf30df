package io.hitl.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ClaimRolesProperties {
  @Property
  void aMappingGrantsOnlyTheRolesItListsForTheValuesPresent(@ForAll("values") List<String> values,
      @ForAll("mappings") Map<String, Set<String>> mapping) {
    Set<String> granted = ClaimRoles.roles(values, mapping);
    Set<String> allowed = new HashSet<>();
    values.stream().filter(mapping::containsKey).forEach(v -> allowed.addAll(mapping.get(v)));
    assertThat(allowed).containsAll(granted);
    assertThat(granted.size()).isLessThanOrEqualTo(ClaimRoles.MAX_ROLES);
  }

  @Property
  void withoutAMappingTheValuesThatAreRoleNamesAreTheRoles(@ForAll("values") List<String> values) {
    Set<String> granted = ClaimRoles.roles(values, Map.of());
    assertThat(values).containsAll(granted);
    granted.forEach(r -> assertThat(r).matches(ClaimRoles.ROLE_NAME));
    values.stream().filter(v -> ClaimRoles.ROLE_NAME.matcher(v).matches()).limit(ClaimRoles.MAX_ROLES)
      .forEach(v -> assertThat(granted).contains(v));
  }

  @Property
  void aClaimOfAnyOtherTypeThanStringsIsRefusedNeverThrown(@ForAll("junk") Object claim) {
    List<String> read = ClaimRoles.values(Map.of("realm_access", Map.of("roles", claim)), "realm_access.roles");
    boolean strings = claim instanceof String || claim instanceof List
      && ((List<?>) claim).stream().allMatch(String.class::isInstance);
    assertThat(read == null).isEqualTo(!strings);
  }

  @Property
  void theAudienceIsAcceptedExactlyWhenItNamesAnAcceptedOne(@ForAll("audiences") Object aud,
      @ForAll("audienceNames") Set<String> accepted) {
    String problem = TokenClaims.audienceProblem(aud == null ? Map.of() : Map.of("aud", aud), List.copyOf(accepted));
    Collection<?> named = aud instanceof List ? (List<?>) aud : aud == null ? List.of() : List.of(aud);
    boolean shared = named.stream().anyMatch(accepted::contains);
    assertThat(problem == null).isEqualTo(shared);
  }

  @Example
  void keycloakRealmRolesAndGroupPathsAreRead() {
    Map<String, Object> claims = Map.of("realm_access", Map.of("roles", List.of("approver", "offline_access")),
      "groups", List.of("/desk/approvers"));
    assertThat(ClaimRoles.values(claims, "realm_access.roles")).containsExactly("approver", "offline_access");
    assertThat(ClaimRoles.roles(ClaimRoles.values(claims, "groups"),
      ClaimRoles.parseMapping("/desk/approvers=approver,/desk/approvers=risk"))).containsExactly("approver", "risk");
    assertThat(ClaimRoles.values(claims, "missing.path")).isEmpty();
    assertThatThrownBy(() -> ClaimRoles.parseMapping("approvers")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClaimRoles.parseMapping("a=bad role")).isInstanceOf(IllegalArgumentException.class);
  }

  @Provide
  Arbitrary<List<String>> values() {
    return Arbitraries.oneOf(Arbitraries.of("approver", "admin", "viewer", "risk", "desk-approvers", "/g/x", "a b", ""),
      Arbitraries.strings().ofMaxLength(12)).list().ofMaxSize(40);
  }

  @Provide
  Arbitrary<Map<String, Set<String>>> mappings() {
    return Arbitraries.maps(Arbitraries.of("desk-approvers", "/g/x", "risk", "approver", "a b"),
      Arbitraries.of("approver", "viewer", "risk", "compliance", "admin").set().ofMinSize(1).ofMaxSize(3)).ofMinSize(1).ofMaxSize(4);
  }

  @Provide
  Arbitrary<Object> junk() {
    return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(8).map(s -> (Object) s),
      Arbitraries.integers().map(i -> (Object) i), Arbitraries.just((Object) Map.of("a", "b")),
      Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(4).map(s -> (Object) s), Arbitraries.integers()
        .map(i -> (Object) i)).list().ofMaxSize(4).map(l -> (Object) new ArrayList<>(l)));
  }

  @Provide
  Arbitrary<Object> audiences() {
    Arbitrary<String> name = Arbitraries.of("hitl-gateway", "hitl-console", "other", "account");
    return Arbitraries.oneOf(name.map(s -> (Object) s), name.list().ofMaxSize(3).map(l -> (Object) l),
      Arbitraries.just(null));
  }

  @Provide
  Arbitrary<Set<String>> audienceNames() {
    return Arbitraries.of("hitl-gateway", "hitl-console", "other").set().ofMinSize(1).ofMaxSize(2);
  }
}
