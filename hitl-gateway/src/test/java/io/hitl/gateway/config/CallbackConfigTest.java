package io.hitl.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CallbackConfigTest {
  static final String SECRET = "callback-secret-0123456789abcdefghij";

  @Test
  void callbacksAreOffUntilHostsAreAllowlisted() {
    GatewayConfig none = GatewayConfig.of(Map.of());
    assertThat(none.callbacksEnabled()).isFalse();
    assertThat(none.callbackAllowedHosts).isEmpty();
    assertThat(none.callbackAllowHttp).isFalse();
    GatewayConfig on = GatewayConfig.of(Map.of("HITL_CALLBACK_ALLOWED_HOSTS", " Engine.Internal , *.desk.example.com",
      "HITL_CALLBACK_SECRET", SECRET, "HITL_CALLBACK_ALLOW_HTTP", "true"));
    assertThat(on.callbacksEnabled()).isTrue();
    assertThat(on.callbackAllowedHosts).containsExactly("engine.internal", "*.desk.example.com");
    assertThat(on.callbackAllowHttp).isTrue();
    assertThat(on.toString()).doesNotContain(SECRET);
  }

  @Test
  void allowlistedHostsNeedALongSecret() {
    assertThatThrownBy(() -> GatewayConfig.of(Map.of("HITL_CALLBACK_ALLOWED_HOSTS", "engine.internal")))
      .isInstanceOf(ConfigException.class).hasMessageStartingWith("SEC-040")
      .hasMessageContaining("HITL_CALLBACK_SECRET must be set");
    assertThatThrownBy(() -> GatewayConfig.of(Map.of("HITL_CALLBACK_ALLOWED_HOSTS", "engine.internal",
      "HITL_CALLBACK_SECRET", "short")))
      .isInstanceOf(ConfigException.class).hasMessageContaining("HITL_CALLBACK_SECRET");
  }

  @Test
  void allowlistEntriesMustBeHostNames() {
    for (String bad : new String[] {"*", "https://engine.internal", "engine.internal:443", "a.*.example.com", "bad_host"}) {
      assertThatThrownBy(() -> GatewayConfig.of(Map.of("HITL_CALLBACK_ALLOWED_HOSTS", bad, "HITL_CALLBACK_SECRET",
        SECRET))).as(bad).isInstanceOf(ConfigException.class).hasMessageStartingWith("SEC-040")
        .hasMessageContaining("HITL_CALLBACK_ALLOWED_HOSTS");
    }
  }

  @Test
  void plainHttpIsABoolean() {
    assertThatThrownBy(() -> GatewayConfig.of(Map.of("HITL_CALLBACK_ALLOW_HTTP", "sometimes")))
      .isInstanceOf(ConfigException.class).hasMessageContaining("HITL_CALLBACK_ALLOW_HTTP");
  }
}
