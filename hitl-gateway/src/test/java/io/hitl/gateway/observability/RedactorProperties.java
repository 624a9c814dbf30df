package io.hitl.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** No credential survives masking, wherever in a line it sits; text without credentials is left as it was. */
class RedactorProperties {
  final Redactor redactor = new Redactor();

  @Provide
  Arbitrary<String> text() {
    return Arbitraries.strings().withChars("abcdefghij klmnop/:,.-_{}\"").ofMaxLength(40);
  }

  @Provide
  Arbitrary<String> jwts() {
    Arbitrary<String> part = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
      .withCharRange('0', '9').withChars('-', '_').ofMinLength(4).ofMaxLength(60);
    return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(2).ofMaxLength(40).flatMap(h ->
      part.flatMap(p -> part.map(sig -> "eyJ" + h + "." + p + "." + sig)));
  }

  @Provide
  Arbitrary<String> secrets() {
    return Arbitraries.strings().withCharRange('!', '~').ofMinLength(Redactor.MIN_SECRET_LENGTH).ofMaxLength(48);
  }

  @Property
  void aTokenAnywhereInALineIsMasked(@ForAll("text") String before, @ForAll("jwts") String jwt,
      @ForAll("text") String after) {
    String masked = redactor.mask(before + jwt + after);
    assertThat(masked).doesNotContain(jwt);
    assertThat(redactor.mask(before + "Authorization: Bearer " + jwt + after)).doesNotContain(jwt);
    assertThat(redactor.mask("GET /api/v1/stream?access_token=" + jwt + "&x=1" + after)).doesNotContain(jwt);
  }

  @Property
  void aRegisteredSecretIsNeverWritten(@ForAll("text") String before, @ForAll("secrets") String secret,
      @ForAll("text") String after) {
    Redactor redactor = new Redactor();
    redactor.register(List.of(secret));
    assertThat(redactor.mask(before + secret + after)).doesNotContain(secret);
    assertThat(redactor.mask(secret + secret)).doesNotContain(secret);
  }

  @Property
  void maskingIsIdempotent(@ForAll("text") String before, @ForAll("jwts") String jwt) {
    String once = redactor.mask(before + " Bearer " + jwt);
    assertThat(redactor.mask(once)).isEqualTo(once);
  }

  @Property
  void ordinaryTextIsKept(@ForAll("text") String text) {
    assertThat(redactor.mask(text)).isEqualTo(text);
  }

  @Property
  void theTokenOfADeepLinkPathIsMaskedAndRequestPathsAreKept(
      @ForAll("linkTokens") String token) {
    Redactor r = new Redactor();
    assertThat(r.mask("GET /approve/" + token + " 302")).isEqualTo("GET /approve/**** 302");
    assertThat(r.mask("GET /approve/" + token + "?x=1 410")).isEqualTo("GET /approve/****?x=1 410");
    assertThat(r.mask("POST /api/v1/approvals/" + token + "/approve 200"))
      .isEqualTo("POST /api/v1/approvals/" + token + "/approve 200");
  }

  @Provide
  Arbitrary<String> linkTokens() {
    return Arbitraries.strings().withChars("abcdefABCDEF0123456789-_").ofMinLength(1).ofMaxLength(60);
  }

  @Example
  void queryStringsKeepTheirOrdinaryParameters() {
    assertThat(redactor.query("status=pending&access_token=abc.def.ghi&limit=5"))
      .isEqualTo("status=pending&access_token=****&limit=5");
    assertThat(redactor.query("signature=deadbeef&Token=xyz")).isEqualTo("signature=****&Token=****");
    assertThat(redactor.query("cursor=abc")).isEqualTo("cursor=abc");
    assertThat(redactor.query(null)).isNull();
  }

  @Example
  void proseAboutTokensIsKept() {
    assertThat(redactor.mask("A bearer token is required; basic checks passed"))
      .isEqualTo("A bearer token is required; basic checks passed");
    assertThat(redactor.mask("Authorization: Basic YWxpY2U6czNjcjN0LXBhc3N3b3Jk"))
      .isEqualTo("Authorization: Basic ****");
  }

  @Example
  void shortValuesAreNotRegistered() {
    redactor.register(List.of("abc", "1234567"));
    assertThat(redactor.mask("abc 1234567")).isEqualTo("abc 1234567");
  }
}
