package io.hitl.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.OidcProvider;
import io.hitl.gateway.support.TestGateway.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The session cookie behind a proxy that ends TLS (an https HITL_PUBLIC_URL, plain HTTP to the gateway): Secure,
 * HttpOnly, SameSite=Lax, and the provider is told to send the browser back to the public address.
 */
class SessionCookieTest {
  static final OidcProvider idp = OidcProvider.start();

  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded().with(idp.settings())
    .with("HITL_PUBLIC_URL", "https://hitl.example.com").closeAfter(idp);

  @Test
  void behindATlsProxyTheSessionCookieIsSecureHttpOnlyAndLax() {
    Response login = gw.call("GET", "/auth/login?next=/history", null, null);
    assertThat(login.status()).as(login.body()).isEqualTo(302);
    assertThat(login.header("Location")).startsWith(idp.issuer())
      .contains("redirect_uri=" + java.net.URLEncoder.encode("https://hitl.example.com/auth/callback",
        java.nio.charset.StandardCharsets.UTF_8));
    assertThat(login.header("Cache-Control")).isEqualTo("no-store");
    String cookie = login.raw().headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("hitl.session="))
      .findFirst().orElseThrow(() -> new AssertionError(login.raw().headers().map().toString()));
    assertThat(cookie).contains("; Secure").contains("; HTTPOnly").containsIgnoringCase("SameSite=Lax")
      .contains("Path=/");
    assertThat(SignInRoutes.secureCookie(gw.gateway().config())).isTrue();
  }

  @Test
  void theConfigNamesTheProviderForTheSignInButton() {
    Response config = gw.call("GET", "/auth/config", null, null);
    assertThat(config.json().getMap()).containsEntry("sign_in", "oidc").containsEntry("login_url", "/auth/login")
      .containsEntry("issuer", idp.issuer()).containsEntry("provider", java.net.URI.create(idp.issuer()).getAuthority());
    assertThat(config.header("Cache-Control")).isEqualTo("no-store");
  }
}
