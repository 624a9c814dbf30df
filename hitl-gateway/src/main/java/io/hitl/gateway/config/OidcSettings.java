package io.hitl.gateway.config;

import static io.hitl.gateway.config.ConfigKeys.HITL_OIDC_AUDIENCE;
import static io.hitl.gateway.config.ConfigKeys.HITL_OIDC_CLIENT_ID;
import static io.hitl.gateway.config.ConfigKeys.HITL_OIDC_CLIENT_SECRET;
import static io.hitl.gateway.config.ConfigKeys.HITL_OIDC_ISSUER;
import static io.hitl.gateway.config.ConfigKeys.HITL_OIDC_JWKS_MIN_REFRESH_SECONDS;
import static io.hitl.gateway.config.ConfigKeys.HITL_OIDC_PROVIDER_NAME;
import static io.hitl.gateway.config.ConfigKeys.HITL_OIDC_REDIRECT_URI;
import static io.hitl.gateway.config.ConfigKeys.HITL_OIDC_ROLES_CLAIM;
import static io.hitl.gateway.config.ConfigKeys.HITL_OIDC_ROLE_MAP;
import static io.hitl.gateway.config.ConfigKeys.HITL_OIDC_SCOPES;
import static io.hitl.gateway.config.ConfigKeys.HITL_OIDC_SUBJECT_CLAIM;
import static io.hitl.gateway.config.ConfigKeys.HITL_SESSION_IDLE_SECONDS;
import static io.hitl.gateway.config.ConfigKeys.HITL_SESSION_MAX_SECONDS;

import io.hitl.gateway.core.ClaimRoles;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The identity provider settings: absent (no HITL_OIDC_ISSUER) the console signs in with a pasted token and only
 * the gateway's own keys verify tokens, as in development.
 */
public final class OidcSettings {
  private static final java.util.regex.Pattern PROVIDER_NAME = java.util.regex.Pattern.compile("[\\p{L}\\p{N} ._()-]{1,64}");
  /** The issuer exactly as its tokens name it, without a trailing slash; null when no provider is configured. */
  public final String issuer;
  public final String clientId;
  public final String clientSecret;
  public final String redirectUri;
  /** The provider's name as the console's sign-in button shows it. */
  public final String providerName;
  public final List<String> audiences;
  public final List<String> scopes;
  public final String subjectClaim;
  public final String rolesClaim;
  public final Map<String, Set<String>> roleMap;
  public final int jwksMinRefreshSeconds;
  public final int sessionIdleSeconds;
  public final int sessionMaxSeconds;

  OidcSettings(Map<String, String> raw, String publicUrl) {
    issuer = url(raw, HITL_OIDC_ISSUER);
    clientId = text(raw, HITL_OIDC_CLIENT_ID, null);
    clientSecret = text(raw, HITL_OIDC_CLIENT_SECRET, null);
    if (issuer != null && clientId == null) {
      throw new ConfigException(HITL_OIDC_CLIENT_ID, "is required when HITL_OIDC_ISSUER is set");
    }
    String name = text(raw, HITL_OIDC_PROVIDER_NAME, null);
    if (name != null && !PROVIDER_NAME.matcher(name).matches()) {
      throw new ConfigException(HITL_OIDC_PROVIDER_NAME, "must be 1 to 64 letters, digits, spaces or .-_()");
    }
    providerName = name != null ? name : issuer == null ? null : java.net.URI.create(issuer).getAuthority();
    String redirect = url(raw, HITL_OIDC_REDIRECT_URI);
    redirectUri = redirect != null ? redirect : stripSlash(publicUrl) + "/auth/callback";
    List<String> aud = list(raw, HITL_OIDC_AUDIENCE);
    audiences = aud.isEmpty() && clientId != null ? List.of(clientId) : aud;
    List<String> sc = list(raw, HITL_OIDC_SCOPES);
    scopes = sc.isEmpty() ? List.of("openid", "profile", "email") : sc;
    if (!scopes.contains("openid")) {
      throw new ConfigException(HITL_OIDC_SCOPES, "must include openid");
    }
    subjectClaim = claimPath(raw, HITL_OIDC_SUBJECT_CLAIM, "sub");
    rolesClaim = claimPath(raw, HITL_OIDC_ROLES_CLAIM, "groups");
    try {
      roleMap = Map.copyOf(ClaimRoles.parseMapping(text(raw, HITL_OIDC_ROLE_MAP, null)));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(HITL_OIDC_ROLE_MAP, "must be VALUE=ROLE pairs separated by commas: " + e.getMessage());
    }
    jwksMinRefreshSeconds = integer(raw, HITL_OIDC_JWKS_MIN_REFRESH_SECONDS, 30, 0, 3600);
    sessionIdleSeconds = integer(raw, HITL_SESSION_IDLE_SECONDS, 1800, 60, 86_400);
    sessionMaxSeconds = integer(raw, HITL_SESSION_MAX_SECONDS, 43_200, sessionIdleSeconds, 7 * 86_400);
  }

  public boolean enabled() {
    return issuer != null;
  }

  private static String claimPath(Map<String, String> raw, String key, String def) {
    String v = text(raw, key, def);
    if (!v.matches("[A-Za-z0-9_:/-]+(\\.[A-Za-z0-9_:/-]+)*")) {
      throw new ConfigException(key, "must be a claim name or a dotted path such as realm_access.roles, was '" + v + "'");
    }
    return v;
  }

  private static String text(Map<String, String> raw, String key, String def) {
    String v = raw.get(key);
    return v == null || v.isBlank() ? def : v.trim();
  }

  private static List<String> list(Map<String, String> raw, String key) {
    String v = text(raw, key, null);
    List<String> out = new ArrayList<>();
    if (v != null) {
      for (String part : v.split("[ ,]+")) {
        if (!part.isBlank() && !out.contains(part.trim())) {
          out.add(part.trim());
        }
      }
    }
    return List.copyOf(out);
  }

  private static int integer(Map<String, String> raw, String key, int def, int min, int max) {
    String v = text(raw, key, null);
    if (v == null) {
      return def;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw new ConfigException(key, "must be between " + min + " and " + max + ", was " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "must be a whole number, was '" + v + "'");
    }
  }

  private static String url(Map<String, String> raw, String key) {
    String v = text(raw, key, null);
    if (v == null) {
      return null;
    }
    try {
      URI u = new URI(v);
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
          || u.getQuery() != null || u.getFragment() != null) {
        throw new ConfigException(key, "must be an http(s) URL without query or fragment");
      }
    } catch (URISyntaxException e) {
      throw new ConfigException(key, "must be an http(s) URL");
    }
    return stripSlash(v);
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
