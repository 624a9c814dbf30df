package io.hitl.gateway.support;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.KeyProvider;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;

/**
 * A real OpenID Connect provider on this machine (mock-oauth2-server: discovery, an interactive login page, the
 * authorization code flow with PKCE, JWKS), whose signing key the test can rotate while it runs: after
 * {@link #rotate()} it signs with a new key id and publishes only that key, as a provider that retires a key does.
 */
public final class OidcProvider implements AutoCloseable {
  public static final String ISSUER_ID = "desk";
  public static final String CLIENT_ID = "hitl-console";
  public static final String AUDIENCE = "hitl-gateway";

  private final RotatingKeys keys = new RotatingKeys();
  private final MockOAuth2Server server;

  private OidcProvider(boolean interactiveLogin) {
    server = new MockOAuth2Server(new OAuth2Config(interactiveLogin, null, null, false,
      new OAuth2TokenProvider(keys, (java.time.Instant) null)));
    server.start();
  }

  /** A provider whose login page asks for a user name and the claims to add (as the browser test fills it in). */
  public static OidcProvider interactive() {
    return new OidcProvider(true);
  }

  public static OidcProvider start() {
    return new OidcProvider(false);
  }

  /** The issuer the gateway is configured with (HITL_OIDC_ISSUER). */
  public String issuer() {
    return server.issuerUrl(ISSUER_ID).toString();
  }

  /** Another issuer on the same server, signing with the same keys: its tokens must still be refused. */
  public String otherIssuerId() {
    return "elsewhere";
  }

  public Map<String, String> settings() {
    return Map.of("HITL_OIDC_ISSUER", issuer(), "HITL_OIDC_CLIENT_ID", CLIENT_ID,
      "HITL_OIDC_CLIENT_SECRET", "console-secret", "HITL_OIDC_AUDIENCE", AUDIENCE + "," + CLIENT_ID);
  }

  /** An access token for {@code subject} from this provider, for {@code audience}, with {@code claims} added. */
  public String token(String subject, String audience, Map<String, Object> claims) {
    return token(ISSUER_ID, subject, audience, claims);
  }

  public String token(String issuerId, String subject, String audience, Map<String, Object> claims) {
    return server.issueToken(issuerId, CLIENT_ID, new DefaultOAuth2TokenCallback(issuerId, subject,
      JOSEObjectType.JWT.getType(), List.of(audience), claims, 600)).serialize();
  }

  /** The key id tokens are signed with now. */
  public String currentKid() {
    return keys.current.getKeyID();
  }

  /** Signs with a new key from now on and publishes only it: tokens of the old key no longer verify anywhere. */
  public void rotate() {
    keys.rotate();
  }

  @Override
  public void close() {
    server.shutdown();
  }

  /** The provider's keys: one signing key at a time, replaced by {@link #rotate()}. */
  static final class RotatingKeys extends KeyProvider {
    private volatile RSAKey current = generate(1);
    private int generation = 1;

    RotatingKeys() {
      super(List.of(), "RS256");
    }

    synchronized void rotate() {
      generation++;
      current = generate(generation);
    }

    @Override
    public JWK signingKey(String issuerId) {
      return current;
    }

    private static RSAKey generate(int generation) {
      try {
        return new RSAKeyGenerator(2048).keyID("desk-key-" + generation + "-" + System.nanoTime()).generate();
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
