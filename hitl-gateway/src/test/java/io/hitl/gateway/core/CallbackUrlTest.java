package io.hitl.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CallbackUrlTest {
  static final List<String> HOSTS = List.of("engine.internal", "*.desk.example.com");

  private static String refusal(Object url, boolean allowHttp) {
    try {
      CallbackUrl.check(url, HOSTS, allowHttp);
    } catch (GatewayException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.SEC_010);
      return String.valueOf(e.extensions().get("errors"));
    }
    throw new AssertionError("accepted " + url);
  }

  @Test
  void allowlistedHttpsUrlsAreKeptAsGiven() {
    assertThat(CallbackUrl.check(null, HOSTS, false)).isNull();
    assertThat(CallbackUrl.check("https://engine.internal/hitl?acct=7", HOSTS, false))
      .isEqualTo("https://engine.internal/hitl?acct=7");
    assertThat(CallbackUrl.check("https://bot-1.desk.example.com:8443/cb", HOSTS, false))
      .isEqualTo("https://bot-1.desk.example.com:8443/cb");
    assertThat(CallbackUrl.check("https://ENGINE.internal/x", HOSTS, false)).isEqualTo("https://ENGINE.internal/x");
    assertThat(CallbackUrl.check("http://engine.internal/x", HOSTS, true)).isEqualTo("http://engine.internal/x");
  }

  @Test
  void aWildcardNamesHostsUnderItsSuffixOnly() {
    assertThat(CallbackUrl.hostMatches("a.desk.example.com", "*.desk.example.com")).isTrue();
    assertThat(CallbackUrl.hostMatches("a.b.desk.example.com", "*.desk.example.com")).isTrue();
    assertThat(CallbackUrl.hostMatches("desk.example.com", "*.desk.example.com")).isFalse();
    assertThat(CallbackUrl.hostMatches("evildesk.example.com", "*.desk.example.com")).isFalse();
    assertThat(CallbackUrl.hostMatches("engine.internal.evil.com", "engine.internal")).isFalse();
  }

  @Test
  void everythingElseIsRefusedNamingTheField() {
    assertThat(refusal("https://evil.example.com/x", false)).contains("callback_url=host 'evil.example.com' is not allowed");
    assertThat(refusal("https://desk.example.com/x", false)).contains("is not allowed");
    assertThat(refusal("http://engine.internal/x", false)).contains("must use https");
    assertThat(refusal("gopher://engine.internal/x", true)).contains("must use https or http");
    assertThat(refusal("https://u:p@engine.internal/x", false)).contains("must not contain user info");
    assertThat(refusal("https://engine.internal/x#frag", false)).contains("must not contain a fragment");
    assertThat(refusal("https://engine.internal/a b", false)).contains("without spaces");
    assertThat(refusal("https://", false)).contains("callback_url");
    assertThat(refusal("engine.internal/x", false)).contains("must use https");
    assertThat(refusal("", false)).contains("at most 2048");
    assertThat(refusal(List.of("https://engine.internal/x"), false)).contains("at most 2048");
    assertThat(refusal("https://engine.internal/" + "x".repeat(2048), false)).contains("at most 2048");
    assertThatThrownBy(() -> CallbackUrl.check("https://engine.internal/x", List.of(), false))
      .isInstanceOf(GatewayException.class).hasMessageContaining("callbacks are not enabled");
  }

  @Test
  void allowlistEntriesAreHostNamesOrOneLeadingWildcard() {
    assertThat(CallbackUrl.validPattern("engine.internal")).isTrue();
    assertThat(CallbackUrl.validPattern("*.desk.example.com")).isTrue();
    assertThat(CallbackUrl.validPattern("127.0.0.1")).isTrue();
    assertThat(CallbackUrl.validPattern("*")).isFalse();
    assertThat(CallbackUrl.validPattern("a.*.com")).isFalse();
    assertThat(CallbackUrl.validPattern("https://engine.internal")).isFalse();
    assertThat(CallbackUrl.validPattern("engine.internal:8443")).isFalse();
  }
}
