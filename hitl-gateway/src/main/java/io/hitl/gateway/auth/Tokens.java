package io.hitl.gateway.auth;

import io.hitl.gateway.config.ConfigKeys;
import io.hitl.gateway.config.SecretFiles;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.Role;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** JWT service tokens: verification for the API, minting for scripts and development. */
public final class Tokens {
  private static final Logger LOG = LoggerFactory.getLogger(Tokens.class);
  public static final String SECRET_FILE = "jwt-secret";

  private Tokens() {
  }

  /**
   * The HS256 secret: HITL_JWT_SECRET, or (with neither it, HITL_JWT_SECRETS nor a public key set) a development secret
   * kept in the data directory, generated on first use. Blocking; call before Vert.x starts serving.
   */
  public static String secret(GatewayConfig config) {
    if (config.jwtSecret != null || config.jwtPublicKey != null || !config.jwtSecrets.isEmpty()) {
      return config.jwtSecret;
    }
    Path file = config.dataDir.resolve(SECRET_FILE);
    try {
      if (Files.exists(file)) {
        return Files.readString(file, StandardCharsets.UTF_8).trim();
      }
      byte[] bytes = new byte[32];
      new SecureRandom().nextBytes(bytes);
      String secret = HexFormat.of().formatHex(bytes);
      SecretFiles.writeOwnerOnly(file, secret);
      LOG.warn("{} is not set: generated a development signing secret in {} (set {} in production)",
        ConfigKeys.HITL_JWT_SECRET, file.toAbsolutePath(), ConfigKeys.HITL_JWT_SECRET);
      return secret;
    } catch (IOException e) {
      throw new IllegalStateException("could not read or create " + file + ": " + e.getMessage(), e);
    }
  }

  /** As {@link #provider(Vertx, GatewayConfig, String, Clock)} on the wall clock, the clock issuers mint by. */
  public static JWTAuth provider(Vertx vertx, GatewayConfig config, String secret) {
    return provider(vertx, config, secret, Clock.systemUTC());
  }

  /**
   * The API's verifier: the RS256 public key, the HS256 {@code secret} (HITL_JWT_SECRET or the development one)
   * and every HITL_JWT_SECRETS key, any of which verifies; tokens are minted with the first HITL_JWT_SECRETS key
   * (its kid in the header), else with {@code secret}.
   */
  public static TokenVerifier provider(Vertx vertx, GatewayConfig config, String secret, Clock clock) {
    return provider(vertx, config, secret, clock, null);
  }

  /** As above, also accepting the tokens of {@code identity} (null: no identity provider). */
  public static TokenVerifier provider(Vertx vertx, GatewayConfig config, String secret, Clock clock,
      IdentityProvider identity) {
    List<KeySet.Key> keys = new ArrayList<>();
    if (config.jwtPublicKey != null) {
      keys.add(new KeySet.Key(null, "RS256", single(vertx, new PubSecKeyOptions().setAlgorithm("RS256")
        .setBuffer(config.jwtPublicKey))));
    }
    for (GatewayConfig.JwtKey k : config.jwtSecrets) {
      keys.add(new KeySet.Key(k.kid(), "HS256", single(vertx, new PubSecKeyOptions().setAlgorithm("HS256")
        .setBuffer(k.secret()))));
    }
    if (secret != null) {
      keys.add(new KeySet.Key(null, "HS256", single(vertx, new PubSecKeyOptions().setAlgorithm("HS256")
        .setBuffer(secret))));
    }
    KeySet set = new KeySet(keys);
    KeySet.Key signing = null;
    for (KeySet.Key k : keys) {
      if (k.algorithm().equals("HS256")) {
        signing = k;
        break;
      }
    }
    return new TokenVerifier(() -> set, signing == null ? null : signing.provider(),
      signing == null ? null : signing.kid(), config.jwtMaxLifetimeSeconds, clock, identity);
  }

  /** A provider of one key; expiry, nbf and iat are {@link TokenVerifier}'s to check, on the injected clock. */
  private static JWTAuth single(Vertx vertx, PubSecKeyOptions key) {
    return JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(key)
      .setJWTOptions(new JWTOptions().setIgnoreExpiration(true)));
  }

  /** Every HS256 secret that verifies API tokens, the signing one first (stream-token keys derive from them). */
  public static List<String> hmacSecrets(GatewayConfig config, String secret) {
    List<String> out = new ArrayList<>();
    config.jwtSecrets.forEach(k -> out.add(k.secret()));
    if (secret != null) {
      out.add(secret);
    }
    return out;
  }

  public static String mint(JWTAuth auth, String subject, List<String> roles, int ttlSeconds) {
    return auth.generateToken(new JsonObject().put("roles", new JsonArray(roles)),
      new JWTOptions().setAlgorithm("HS256").setSubject(subject).setExpiresInSeconds(ttlSeconds));
  }

  /** Desk role names kept from the `roles` claim (they travel in a comma-separated header). */
  private static final java.util.regex.Pattern ROLE_NAME = io.hitl.gateway.core.ClaimRoles.ROLE_NAME;
  private static final int MAX_ROLE_NAMES = io.hitl.gateway.core.ClaimRoles.MAX_ROLES;

  /** The actor a verified token names: `sub`, the known roles of the `roles` claim and every role name in it. */
  public static Actor actor(User user) {
    JsonObject p = user.principal();
    String subject = p.getString("sub");
    if (subject == null || subject.isBlank()) {
      return null;
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    Object claim = p.getValue("roles");
    List<?> names = claim instanceof JsonArray ? ((JsonArray) claim).getList()
      : claim instanceof String ? List.of(((String) claim).split("[ ,]+")) : List.of();
    Set<String> roleNames = new java.util.LinkedHashSet<>();
    for (Object n : names) {
      Role r = Role.parse(String.valueOf(n));
      if (r != null) {
        roles.add(r);
      } else if (ROLE_NAME.matcher(String.valueOf(n)).matches() && roleNames.size() < MAX_ROLE_NAMES) {
        roleNames.add(String.valueOf(n));
      }
    }
    Object iss = p.getValue("iss");
    return new Actor(subject, roles, roleNames, iss instanceof String ? (String) iss : null, null);
  }
}
