package io.hitl.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OidcConfigTest {
  static final Map<String, String> PROVIDER = Map.of("HITL_OIDC_ISSUER", "https://sso.example.com/realms/trading",
    "HITL_OIDC_CLIENT_ID", "hitl-console", "HITL_OIDC_CLIENT_SECRET", "console-secret-0123456789");

  static GatewayConfig with(String key, String value) {
    Map<String, String> m = new HashMap<>(PROVIDER);
    m.put(key, value);
    return GatewayConfig.of(m);
  }

  @Test
  void withoutAnIssuerTheGatewayIsInDevelopmentMode() {
    GatewayConfig dev = GatewayConfig.of(Map.of());
    assertThat(dev.oidc.enabled()).isFalse();
    assertThat(dev.oidc.providerName).isNull();
  }

  @Test
  void theSignInButtonNamesTheIssuersHostUnlessANameIsSet() {
    GatewayConfig on = GatewayConfig.of(PROVIDER);
    assertThat(on.oidc.enabled()).isTrue();
    assertThat(on.oidc.providerName).isEqualTo("sso.example.com");
    assertThat(on.oidc.redirectUri).isEqualTo("http://localhost:8080/auth/callback");
    assertThat(on.toString()).doesNotContain("console-secret-0123456789");
    assertThat(with("HITL_OIDC_PROVIDER_NAME", " Keycloak (trading) ").oidc.providerName)
      .isEqualTo("Keycloak (trading)");
  }

  @Test
  void aProviderNameIsPlainText() {
    for (String bad : new String[] {"<script>", "a\"b", "x".repeat(65), "https://evil.example.com/"}) {
      assertThatThrownBy(() -> with("HITL_OIDC_PROVIDER_NAME", bad)).as(bad).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("SEC-040").hasMessageContaining("HITL_OIDC_PROVIDER_NAME");
    }
  }

  @Test
  void anIssuerNeedsAClientId() {
    assertThatThrownBy(() -> GatewayConfig.of(Map.of("HITL_OIDC_ISSUER", "https://sso.example.com/realms/trading")))
      .isInstanceOf(ConfigException.class).hasMessageContaining("HITL_OIDC_CLIENT_ID");
  }
}
